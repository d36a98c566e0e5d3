"""`version amend`: a version's record amended by an event, never rewritten.

Through the real CLI: the amendment is one commit of one event file; `version
list --json`, the cover of the PDF (read back), `review history` and the site
show it; the PDF's file name changes with the record; refusals change nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import (
    REPORT_TOML,
    CliInvoke,
    ReportRepo,
    copy_report,
    git_identity,
    invoke,
    make_report,
)

PEOPLE = REPORT_TOML.replace(', "sg17", "cwg-cop"]', "]")
"""The editor holds CG-COP's role only."""
assert PEOPLE != REPORT_TOML


@pytest.fixture(scope="module")
def _cut_once(tmp_path_factory: pytest.TempPathFactory) -> ReportRepo:
    with git_identity():
        repo = make_report(tmp_path_factory.mktemp("amend") / "report", toml=PEOPLE)
        result = invoke(
            repo.path, "version", "cut", "--meeting", "CG-COP e-meeting", "--document", "CG-COP draft",
            "--no-build",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    return repo


@pytest.fixture
def cut(_cut_once: ReportRepo, tmp_path: Path) -> ReportRepo:
    """A copy of `_cut_once` for one test."""
    return copy_report(_cut_once, tmp_path / "report")


def _amend(cli: CliInvoke, repo: ReportRepo, *args: str) -> str:
    result = cli(repo.path, "version", "amend", "v0.1", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _cover(path: Path) -> str:
    return " ".join(PdfReader(path).pages[0].extract_text().split())


def test_amendment_is_one_committed_event_shown_everywhere(cli: CliInvoke, cut: ReportRepo) -> None:
    record = (cut.path / "review" / "versions" / "v0.1.toml").read_bytes()
    head = cut.head()
    built = cli(cut.path, "build", "v0.1")
    assert built.exit_code == 0, built.output
    before_pdf = Path(built.stdout.strip().splitlines()[-1])
    assert re.fullmatch(r"test-report-v0\.1-draft-\d{8}T\d{6}Z\.pdf", before_pdf.name)
    assert "CG-COP draft" in _cover(before_pdf)

    out = _amend(cli, cut, "--document", "SG17-TD123", "--note", "TD number assigned")
    assert "v0.1: document: CG-COP draft -> SG17-TD123" in out
    assert (cut.path / "review" / "versions" / "v0.1.toml").read_bytes() == record  # never edited
    assert cut.git("rev-list", "--count", f"{head}..HEAD").strip() == "1"
    changed = cut.git("show", "--name-only", "--format=%s", "HEAD").split("\n")
    assert changed[0] == "Version v0.1 amended: document SG17-TD123"
    assert [p for p in changed[1:] if p] == [p for p in changed[1:] if "-v0.1-amend-" in p]
    assert cut.git("status", "--porcelain") == ""

    listed = json.loads(cli(cut.path, "version", "list", "--json").stdout)[0]
    assert listed["document"] == "SG17-TD123" and listed["meeting"] == "CG-COP e-meeting"
    (amendment,) = listed["amendments"]
    assert amendment["changes"] == {"document": {"was": "CG-COP draft", "now": "SG17-TD123"}}
    assert amendment["note"] == "TD number assigned"
    assert amendment["by"] == "Test Editor <editor@example.org>"
    assert "v0.1*" in cli(cut.path, "version", "list").stdout

    history = json.loads(cli(cut.path, "review", "history", "v0.1", "--json").stdout)
    assert [h["action"] for h in history] == ["amend"]
    assert history[0]["changes"] == amendment["changes"] and history[0]["problem"] is None
    text = cli(cut.path, "review", "history").stdout
    assert "document: CG-COP draft -> SG17-TD123" in text

    built = cli(cut.path, "build", "v0.1")
    assert built.exit_code == 0, built.output
    after_pdf = Path(built.stdout.strip().splitlines()[-1])
    assert after_pdf != before_pdf and before_pdf.exists()  # a new name for a new record
    cover = _cover(after_pdf)
    assert "SG17-TD123" in cover and "Amended" in cover and "(was CG-COP draft)" in cover
    assert "TD number assigned" in cover

    assert cli(cut.path, "check").exit_code == 0
    site = cli(cut.path, "site", "--no-pdf", "-o", str(cut.path / "dist" / "site"))
    assert site.exit_code == 0, site.output
    pages = "".join(p.read_text() for p in (cut.path / "dist" / "site").rglob("*.html"))
    assert "SG17-TD123" in pages
    assert "document: CG-COP draft \u2192 SG17-TD123" in pages  # the site's history of v0.1


def test_later_amendments_build_on_earlier_ones(cli: CliInvoke, cut: ReportRepo) -> None:
    _amend(cli, cut, "--document", "TD-1", "--note", "first")
    out = _amend(cli, cut, "--document", "TD-2", "--purpose", "For agreement", "--note", "second")
    assert "document: TD-1 -> TD-2" in out and "purpose: (none) -> For agreement" in out
    listed = json.loads(cli(cut.path, "version", "list", "--json").stdout)[0]
    assert (listed["document"], listed["purpose"]) == ("TD-2", "For agreement")
    assert [a["changes"]["document"]["now"] for a in listed["amendments"]] == ["TD-1", "TD-2"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--note", "why"], 2, "say what changes"),
        (["--document", "TD-9", "--note", " "], 2, "needs a note"),
        (["--document", "TD-9"], 2, "Missing option '--note'"),
        (["--document", "CG-COP draft", "--note", "why"], 1, "nothing to amend"),
        (["--document", "TD-9", "--note", "why", "--by", "who@else"], 1, "not listed"),
        (["--document", "two\nlines", "--note", "why"], 2, "one line"),
    ],
)
def test_refusals_change_nothing(
    cli: CliInvoke, cut: ReportRepo, args: list[str], code: int, message: str
) -> None:
    head = cut.head()
    result = cli(cut.path, "version", "amend", "v0.1", *args)
    assert result.exit_code == code and message in result.output, result.output
    assert cut.head() == head and cut.git("status", "--porcelain", "--untracked-files=all") == ""


def test_unknown_and_invalid_versions_are_refused(cli: CliInvoke, cut: ReportRepo) -> None:
    for name, message in (("v9", "no version v9"), ("v0..1", "is not a valid version name")):
        result = cli(cut.path, "version", "amend", name, "--document", "TD", "--note", "n")
        assert result.exit_code == 1 and message in result.output, result.output
    assert cut.git("status", "--porcelain", "--untracked-files=all") == ""
