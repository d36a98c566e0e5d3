"""A cut refuses up front what it cannot finish, and a cut that cannot be completed says how to
clear it (issue 10, items 4 and 7)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gap_analysis.gitstore import GitStore
from gap_analysis.services.comments import import_journal
from tests.helpers import GIT_ENV, CliInvoke, ReportRepo, git, need

JOURNAL = ".git/gap-analysis-cut.json"


def run(repo: ReportRepo, *args: str | bytes, **env: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in a process of its own, arguments passed as bytes where given."""
    return subprocess.run(
        [sys.executable, "-m", "gap_analysis", "--repo", str(repo.path), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV, **env},
        check=False,
    )


def untouched(repo: ReportRepo, head: str) -> bool:
    """Nothing written: same HEAD, no tag, no journal, a clean tree."""
    return (
        repo.head() == head
        and not repo.git("tag")
        and not (repo.path / JOURNAL).exists()
        and not repo.git("status", "--porcelain", "--untracked-files=all")
    )


def test_an_argument_that_is_not_utf8_is_refused_before_any_write(
    report_repo: ReportRepo,
) -> None:
    head = report_repo.head()
    done = run(report_repo, "version", "cut", "--no-build", "--meeting", b"M\xffx")
    assert done.returncode == 1, done.stderr
    assert "meeting is not valid UTF-8 text (byte 0xff" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert untouched(report_repo, head)
    done = run(report_repo, "version", "cut", "--no-build", "--meeting", "M x")
    assert done.returncode == 0, done.stderr


def test_review_arguments_that_are_not_utf8_are_refused(report_repo: ReportRepo) -> None:
    assert run(report_repo, "version", "cut", "--no-build").returncode == 0
    head = report_repo.head()
    done = run(report_repo, "review", "submit", "v0.1", "--note", b"\xfe")
    assert done.returncode == 1 and "note is not valid UTF-8" in done.stderr, done.stderr
    assert report_repo.head() == head and not (report_repo.path / "review/events").exists()


def test_a_journal_that_cannot_be_completed_says_how_to_clear_it(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    journal = report_repo.path / JOURNAL
    journal.write_text(
        json.dumps(
            {"name": "v0.1", "meeting": "M\udcffx", "document": "", "purpose": "", "sign": False}
        ),
        encoding="utf-8",
    )  # what a cut of `--meeting $'M\xffx'` left before this was refused up front
    for _ in range(2):  # every later cut says the same, and nothing crashes
        result = cli(report_repo.path, "version", "cut", "--no-build")
        assert result.exit_code == 1
        assert f"rm '{journal}'" in result.stderr and "internal error" not in result.stderr
    status = cli(report_repo.path, "status")
    assert status.exit_code == 1 and str(journal) in status.stderr
    journal.unlink()
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0


def test_status_names_an_incomplete_cut_and_a_stuck_resume_says_how_to_abandon_it(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    done = run(report_repo, "version", "cut", "--no-build", GAP_ANALYSIS_FAULT="after-write")
    assert done.returncode == 75, done.stderr
    status = cli(report_repo.path, "status")
    assert status.exit_code == 0, status.output
    assert "incomplete cut: v0.1" in status.stdout
    assert "'gap-analysis version cut v0.1' completes it" in status.stdout
    report_repo.write("chapters/notes.txt", "stray\n")  # the resume cannot commit now
    result = cli(report_repo.path, "version", "cut", "--no-build")
    assert result.exit_code == 1
    assert "uncommitted changes (chapters/notes.txt)" in result.stderr
    assert "to abandon it instead: rm" in result.stderr
    assert "review/versions/v0.1.toml" in result.stderr


def test_status_names_an_incomplete_cut_and_an_incomplete_import_together(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    """Both journals are named: the cut's (this branch) and the comment import's (main)."""
    done = run(report_repo, "version", "cut", "--no-build", GAP_ANALYSIS_FAULT="after-write")
    assert done.returncode == 75, done.stderr
    store = GitStore(report_repo.path)
    import_journal.save(store, import_journal.ImportJournal("v0.1", "form.csv", "0" * 64, ""))
    status = cli(report_repo.path, "status")
    assert status.exit_code == 0, status.output
    assert "incomplete cut: v0.1" in status.stdout
    assert "interrupted comment import of form.csv on v0.1" in status.stdout


def test_a_cut_on_a_detached_head_is_refused_before_any_write(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    report_repo.git("checkout", "-q", "--detach")
    head = report_repo.head()
    result = cli(report_repo.path, "version", "cut", "--no-build")
    assert result.exit_code == 1 and "HEAD is detached" in result.stderr
    assert untouched(report_repo, head)
    report_repo.git("checkout", "-q", "main")
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    report_repo.git("checkout", "-q", "--detach")
    result = cli(report_repo.path, "review", "submit", "v0.1")
    assert result.exit_code == 1 and "HEAD is detached" in result.stderr
    assert not (report_repo.path / "review/events").exists()


def test_chapters_in_a_submodule_are_refused_before_any_write(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    outside = tmp_path / "chapters-repo"
    outside.mkdir()
    for file in (report_repo.path / "chapters").iterdir():
        (outside / file.name).write_bytes(file.read_bytes())
    git(outside, "init", "-q", "-b", "main")
    git(outside, "add", ".")
    git(outside, "commit", "-q", "-m", "chapters")
    report_repo.git("rm", "-rq", "chapters")
    report_repo.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(outside), "chapters"
    )
    report_repo.git("commit", "-q", "-m", "chapters in a submodule")
    head = report_repo.head()
    result = cli(report_repo.path, "version", "cut", "--no-build")
    assert result.exit_code == 1
    assert "chapters/ is a git submodule" in result.stderr
    assert untouched(report_repo, head)


def test_sign_without_a_usable_key_is_refused_before_any_write(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(shutil.which("gpg") is not None, "needs gpg, as git tag -s does")
    home = tmp_path / "empty-gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))  # no secret key at all
    head = report_repo.head()
    result = cli(report_repo.path, "version", "cut", "--no-build", "--sign")
    assert result.exit_code == 1
    assert "cannot sign the tag" in result.stderr and "user.signingkey" in result.stderr
    assert untouched(report_repo, head)
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0


def test_chapter_new_and_init_refuse_text_that_is_not_utf8(
    report_repo: ReportRepo, tmp_path: Path
) -> None:
    done = run(report_repo, "chapter", "new", b"Ti\xfftle")
    assert done.returncode == 1 and "chapter title is not valid UTF-8" in done.stderr
    assert not report_repo.git("status", "--porcelain", "--untracked-files=all")
    done = subprocess.run(
        [sys.executable, "-m", "gap_analysis", "init", str(tmp_path / "new"), "--title", b"T\xff"],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=False,
    )
    assert done.returncode == 1 and "title is not valid UTF-8" in done.stderr, done.stderr
    assert not (tmp_path / "new").exists()
