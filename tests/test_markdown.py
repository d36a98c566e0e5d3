"""Chapter parsing: front matter, numbering, anchors, structure and gap entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gap_analysis.errors import ContentError
from gap_analysis.markdown.chapters import derived_id, read_chapter
from gap_analysis.markdown.gaps import report_gaps
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.structure import BlockKind
from tests.helpers import CliInvoke, make_report


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\n- a\n- b\n---\n# T\n", 2, "not a list"),
        ("---\njust text\n---\n# T\n", 2, "not a single value"),
        ("---\nid: x\n# T\n", 1, "never closed"),
        ("---\nid: [x\n---\n# T\n", 2, "invalid YAML"),
        ("---\nx: !!python/object/apply:os.system ['echo hi']\n---\n", 2, "not allowed"),
    ],
)
def test_bad_front_matter_names_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ContentError) as caught:
        read_chapter("chapters/01-x.md", text.encode(), "1", False)
    assert caught.value.path == "chapters/01-x.md"
    assert caught.value.line == line
    assert message.split()[-1] in str(caught.value)


def test_not_utf8_names_the_line() -> None:
    with pytest.raises(ContentError) as caught:
        read_chapter("chapters/01-x.md", b"# T\n\nok\n\xff\xfe bad\n", "1", False)
    assert caught.value.line == 4


def test_bom_and_crlf_are_accepted() -> None:
    chapter = read_chapter(
        "chapters/01-x.md", b"\xef\xbb\xbf---\r\nid: x\r\n---\r\n# Title\r\n", "1", False
    )
    assert chapter.id == "x" and chapter.title == "Title" and "\r" not in chapter.body


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("03-method.md", "method"),
        ("0x01-Foreword.md", "foreword"),
        ("A1-abbreviations.md", "abbreviations"),
        ("notes.md", "notes"),
    ],
)
def test_derived_ids(name: str, expected: str) -> None:
    assert derived_id(name) == expected


BODY = """---
id: method
---
# Method {#m}

Intro *para*
wrapped over two lines.

## Scope

- one
- two

| a | b |
|---|---|
| 1 | 2 |

### Detail {#deep}

## Annex-like

```gap
id: G-AA-01
area: Age assurance
existing: IEEE 2089.1-2024
gap: Missing.
action: Act.
lead: SG17
```
"""


def test_structure_numbers_sections_and_keeps_file_lines() -> None:
    structure = chapter_structure(read_chapter("chapters/03-method.md", BODY.encode(), "3", False))
    assert [(s.number, s.anchor, s.line) for s in structure.sections] == [
        ("3", "m", 4),
        ("3.1", "scope", 9),
        ("3.1.1", "deep", 18),
        ("3.2", "annex-like", 20),
    ]
    intro = structure.sections[0].blocks[1]
    assert intro.kind is BlockKind.PARAGRAPH and intro.text == "Intro para wrapped over two lines."
    assert intro.formatting.startswith("Intro *para*")
    rows = [b for b in structure.sections[1].blocks if b.kind is BlockKind.TABLE_ROW]
    assert [r.cells for r in rows] == [("a", "b"), ("1", "2")]
    assert rows[1].line == 16


def test_gap_entries_parse_with_section_and_duplicates_are_found() -> None:
    chapter = read_chapter("chapters/03-method.md", BODY.encode(), "3", False)
    structure = chapter_structure(chapter)
    parsed = report_gaps([structure, structure], r"G-[A-Z]{2}-[0-9]{2}")
    assert [(g.id, g.section, g.line) for g in parsed.gaps] == [("G-AA-01", "3.2", 22)]
    assert [f.code for f in parsed.findings] == ["duplicate-gap"]


def test_gap_entry_that_is_not_a_mapping() -> None:
    body = "# T\n\n```gap\n- a list\n```\n"
    structure = chapter_structure(read_chapter("chapters/01-t.md", body.encode(), "1", False))
    parsed = report_gaps([structure], r"G-[A-Z]{2}-[0-9]{2}")
    assert parsed.gaps == ()
    assert parsed.findings[0].code == "gap-yaml" and parsed.findings[0].line == 3


def test_footnote_definitions_stay_in_their_section() -> None:
    body = (
        "# T\n\n## First\n\nA claim.[^1]\n\n[^1]: The source of the claim.\n\n"
        "## Second\n\nAnother claim.[^2]\n\n[^2]: Another source.\n\n## Third\n\nPlain.\n"
    )
    structure = chapter_structure(read_chapter("chapters/01-t.md", body.encode(), "1", False))
    notes = {
        s.number: [b.text for b in s.blocks if b.kind is BlockKind.FOOTNOTE]
        for s in structure.sections
    }
    assert notes == {
        "1": [],
        "1.1": ["The source of the claim."],
        "1.2": ["Another source."],
        "1.3": [],
    }
    for section in structure.sections:
        assert [b.line for b in section.blocks] == sorted(b.line for b in section.blocks)


def test_a_changed_footnote_is_reported_in_its_section(tmp_path: Path, cli: CliInvoke) -> None:
    body = (
        "---\nid: notes\n---\n# Notes\n\n## First\n\nA claim.[^1]\n\n[^1]: The old source.\n\n"
        "## Second\n\nMore text.\n"
    )
    repo = make_report(tmp_path / "r", {"01-notes.md": body})
    repo.write("chapters/01-notes.md", body.replace("The old source.", "The new source."))
    result = cli(repo.path, "diff", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.stderr
    changes = json.loads(result.stdout)["chapters"][0]["changes"]
    assert [(c["section"], c["block"], c["removed"], c["added"]) for c in changes] == [
        ("1.1", "footnote", ["old"], ["new"])
    ]
