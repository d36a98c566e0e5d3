"""Snapshots: old revisions from git objects, the working tree from disk, nothing outside."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gap_analysis.errors import RevisionError
from gap_analysis.gitstore import GitStore, check_revision_syntax
from gap_analysis.model.paths import normalize
from gap_analysis.services.snapshots import load
from tests.helpers import CliInvoke, ReportRepo


@pytest.mark.parametrize("path", ["/etc/passwd", "../x", "a/../../x", "a\\b", "c:/x", "a\0b", ""])
def test_normalize_refuses_paths_outside(path: str) -> None:
    assert normalize(path) is None


def test_normalize_joins_relative_to_folder() -> None:
    assert normalize("../figures/a.png", "chapters") == "figures/a.png"
    assert normalize("./a.png", "chapters") == "chapters/a.png"
    assert normalize("../../a.png", "chapters") is None


@pytest.mark.parametrize("rev", ["--output=x", "-d", "a b", "a..b", "x.lock", "HEAD:report.toml"])
def test_revision_syntax_refuses_options_and_ranges(rev: str) -> None:
    with pytest.raises(RevisionError):
        check_revision_syntax(rev)


def test_old_revision_is_read_from_git_objects(report_repo: ReportRepo) -> None:
    first = report_repo.head()
    report_repo.write("chapters/01-intro.md", "---\nid: intro\n---\n# Changed\n")
    report_repo.commit("change intro")
    report_repo.write("chapters/01-intro.md", "---\nid: intro\n---\n# Uncommitted\n")
    store = GitStore(report_repo.path)
    old = load(store, first)
    assert old.report.by_id["intro"].title == "Introduction"
    assert old.snapshot.info.commit == first
    now = load(store, None)
    assert now.report.by_id["intro"].title == "Uncommitted"
    assert now.snapshot.info.dirty and now.snapshot.info.is_worktree
    assert "uncommitted" in now.snapshot.info.label
    # Reading the old revision did not touch the working tree.
    assert "Uncommitted" in (report_repo.path / "chapters/01-intro.md").read_text()


def test_unknown_revision(report_repo: ReportRepo) -> None:
    with pytest.raises(RevisionError, match="unknown revision 'nope'"):
        load(GitStore(report_repo.path), "nope")


def test_symlink_outside_is_not_followed(report_repo: ReportRepo, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    os.symlink(secret, report_repo.path / "chapters" / "leak.png")
    os.symlink("01-intro.md", report_repo.path / "chapters" / "inside.md.txt")
    store = GitStore(report_repo.path)
    work = store.worktree_source()
    assert not work.exists("chapters/leak.png")
    assert work.read("chapters/inside.md.txt").startswith(b"---")
    commit = report_repo.commit("add links")
    tree = store.tree_source(commit)
    assert not tree.exists("chapters/leak.png")
    assert tree.read("chapters/inside.md.txt").startswith(b"---")
    with pytest.raises(KeyError):
        tree.read("chapters/leak.png")


def test_fifo_and_devices_are_not_files(report_repo: ReportRepo) -> None:
    os.mkfifo(report_repo.path / "chapters" / "pipe.png")
    work = GitStore(report_repo.path).worktree_source()
    assert not work.exists("chapters/pipe.png")
    assert not work.exists("/dev/zero")
    assert "chapters/pipe.png" not in work.list("chapters")


def test_chapter_order_numbers_and_annexes(report_repo: ReportRepo) -> None:
    loaded = load(GitStore(report_repo.path), None)
    assert [(c.id, c.number, c.is_annex) for c in loaded.report.chapters] == [
        ("intro", "1", False),
        ("method", "2", False),
        ("abbreviations", "A", True),
    ]


def test_last_changes_in_one_pass(report_repo: ReportRepo) -> None:
    report_repo.write("chapters/02-method.md", "---\nid: method\n---\n# Method\n\nNew.\n")
    second = report_repo.commit("edit method")
    store = GitStore(report_repo.path)
    changes = store.last_changes(["chapters/01-intro.md", "chapters/02-method.md"])
    assert changes["chapters/02-method.md"].commit == second
    assert changes["chapters/01-intro.md"].commit != second
    assert changes["chapters/01-intro.md"].author == "Test Editor"


def test_refused_entries_are_named_not_listed(
    report_repo: ReportRepo, tmp_path: Path, cli: CliInvoke
) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n")
    os.symlink(outside, report_repo.path / "chapters" / "09-leak.md")
    commit = report_repo.commit("a chapter that is a link out of the repository")
    store = GitStore(report_repo.path)
    for source in (store.worktree_source(), store.tree_source(commit)):
        assert "chapters/09-leak.md" not in source.list("chapters")
        assert source.refused("chapters") == ["chapters/09-leak.md"]
    # Reading the old revision, every command sees three chapters and no internal error.
    for args in (("check", commit), ("gaps", commit), ("status",)):
        result = cli(report_repo.path, *args)
        assert "internal error" not in result.stderr, (args, result.stderr)
        assert result.exit_code == 0, (args, result.stderr)
