"""A block cut from one chapter and pasted into another is a move, not a deletion and an insertion."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import CliInvoke, ReportRepo, make_report

PARAGRAPH = "Age signals should be carried in an interoperable format between services."

ONE = """---
id: one
---
# One

## First

Opening text of the first chapter.

{moving}

Closing text of the first chapter.
"""

TWO = """---
id: two
---
# Two

## Second

Opening text of the second chapter.

{moving}
"""


def _repo(tmp_path: Path, first: str, second: str) -> ReportRepo:
    return make_report(
        tmp_path / "r",
        {"01-one.md": ONE.format(moving=first), "02-two.md": TWO.format(moving=second)},
    )


def test_a_paragraph_moved_to_another_chapter(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _repo(tmp_path, PARAGRAPH, "")
    repo.write("chapters/01-one.md", ONE.format(moving=""))
    repo.write("chapters/02-two.md", TWO.format(moving=PARAGRAPH))
    result = cli(repo.path, "diff", "HEAD", "--format", "json")
    data = json.loads(result.stdout)
    assert data["stats"]["words_added"] == 0 and data["stats"]["words_removed"] == 0
    changes = {c["id"]: c["changes"] for c in data["chapters"]}
    assert [(c["kind"], c["section"], c["new_line"] is None) for c in changes["one"]] == [
        ("moved", "1.1", True)
    ]
    assert [(c["kind"], c["section"]) for c in changes["two"]] == [("moved", "2.1")]
    assert changes["two"][0]["old_line"] == changes["one"][0]["old_line"]
    text = cli(repo.path, "diff", "HEAD").stdout
    assert "moved paragraph to 2.1" in text and "moved paragraph from 1.1" in text


def test_an_ambiguous_pair_stays_removed_and_added(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _repo(tmp_path, PARAGRAPH, "")
    repo.write("chapters/01-one.md", ONE.format(moving=""))
    repo.write(
        "chapters/02-two.md",
        TWO.format(moving=PARAGRAPH + "\n\n- " + PARAGRAPH + "\n\n" + PARAGRAPH),
    )
    data = json.loads(cli(repo.path, "diff", "HEAD", "--format", "json").stdout)
    kinds = {c["id"]: [x["kind"] for x in c["changes"]] for c in data["chapters"]}
    assert kinds["one"] == ["removed"]
    assert "moved" not in kinds["two"]


def test_the_redline_says_where_the_block_went(tmp_path: Path, cli: CliInvoke) -> None:
    from pypdf import PdfReader

    repo = _repo(tmp_path, PARAGRAPH, "")
    repo.write("chapters/01-one.md", ONE.format(moving=""))
    repo.write("chapters/02-two.md", TWO.format(moving=PARAGRAPH))
    out = tmp_path / "redline.pdf"
    assert cli(repo.path, "diff", "HEAD", "--format", "pdf", "-o", str(out)).exit_code == 0
    text = " ".join((page.extract_text() or "") for page in PdfReader(out).pages)
    assert "moved from here to 2.1" in " ".join(text.split())
