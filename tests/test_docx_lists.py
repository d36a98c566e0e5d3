"""The DOCX's lists of figures and of tables (after the contents, as in the PDF), read back by
pandoc; their revision marks in a redline; the report language's words in both."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx

from tests.helpers import REPORT_TOML, CliInvoke, need, pandoc_plain
from tests.test_crossrefs import INTRO, _report
from tests.test_docx_redline import check_round_trip

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FRENCH = REPORT_TOML.replace('group = "Test', 'language = "fr"\ngroup = "Test')


def _plain(path: Path, *options: str) -> list[str]:
    text = pandoc_plain(path, *options)
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_lists_of_figures_and_tables_follow_the_contents(tmp_path: Path, cli: CliInvoke) -> None:
    need(shutil.which("pandoc") is not None, "pandoc is not installed (tools/test installs it)")
    repo = _report(tmp_path)
    out = tmp_path / "r.docx"
    result = cli(repo.path, "build", "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = _plain(out)
    lists = lines.index("List of figures")
    assert lines.index("Contents") < lists
    assert lines[lists : lists + 6] == [
        "List of figures",
        "Figure 1: Review flow",
        "Figure A.1: Annex figure",
        "List of tables",
        "Table 1: Standards in force",
        "Table A.1: Annex table",
    ]
    # the captions stay where they stand: the table's above its first row
    caption = lines.index("Table 1: Standards in force", lists + 6)
    assert lines.index("Filtering", lists + 6) < caption
    assert caption < next(i for i, line in enumerate(lines) if "CEN/TS 16080:2013" in line)
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    # Word rebuilds each list from the captions' entry fields when its fields are updated
    instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
    assert " TOC \\h \\z \\f F " in instructions and " TOC \\h \\z \\f T " in instructions
    assert ' TC "Figure A.1: Annex figure" \\f F \\l 1 ' in instructions
    assert ' TC "Table 1: Standards in force" \\f T \\l 1 ' in instructions
    # each shown entry links to its caption's bookmark
    document = docx.Document(str(out))
    entries = [
        (link.get(f"{W}anchor"), "".join(t.text or "" for t in link.iter(f"{W}t")))
        for p in document.paragraphs
        if p.style is not None and p.style.name == "Table of Figures"
        for link in p._p.iter(f"{W}hyperlink")
    ]
    assert [text for _anchor, text in entries] == [
        *lines[lists + 1 : lists + 3],
        *lines[lists + 4 : lists + 6],
    ]
    captions = {
        mark.get(f"{W}name")
        for p in document.paragraphs
        if p.style is not None and p.style.name == "Caption"
        for mark in p._p.iter(f"{W}bookmarkStart")
    }
    assert {anchor for anchor, _text in entries} <= captions


def _lists(lines: list[str]) -> list[str]:
    """The lines from the list of figures to the first chapter's heading."""
    start = lines.index("Liste des figures")
    end = next(i for i in range(start, len(lines)) if lines[i].endswith("Introduction"))
    return lines[start:end]


def test_french_lists_and_redline_words(tmp_path: Path, cli: CliInvoke) -> None:
    """A French report's lists; its redline (the annex and the paragraph linking to it gone)
    prints the older text in French ("Annexe A", "paragraphe 2.2") and marks the lists so that
    accepting every change gives NEW's lists and rejecting every change OLD's."""
    need(shutil.which("pandoc") is not None, "pandoc is not installed (tools/test installs it)")
    repo = _report(tmp_path, FRENCH)
    old = repo.head()
    link = "The landscape: [](02-landscape.md#sec-filtering) and [](A1-extra.md).\n\n"
    repo.write("chapters/01-intro.md", INTRO.replace(link, ""))
    (repo.path / "chapters" / "A1-extra.md").unlink()
    new = repo.commit("the annex goes, and the paragraph that linked to it")
    # Word's "Accept all" gives NEW's words, "Reject all" OLD's, lists included
    check_round_trip(cli, repo, old, new, tmp_path, start="Table des matières")
    paths = {name: tmp_path / f"{name}.docx" for name in ("old", "new", "marks")}
    old_lines, new_lines = _plain(paths["old"]), _plain(paths["new"])
    assert _lists(old_lines) == [
        "Liste des figures",
        "Figure 1: Review flow",
        "Figure A.1: Annex figure",
        "Liste des tableaux",
        "Tableau 1: Standards in force",
        "Tableau A.1: Annex table",
    ]
    accepted = _plain(paths["marks"], "--track-changes=accept")
    rejected = _plain(paths["marks"], "--track-changes=reject")
    assert _lists(accepted) == _lists(new_lines)
    assert _lists(rejected) == _lists(old_lines)
    assert "Annexe A Extra" in rejected and "Table des matières" in rejected
    # the removed annex's figure and table come back with their captions
    for caption in ("Figure A.1: Annex figure", "Tableau A.1: Annex table"):
        assert rejected.count(caption) == old_lines.count(caption) == 2, caption
    assert "The landscape: paragraphe 2.2 and Annexe A." in rejected
    marks = zipfile.ZipFile(paths["marks"]).read("word/document.xml").decode("utf-8")
    deleted = "".join(re.findall(r"<w:delText[^>]*>([^<]*)</w:delText>", marks))
    assert "Annexe A" in deleted and "Annex A" not in deleted
    assert "Figure A.1: Annex figure" in deleted and "Figure 1: Review flow" not in deleted
