"""A record that cannot be read is an error naming its file in every command, never dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CliInvoke, ReportRepo, copy_report, git_identity, invoke, make_report

BAD = b'name = "v0.1"\ndate = 2025-04-02T09:00:00Z\nmeeting = "SG17\x7f"\n'  # DEL raw: invalid


@pytest.fixture(scope="module")
def _two_versions_once(tmp_path_factory: pytest.TempPathFactory) -> ReportRepo:
    with git_identity():
        repo = make_report(tmp_path_factory.mktemp("two-versions") / "report")
        for _ in range(2):
            result = invoke(repo.path, "version", "cut", "--no-build")
            assert result.exit_code == 0, result.output
    return repo


@pytest.fixture
def two_versions(_two_versions_once: ReportRepo, tmp_path: Path) -> ReportRepo:
    """A copy of `_two_versions_once` for one test."""
    return copy_report(_two_versions_once, tmp_path / "report")


def break_record(repo: ReportRepo, relative: str) -> None:
    repo.write(relative, BAD.replace(b"v0.1", Path(relative).stem.encode()))
    repo.commit(f"break {relative}")


@pytest.mark.parametrize(
    "args",
    [
        ["version", "list"],
        ["version", "tag"],
        ["build", "v0.2", "-o", "out.pdf"],
        ["diff", "v0.1", "v0.2"],
        ["summary", "@cg-cop"],
        ["packet", "v0.2", "-o", "p.pdf"],
        ["review", "submit", "v0.2"],
        ["review", "history"],
        [
            "comment",
            "add",
            "v0.2",
            "--chapter",
            "method",
            "--type",
            "ed",
            "--by",
            "B",
            "--text",
            "t",
        ],
        ["comment", "list", "v0.1"],
        ["status"],
        ["check"],
    ],
)
def test_a_bad_version_record_is_an_error_naming_it(
    two_versions: ReportRepo, cli: CliInvoke, args: list[str]
) -> None:
    break_record(two_versions, "review/versions/v0.1.toml")
    head = two_versions.head()
    result = cli(two_versions.path, *args)
    assert result.exit_code == 1, result.output
    assert "review/versions/v0.1.toml" in result.output
    assert "internal error" not in result.output
    assert two_versions.head() == head and not two_versions.git("status", "--porcelain")


def test_a_bad_event_is_not_skipped_so_an_action_is_not_taken_twice(
    two_versions: ReportRepo, cli: CliInvoke
) -> None:
    repo = two_versions
    assert cli(repo.path, "review", "submit", "v0.1").exit_code == 0
    [event] = (repo.path / "review/events").glob("*.toml")
    event.write_bytes(event.read_bytes().replace(b'to = "cg-cop"', b'to = "cg-cop\x7f"'))
    repo.commit("an event nobody can read")
    head = repo.head()
    result = cli(repo.path, "review", "submit", "v0.1")
    assert result.exit_code == 1
    assert event.relative_to(repo.path).as_posix() in result.stderr
    assert repo.head() == head
    checked = cli(repo.path, "check")
    assert checked.exit_code == 1 and "event-record" in checked.stdout


def test_site_keeps_its_pages_when_a_record_turns_unreadable(
    two_versions: ReportRepo, cli: CliInvoke
) -> None:
    repo = two_versions
    (repo.path / "dist").mkdir(exist_ok=True)  # `-o` names a folder whose parent exists
    result = cli(repo.path, "site", "--no-pdf", "-o", str(repo.path / "dist" / "site"))
    assert result.exit_code == 0, result.output
    pages = sorted(p for p in (repo.path / "dist" / "site").rglob("*") if "v0.1" in p.as_posix())
    assert pages
    break_record(repo, "review/versions/v0.1.toml")
    result = cli(repo.path, "site", "--no-pdf", "-o", str(repo.path / "dist" / "site"))
    assert result.exit_code == 1
    assert "review/versions/v0.1.toml" in result.stderr
    assert all(p.exists() for p in pages)


def test_a_bad_comment_record_is_an_error_in_list_and_export(
    two_versions: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    repo = two_versions
    result = cli(
        repo.path, "comment", "add", "v0.1", "--chapter", "method", "--type", "ed",
        "--by", "NB", "--text", "t",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [record] = (repo.path / "review/comments/v0.1").glob("*.toml")
    record.write_bytes(record.read_bytes().replace(b'"t"', b'"t\x7f"'))
    relative = record.relative_to(repo.path).as_posix()
    for args in (["comment", "list"], ["comment", "export", "v0.1", "-o", str(tmp_path / "x.csv")]):
        result = cli(repo.path, *args)
        assert result.exit_code == 1 and relative in result.stderr, result.output
