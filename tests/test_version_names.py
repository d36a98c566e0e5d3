"""Version names that would shadow git's own names are refused before anything is written."""

from __future__ import annotations

import json

import pytest

from tests.helpers import CliInvoke, ReportRepo

GIT_NAMES = [
    "HEAD",
    "NOTES_MERGE_REF",
    "COMMIT_EDITMSG",  # not a ref, but a file git keeps in its folder (made by the fixture)
    "FETCH_HEAD",
    "ORIG_HEAD",
    "MERGE_HEAD",
    "CHERRY_PICK_HEAD",
    "REVERT_HEAD",
    "BISECT_HEAD",
    "REBASE_HEAD",
    "AUTO_MERGE",
]


@pytest.mark.parametrize("name", GIT_NAMES)
def test_git_special_refs_are_refused(name: str, report_repo: ReportRepo, cli: CliInvoke) -> None:
    (report_repo.path / ".git" / "COMMIT_EDITMSG").write_text("a message\n")
    head = report_repo.head()
    result = cli(report_repo.path, "version", "cut", name, "--no-build")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        f"error: '{name}' is not a valid version name: git reserves it for its own refs "
        "(HEAD, FETCH_HEAD, ORIG_HEAD, MERGE_HEAD, AUTO_MERGE, any name of capitals ending "
        "in _HEAD, ...)"
    ]
    assert report_repo.git("tag", "--list") == ""
    assert report_repo.head() == head
    assert report_repo.git("status", "--porcelain") == ""


def test_a_branch_name_is_refused(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.git("branch", "draft-2")
    for name in ("main", "draft-2"):
        result = cli(report_repo.path, "version", "cut", name, "--no-build")
        assert result.exit_code == 1
        assert "is the name of a branch" in result.stderr
    assert report_repo.git("tag", "--list") == ""
    assert report_repo.git("status", "--porcelain") == ""


def test_ordinary_names_still_cut_and_git_still_works(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    for name in ("v0.1", "Draft-HEAD", "TD-345"):
        result = cli(report_repo.path, "version", "cut", name, "--no-build")
        assert result.exit_code == 0, result.output
    report_repo.git("checkout", "-q", "-b", "next", "HEAD")
    assert report_repo.git("rev-parse", "--abbrev-ref", "HEAD").strip() == "next"


def test_names_of_capitals_are_versions_like_any_other(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    """Bug fix: every name of capitals, '-' and '_' was refused as if git owned it (`FINAL`,
    `TD-FINAL`); git owns only HEAD, names ending in _HEAD, a few others and the files in its
    folder. The new test fails on the old code (`FINAL` refused)."""
    for name in ("FINAL", "TD-FINAL", "DRAFT_2"):
        result = cli(report_repo.path, "version", "cut", name, "--no-build")
        assert result.exit_code == 0, result.output
        assert report_repo.git("rev-parse", f"{name}^{{commit}}").strip() == report_repo.head()
    listed = cli(report_repo.path, "version", "list", "--json")
    assert {"FINAL", "TD-FINAL", "DRAFT_2"} <= {v["name"] for v in json.loads(listed.stdout)}


@pytest.mark.parametrize("taken", ["record", "tag"])
def test_a_name_differing_only_by_case_is_refused(
    taken: str, report_repo: ReportRepo, cli: CliInvoke
) -> None:
    """On a case-insensitive file system `Final` and `FINAL` would be one tag file and one
    record file: the second is refused, naming the first, before anything is written."""
    if taken == "record":
        assert cli(report_repo.path, "version", "cut", "FINAL", "--no-build").exit_code == 0
        report_repo.git("tag", "-d", "FINAL")  # a clone without tags still has the record
    else:
        report_repo.git("tag", "FINAL")
    head = report_repo.head()
    result = cli(report_repo.path, "version", "cut", "Final", "--no-build")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        "error: 'Final' is not a valid version name: it differs from 'FINAL' only by case, "
        "and on a case-insensitive file system (macOS, Windows) the two would be one tag and "
        "one record"
    ]
    assert report_repo.head() == head and "Final" not in report_repo.git("tag", "--list")
    assert report_repo.git("status", "--porcelain") == ""
