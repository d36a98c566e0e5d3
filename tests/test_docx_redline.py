"""`diff OLD NEW --format docx`: native revision marks, read back by pandoc and LibreOffice.

pandoc's `--track-changes=accept` on the revision-marks DOCX must give the
words of NEW's own DOCX, and `--track-changes=reject` those of OLD's, from the
contents list to the end (the cover is NEW's: its version label and date).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from tests.helpers import MASVS, CliInvoke, ReportRepo, make_report, need, pandoc_plain
from tests.test_docx_build import convert_with_libreoffice, numbers_as_text
from tests.test_site import history, ok  # noqa: F401 - the shared two-version report fixture


@pytest.fixture(autouse=True)
def _pandoc() -> None:
    need(shutil.which("pandoc") is not None, "pandoc is not installed (tools/test installs it)")


_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

OLD = {
    "01-intro.md": """---
id: intro
---
# Introduction

This report looks at standards.[^one]

## Background

Some background text that explains the context of the work.

A paragraph that will be deleted entirely.

- first item
- second item
- third item

A paragraph that moves to the end of the chapter.

## Closing

The closing words stay.

[^one]: The first note, as written.
""",
    "02-method.md": """---
id: method
---
# Method

## Scope

| Area | Standard |
|------|----------|
| Age assurance | IEEE 2089.1-2024 |
| Filtering | CEN/TS 16080:2013 |
| Dropped | Old row |

```gap
id: G-AA-01
area: Age assurance
existing: IEEE 2089.1-2024
gap: No interoperable way to carry an age signal.
action: Start a work item.
lead: SG17
priority: high
```

```gap
id: G-AA-02
area: Age assurance
existing: None
gap: A gap that is closed and removed.
action: Nothing.
lead: SG17
```
""",
    "03-old.md": """---
id: old
---
# Old chapter

A chapter that is removed.
""",
}

NEW = {
    "01-intro.md": """---
id: intro
---
# Introduction

This report looks at technical standards.[^one]

## Added section

With its own text.

## Background

Some background text that explains the setting of the work.

- first item
- third item
- fourth item

## Closing

The closing words stay.

A paragraph that moves to the end of the chapter.

[^one]: The only note, as now written.
""",
    "02-method.md": """---
id: method
---
# Method

## Scope

| Area | Standard |
|------|----------|
| Age assurance | IEEE 2089.1-2024 |
| Filtering | CEN/TS 16080:2014 |
| Labels | ISO 1 |

```gap
id: G-AA-01
area: Age assurance
existing: IEEE 2089.1-2024
gap: No interoperable way to carry an age signal across services.
action: Start a work item.
lead: SG17
priority: medium
```

```gap
id: G-PC-01
area: Parental controls
existing: None
gap: A new gap.
action: Study it.
lead: SG17
```
""",
    "04-new.md": """---
id: new
---
# New chapter

A chapter that is added.
""",
}


def words(path: Path, *options: str, start: str = "Contents") -> list[str]:
    text = pandoc_plain(path, *options)
    # words only: list bullets and table rules are layout, not words; pandoc prints a link
    # whose text is a tracked run as [text](url), where it prints a plain one as its text
    text = _LINK.sub(r"\1", text[text.index(start) :])
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def write_pair(
    tmp_path: Path, old: dict[str, str], new: dict[str, str]
) -> tuple[ReportRepo, str, str]:
    repo = make_report(tmp_path / "r", chapters=old)
    first = repo.head()
    for path in (repo.path / "chapters").glob("*.md"):
        path.unlink()
    for name, text in new.items():
        repo.write(f"chapters/{name}", text)
    return repo, first, repo.commit("new text")


def check_round_trip(
    cli: CliInvoke, repo: ReportRepo, old: str, new: str, folder: Path, start: str = "Contents"
) -> Path:
    """Accepting every change gives NEW's words from `start` (the contents' title) to the end,
    rejecting every change OLD's."""
    paths = {}
    for name, args in (
        ("old", ("build", old, "--format", "docx")),
        ("new", ("build", new, "--format", "docx")),
        ("marks", ("diff", old, new, "--format", "docx")),
    ):
        paths[name] = folder / f"{name}.docx"
        result = cli(repo.path, *args, "-o", str(paths[name]))
        assert result.exit_code == 0, result.output
    # the revision marks keep heading numbers as text; the plain DOCX has Word print them
    new_words = words(numbers_as_text(paths["new"], folder), start=start)
    old_words = words(numbers_as_text(paths["old"], folder), start=start)
    assert words(paths["marks"], "--track-changes=accept", start=start) == new_words
    assert words(paths["marks"], "--track-changes=reject", start=start) == old_words
    return paths["marks"]


def test_accept_gives_new_and_reject_gives_old(tmp_path: Path, cli: CliInvoke) -> None:
    repo, old, new = write_pair(tmp_path, OLD, NEW)
    marks = check_round_trip(cli, repo, old, new, tmp_path)
    with zipfile.ZipFile(marks) as package:
        body = package.read("word/document.xml").decode()
        notes = package.read("word/footnotes.xml").decode()
    assert "<w:ins " in body and "<w:del " in body
    assert "<w:moveFrom " in body and "<w:moveTo " in body
    assert 'w:author="Test Editor"' in body and 'w:date="2025-04-01T10:00:00Z"' in body
    assert "<w:delText" in notes and "<w:ins " in notes
    # whole rows: the new table row is an inserted row, the dropped one a deleted row
    assert "<w:trPr><w:ins " in body and "<w:trPr><w:del " in body


def test_redline_of_the_same_text_has_no_marks(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "r", chapters=OLD)
    out = tmp_path / "same.docx"
    result = cli(
        repo.path, "diff", "HEAD", "HEAD", "--format", "docx", "-o", str(out), "--exit-code"
    )
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as package:
        body = package.read("word/document.xml").decode()
    assert "<w:ins " not in body and "<w:del " not in body


def test_libreoffice_opens_the_revision_marks(tmp_path: Path, cli: CliInvoke) -> None:
    need(
        shutil.which("soffice") is not None, "LibreOffice is not installed (tools/test installs it)"
    )
    repo, old, new = write_pair(tmp_path, OLD, NEW)
    out = tmp_path / "marks.docx"
    result = cli(repo.path, "diff", old, new, "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    pdf = convert_with_libreoffice(out, tmp_path)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "fourth item" in text and "New chapter" in text


@pytest.mark.slow
@pytest.mark.parametrize("pair", [("v1.4.2", "v1.5.0"), ("v1.2", "v1.3")])
def test_masvs_releases_as_a_real_pair(
    tmp_path: Path, cli: CliInvoke, pair: tuple[str, str]
) -> None:
    need(MASVS.is_dir(), "the MASVS corpus is not present")
    repo = make_report(
        tmp_path / "masvs", chapters={}, toml='[report]\ntitle = "OWASP MASVS"\ngroup = "OWASP"\n'
    )
    commits = []
    for release in pair:
        shutil.rmtree(repo.path / "chapters", ignore_errors=True)
        shutil.copytree(MASVS / release, repo.path / "chapters")
        commits.append(repo.commit(f"MASVS {release}"))
    check_round_trip(cli, repo, commits[0], commits[1], tmp_path)


def test_packet_writes_the_report_and_its_revision_marks_as_word(
    history: ReportRepo,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "packet.pdf"
    result = ok(history.path, "packet", "v0.2", "--docx", "-o", str(out))
    report, marks = tmp_path / "packet.docx", tmp_path / "packet-revision-marks.docx"
    assert result.stdout.split() == [str(out), str(report), str(marks)]
    cover = docx.Document(str(report)).tables[0]
    rows = {row.cells[0].text: row.cells[1].text for row in cover.rows}
    assert rows["Meeting:"] and "v0.2" in rows["Title:"]
    with zipfile.ZipFile(marks) as package:
        body = package.read("word/document.xml").decode()
    assert "<w:ins " in body or "<w:del " in body
    assert "Revision marks against:" in body and "v0.1" in body


def test_cells_and_fields_carry_the_diff_engines_word_runs(tmp_path: Path, cli: CliInvoke) -> None:
    """One diff for every output: the words `diff --json` says changed are the ones marked.

    A row that gained a column has no runs per cell in the diff, so its cells
    are replaced whole; the round trip holds either way.
    """
    old = {"01-t.md": "---\nid: t\n---\n# T\n\n| A | B |\n|---|---|\n| one two three | x |\n"}
    new = {
        "01-t.md": "---\nid: t\n---\n# T\n\n| A | B | C |\n|---|---|---|\n| one 2 three | x | y |\n"
        "\n| P | Q |\n|---|---|\n| alpha beta | gamma |\n"
    }
    repo, first, second = write_pair(tmp_path, old, new)
    check_round_trip(cli, repo, first, second, tmp_path)
    repo2, first2, second2 = write_pair(
        tmp_path / "same-columns",
        {"01-t.md": "---\nid: t\n---\n# T\n\n| A | B |\n|---|---|\n| one two three | x |\n"},
        {"01-t.md": "---\nid: t\n---\n# T\n\n| A | B |\n|---|---|\n| one 2 three | x |\n"},
    )
    marks = check_round_trip(cli, repo2, first2, second2, tmp_path / "same-columns")
    result = cli(repo2.path, "diff", first2, second2, "--format", "json")
    assert result.exit_code == 0, result.output
    (change,) = [c for ch in json_chapters(result.output) for c in ch["changes"]]
    assert (change["removed"], change["added"]) == (["two"], ["2"])
    with zipfile.ZipFile(marks) as package:
        body = package.read("word/document.xml").decode()
    deleted = re.findall(r"<w:del [^>]*>.*?</w:del>", body)
    inserted = re.findall(r"<w:ins [^>]*>.*?</w:ins>", body)
    assert ["".join(re.findall(r"<w:delText[^>]*>([^<]*)<", d)).split() for d in deleted] == [
        change["removed"]
    ]
    assert ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)<", i)).split() for i in inserted] == [
        change["added"]
    ]


def json_chapters(output: str) -> list[dict[str, object]]:
    import json

    data = json.loads(output)
    chapters: list[dict[str, object]] = data["chapters"]
    return chapters


def _move_ranges(body: str) -> dict[str, list[str]]:
    """Range kind (`moveFrom`, `moveTo`) -> the names of its ranges, each checked to be closed."""
    names: dict[str, list[str]] = {"moveFrom": [], "moveTo": []}
    for side in names:
        starts = re.findall(rf'<w:{side}RangeStart w:id="(\d+)"[^>]* w:name="([^"]+)"', body)
        ends = re.findall(rf'<w:{side}RangeEnd w:id="(\d+)"', body)
        assert sorted(i for i, _ in starts) == sorted(ends)
        names[side] = sorted(name for _, name in starts)
    return names


def test_moves_carry_paired_ranges_within_and_across_chapters(
    tmp_path: Path, cli: CliInvoke
) -> None:
    """Moved text is in `w:moveFrom`/`w:moveTo` inside ranges Word pairs by name."""
    traveller = "This paragraph travels from the first chapter to the second one unchanged."
    old = {
        "01-a.md": f"---\nid: a\n---\n# A\n\nThe first words of A stay here.\n\n{traveller}\n",
        "02-b.md": "---\nid: b\n---\n# B\n\nThe words of B stay here too.\n",
    }
    new = {
        "01-a.md": "---\nid: a\n---\n# A\n\nThe first words of A stay here.\n",
        "02-b.md": f"---\nid: b\n---\n# B\n\nThe words of B stay here too.\n\n{traveller}\n",
    }
    repo, first, second = write_pair(tmp_path, old, new)
    marks = check_round_trip(cli, repo, first, second, tmp_path)
    with zipfile.ZipFile(marks) as package:
        body = package.read("word/document.xml").decode()
    ranges = _move_ranges(body)
    assert len(ranges["moveFrom"]) == 1 and ranges["moveFrom"] == ranges["moveTo"]
    assert "<w:ins " not in body and "<w:del " not in body
    # and the two-version report's move within a chapter
    repo2, first2, second2 = write_pair(tmp_path / "within", OLD, NEW)
    marks2 = check_round_trip(cli, repo2, first2, second2, tmp_path / "within")
    with zipfile.ZipFile(marks2) as package:
        ranges2 = _move_ranges(package.read("word/document.xml").decode())
    assert ranges2["moveFrom"] and ranges2["moveFrom"] == ranges2["moveTo"]


def test_a_versions_docx_ends_with_the_pdfs_annexes(
    history: ReportRepo,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The change summary and the comment disposition, from the HTML the PDF prints."""
    out = tmp_path / "v0.2.docx"
    ok(history.path, "build", "v0.2", "--format", "docx", "-o", str(out))
    text = subprocess.run(
        ["pandoc", "-f", "docx", "-t", "plain", "--wrap=none", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # the last of each title is the annex itself (the first, its line in the contents)
    changes = text.rindex("Changes since v0.1")
    comments = text.rindex("Comments and their disposition")
    assert text.rindex("Gap register") < comments < changes
    assert "Annex C Comments and their disposition" in text  # lettered as in the PDF
    # the change summary's words, as `summary` counts them, and its chapters table
    summary = ok(history.path, "summary", "v0.1", "v0.2", "--format", "json").stdout
    import json

    stats = json.loads(summary)["stats"]
    assert f"{stats['words_added']} words added" in " ".join(text[changes:].split())
    assert "Sections touched" in text[changes:]
    # the comment recorded on v0.1 is not in v0.2's annex; v0.2's annex says it has none
    assert "No comments have been recorded on v0.2" in " ".join(text[comments:changes].split())
    need(shutil.which("soffice") is not None, "LibreOffice is not installed")
    pdf = convert_with_libreoffice(out, tmp_path)
    shown = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Changes since v0.1" in shown and "Comments and their disposition" in shown


def _figure_pair(tmp_path: Path, old: str, new: str) -> tuple[ReportRepo, str, str]:
    """Two commits of one chapter beside a picture (`chapters/flow.png`)."""
    from tests.test_images import png

    head = "---\nid: intro\n---\n# Introduction\n\n## Scope\n\nThe scope is set.\n\n"
    repo = make_report(tmp_path / "r", chapters={"01-intro.md": head + old})
    (repo.path / "chapters" / "flow.png").write_bytes(png(4, 3))
    first = repo.commit("a picture")
    repo.write("chapters/01-intro.md", head + new)
    return repo, first, repo.commit("new text")


def test_changed_paragraphs_keep_their_links_and_pictures(tmp_path: Path, cli: CliInvoke) -> None:
    """Bug fix: a changed paragraph was written from the diff's words alone, so a link with
    no text (printed as its target's number or URL) lost its words, a cross-reference showed
    as `@fig-flow`, and a picture became its alt text as words. Now each run stays what it
    is: accepting every change gives NEW's words, rejecting OLD's (alt text included, which
    pandoc reads from the picture), and a picture whose alt text changed is the older picture
    deleted and the newer inserted, its caption replaced; no alt text is written as text.
    A link whose target alone changed (a diff of the Markdown source) was written as that
    source, `[guide](https://example.org/new)`; now its word shows replaced."""
    old = (
        "See [](#scope) and [](https://example.org/guide) for more detail on @fig-flow.\n\n"
        "Text with ![An old chart](flow.png) inline here.\n\n"
        "![Old diagram of the flow](flow.png){#fig-flow}\n\n"
        "Read the [guide](https://example.org/old) now.\n\n"
        "Read the *short* [note](https://example.org/a) first.\n"
    )
    new = (
        "See [](#scope) and [](https://example.org/guide) for much more detail on @fig-flow.\n\n"
        "Text with ![A new chart](flow.png) inline here.\n\n"
        "![New diagram of the flow](flow.png){#fig-flow}\n\n"
        "Read the [guide](https://example.org/new) now.\n\n"
        "Read the *short* [note](https://example.org/b) soon.\n"
    )
    repo, first, second = _figure_pair(tmp_path, old, new)
    marks = check_round_trip(cli, repo, first, second, tmp_path)
    accepted = _LINK.sub(r"\1", pandoc_plain(marks, "--track-changes=accept"))
    assert (
        "See clause 1.1 and https://example.org/guide for much more detail on Figure 1." in accepted
    )
    assert "[A new chart]" in accepted and "[An old chart]" not in accepted
    rejected = pandoc_plain(marks, "--track-changes=reject")
    assert "[An old chart]" in rejected and "Old diagram of the flow" in rejected
    with zipfile.ZipFile(marks) as package:
        body = package.read("word/document.xml").decode()
    for mark in ("del", "ins"):
        pictures = re.findall(rf"<w:{mark} [^>]*>(?:(?!</w:{mark}>).)*<w:drawing>", body, re.S)
        assert len(pictures) == 2, mark  # the inline picture and the figure
    words = re.findall(r"<w:(?:t|delText)(?: [^>]*)?>([^<]*)<", body)
    assert not [w for w in words if "chart" in w], words  # alt text only as the pictures' descr
    assert 'descr="An old chart"' in body and 'descr="A new chart"' in body
    assert "@fig-flow" not in body
    # a link's new target alone (diffed as Markdown source): its word replaced, never `](`
    assert not [w for w in words if "](" in w or "*" in w], words
