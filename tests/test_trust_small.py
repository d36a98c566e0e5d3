"""Small trust fixes: gap id patterns that cannot hang, a meeting printed once, the version a
baseline resolved to in every diff header."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPORT_TOML, CliInvoke, ReportRepo, make_report

MEETING = "SG17, Geneva, 8-17 April 2025"


def _with_pattern(tmp_path: Path, pattern: str) -> ReportRepo:
    toml = REPORT_TOML + f"\n[gaps]\nid_pattern = '{pattern}'\n"
    return make_report(tmp_path / "report", toml=toml)


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("(G+)+-x", "repeat of variable count inside a repeat"),
        ("G-(?:[A-Z]+-?)*[0-9]", "repeat of variable count inside a repeat"),
        ("G-(A|AA)*-01", "alternation inside a repeat"),
        ("(G)-\\1", "back-references are not allowed"),
    ],
)
def test_a_gap_id_pattern_that_can_backtrack_for_ever_is_refused(
    tmp_path: Path, cli: CliInvoke, pattern: str, why: str
) -> None:
    repo = _with_pattern(tmp_path, pattern)
    toml_lines = (repo.path / "report.toml").read_text().splitlines()
    line = next(n for n, text in enumerate(toml_lines, 1) if text.startswith("id_pattern"))
    for command in (("check",), ("gaps",), ("diff", "HEAD")):
        result = cli(repo.path, *command)
        assert result.exit_code == 1, (command, result.output)
        assert f"report.toml:{line}:" in result.output and why in result.output
        assert "Traceback" not in result.output


def test_safe_patterns_still_work_and_long_ids_are_not_matched(
    tmp_path: Path, cli: CliInvoke
) -> None:
    repo = _with_pattern(tmp_path, "G-[A-Z]{2}-[0-9]{2}(-[0-9]+)?")
    assert cli(repo.path, "check").exit_code == 0
    method = repo.path / "chapters" / "02-method.md"
    long_id = "G-AA-01" + "-1" * 80
    method.write_text(method.read_text().replace("id: G-AA-01", f"id: {long_id}"))
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    assert "is longer than 100 characters" in result.output


def _publish(cli: CliInvoke, repo: ReportRepo, *stages: str) -> None:
    assert cli(repo.path, "review", "submit", "v0.1").exit_code == 0
    for stage in stages:
        result = cli(repo.path, "review", "agree", "v0.1", "--from", stage)
        assert result.exit_code == 0, result.output


def test_status_prints_the_meeting_once(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "report")
    assert (
        cli(repo.path, "version", "cut", "--no-build", "--meeting", "CG-COP e-meeting").exit_code
        == 0
    )
    _publish(cli, repo, "cg-cop")
    returned = cli(repo.path, "review", "return", "v0.1", "--from", "sg17", "--note", "Redo")
    assert returned.exit_code == 0, returned.output
    repo.write(
        "chapters/01-intro.md", (repo.path / "chapters/01-intro.md").read_text() + "\nMore.\n"
    )
    repo.commit("revise")
    assert cli(repo.path, "version", "cut", "--no-build", "--meeting", MEETING).exit_code == 0
    assert cli(repo.path, "review", "submit", "v0.2", "--meeting", MEETING).exit_code == 0
    text = cli(repo.path, "status").stdout
    assert text.count("Geneva, 8-17 April 2025") == 1, text
    assert "Submitted to SG17, Geneva, 8-17 April 2025" in text
    assert "SG17, SG17" not in text
    data = json.loads(cli(repo.path, "status", "--json").stdout)
    assert data["meeting"] == MEETING  # the record's field is kept whole


def test_a_diff_header_names_the_version_a_baseline_resolved_to(
    tmp_path: Path, cli: CliInvoke
) -> None:
    repo = make_report(tmp_path / "report")
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    version_commit = repo.head()
    _publish(cli, repo, "cg-cop", "sg17", "cwg-cop")
    repo.write(
        "chapters/01-intro.md", (repo.path / "chapters/01-intro.md").read_text() + "\nMore.\n"
    )
    named = f"@published (v0.1, {version_commit[:10]})"
    for fmt in ("text", "md", "html"):
        result = cli(repo.path, "diff", "@published", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert named in result.stdout, (fmt, result.stdout[:300])
    data = json.loads(cli(repo.path, "diff", "@published", "--format", "json").stdout)
    assert data["old"] == {"ref": "@published", "commit": version_commit, "version": "v0.1"}
    assert "version" not in data["new"]
    summary = cli(repo.path, "summary", "@published", "--format", "md").stdout
    assert named in summary
    pdf = tmp_path / "redline.pdf"
    done = cli(repo.path, "diff", "@published", "--format", "pdf", "-o", str(pdf))
    assert done.exit_code == 0, done.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(named.split()) in " ".join(text.split())
