"""Shallow clones: every version would read as the boundary commit, so commands refuse with
the fix (issue 10, item 2). Real `git clone --depth` clones over file://."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CliInvoke, ReportRepo, git


@pytest.fixture
def origin(report_repo: ReportRepo, cli: CliInvoke) -> ReportRepo:
    """Two versions with different text, and a commit after them."""
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    report_repo.write("chapters/01-intro.md", report_repo.path.joinpath(
        "chapters/01-intro.md").read_text() + "\nA paragraph that v0.2 adds.\n")  # fmt: skip
    report_repo.commit("v0.2 text")
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    report_repo.write("chapters/01-intro.md", "---\nid: intro\ntitle: Introduction\n---\n# Intro\n")
    report_repo.commit("after v0.2")
    return report_repo


def clone(origin: ReportRepo, target: Path, depth: int) -> ReportRepo:
    git(target.parent, "clone", "-q", "--depth", str(depth), f"file://{origin.path}", target.name)
    return ReportRepo(target)


@pytest.mark.parametrize(
    "args",
    [
        ["build", "v0.1", "-o", "v.pdf"],
        ["diff", "v0.1", "v0.2"],
        ["summary", "v0.1", "v0.2"],
        ["packet", "v0.2", "-o", "p.pdf"],
        ["site", "--no-pdf"],
        ["version", "list"],
        ["version", "tag", "--repair"],
        ["review", "submit", "v0.1"],
        [
            "comment",
            "add",
            "v0.1",
            "--chapter",
            "intro",
            "--type",
            "ed",
            "--by",
            "B",
            "--text",
            "t",
        ],
        ["comment", "list", "v0.1"],
        ["status"],
    ],
)
def test_commands_that_read_a_version_refuse_a_shallow_clone(
    origin: ReportRepo, cli: CliInvoke, tmp_path: Path, args: list[str]
) -> None:
    shallow = clone(origin, tmp_path / "shallow", 1)
    head, tags = shallow.head(), shallow.git("tag")
    result = cli(shallow.path, *args)
    assert result.exit_code == 1, result.output
    assert "shallow clone" in result.stderr and "git fetch --unshallow" in result.stderr
    assert "fetch-depth: 0" in result.stderr
    assert shallow.head() == head and shallow.git("tag") == tags
    assert not shallow.git("status", "--porcelain", "--untracked-files=all")


def test_check_warns_and_unshallow_gives_the_right_versions(
    origin: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    shallow = clone(origin, tmp_path / "shallow", 1)
    checked = cli(shallow.path, "check")
    assert checked.exit_code == 0, checked.output
    assert "shallow-clone" in checked.stdout and "version-tag" not in checked.stdout
    shallow.git("fetch", "-q", "--unshallow")
    result = cli(shallow.path, "diff", "v0.1", "v0.2")
    assert result.exit_code == 0, result.output
    assert "A paragraph that v0.2 adds." in result.stdout
    listed = cli(shallow.path, "version", "list", "--json")
    assert listed.exit_code == 0 and origin.git("rev-parse", "v0.1^{commit}").strip()[:10] in (
        listed.stdout
    )


def test_any_version_cut_off_refuses_even_one_inside_the_depth(
    origin: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    """Depth 3 holds the commit that added v0.2's record (the boundary is the one before it)
    but not v0.1's. A version's standing and change annex need every version, so v0.2 is
    refused too, naming v0.1 alone."""
    shallow = clone(origin, tmp_path / "shallow", 3)
    refused = cli(shallow.path, "build", "v0.2", "-o", str(tmp_path / "v2.pdf"))
    assert refused.exit_code == 1 and "review/versions/v0.1.toml" in refused.stderr
    assert "v0.2.toml" not in refused.stderr and "more record" not in refused.stderr
