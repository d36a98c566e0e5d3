"""Version names that would shadow git's own names are refused before anything is written."""

from __future__ import annotations

import pytest

from tests.helpers import CliInvoke, ReportRepo

GIT_NAMES = [
    "HEAD",
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
    head = report_repo.head()
    result = cli(report_repo.path, "version", "cut", name, "--no-build")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        f"error: '{name}' is not a valid version name: git reserves names of capitals, '-' "
        "and '_' alone for its own refs (HEAD, FETCH_HEAD, ORIG_HEAD, MERGE_HEAD, ...)"
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
