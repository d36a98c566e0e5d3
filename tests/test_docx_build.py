"""`build --format docx`: the report as a Word document, read back by python-docx, pandoc and LibreOffice."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx

from gap_analysis.model.languages import WORDS
from tests.helpers import REPORT_TOML, ROOT, CliInvoke, ReportRepo, make_report, need

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

FOOTNOTED = {
    "01-intro.md": """---
id: intro
---
# Introduction

See [the gap](#G-AA-01) and [the scope](02-method.md#scope) and [a site](https://www.itu.int/).
A claim with a note.[^src]

1. first step
2. second step

[^src]: The source of the claim.
""",
    "02-method.md": """---
id: method
---
# Method

## Scope

| Area | Standard |
|------|----------|
| Age assurance | IEEE 2089.1-2024 |
: Standards in force {#tbl-in-force}

```gap
id: G-AA-01
area: Age assurance
existing: IEEE 2089.1-2024
gap: No interoperable way to carry an age signal.
action: Start a work item.
lead: SG17
```
""",
}


def pandoc_available() -> bool:
    return shutil.which("pandoc") is not None


def build(cli: CliInvoke, repo: Path, out: Path, *args: str) -> Path:
    result = cli(repo, "build", *args, "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file()
    return out


def test_docx_has_styles_footnotes_bookmarks_links_and_properties(
    tmp_path: Path, cli: CliInvoke
) -> None:
    repo = make_report(tmp_path / "r", chapters=FOOTNOTED)
    out = build(cli, repo.path, tmp_path / "r.docx", "HEAD")
    document = docx.Document(str(out))
    # the numbers Word prints (its list numbering, written out as text)
    shown = docx.Document(str(numbers_as_text(out, tmp_path)))
    headings = [
        (p.style.name, p.text) for p in shown.paragraphs if p.style.name.startswith("Heading")
    ]
    assert ("Heading 1", "1\tIntroduction") in headings
    assert ("Heading 2", "2.1\tScope") in headings
    assert any(p.style.name == "List" and p.text == "1.\tfirst step" for p in document.paragraphs)
    body = document.element.body
    names = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert {"G_AA_01", "method__scope", "gap_register__G_AA_01", "intro"} <= names
    anchors = {h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink")}
    assert {"G_AA_01", "method__scope", "gap_register__G_AA_01"} <= anchors
    external = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert "https://www.itu.int/" in external
    # a Word footnote, referenced from the body, in the Footnote Text style
    refs = list(body.iter(f"{W}footnoteReference"))
    assert len(refs) == 1
    with zipfile.ZipFile(out) as package:
        notes = package.read("word/footnotes.xml").decode()
        custom = package.read("docProps/custom.xml").decode()
        stamps = {info.date_time for info in package.infolist()}
    assert "The source of the claim." in notes and 'w:val="FootnoteText"' in notes
    assert repo.head() in custom
    assert stamps == {(2025, 4, 1, 10, 0, 0)}
    assert document.core_properties.title == "Test report on standards"
    assert document.core_properties.author == "Test Editor"
    assert document.core_properties.created.year == 2025
    # gap entry: a bordered table whose first row names the gap
    gap_tables = [t for t in document.tables if t.rows[0].cells[0].text.startswith("Gap G-AA-01")]
    assert gap_tables and gap_tables[0].style.name == "Table Grid"
    # the page number and the document label in the header; a TOC field
    header = document.sections[0].header._element
    assert any("PAGE" in (t.text or "") for t in header.iter(f"{W}instrText"))
    assert any("TOC" in (t.text or "") for t in body.iter(f"{W}instrText"))


def test_docx_bytes_repeat_across_processes(tmp_path: Path, report_repo: ReportRepo) -> None:
    outputs = []
    for name in ("a.docx", "b.docx"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "gap_analysis",
                "--repo",
                str(report_repo.path),
                "build",
                "HEAD",
                "--format",
                "docx",
                "-o",
                str(tmp_path / name),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert done.returncode == 0, done.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


def test_docx_refuses_pdf_only_options(
    tmp_path: Path, cli: CliInvoke, report_repo: ReportRepo
) -> None:
    result = cli(report_repo.path, "build", "--format", "docx", "--variant", "pdf/ua-1")
    assert result.exit_code == 2
    assert "--format docx does not go with" in result.output


def test_pandoc_reads_the_sample_report(tmp_path: Path, cli: CliInvoke) -> None:
    need(pandoc_available(), "pandoc is not installed (tools/test installs it)")
    repo = make_report(
        tmp_path / "r",
        chapters={p.name: p.read_text() for p in (ROOT / "chapters").glob("*.md")},
        toml=(ROOT / "report.toml").read_text(),
    )
    out = build(cli, repo.path, tmp_path / "sample.docx", "HEAD")
    text = subprocess.run(
        ["pandoc", "-f", "docx", "-t", "plain", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = " ".join(text.split())
    assert f"{WORDS['en'].study_period} 2025-2028" in words  # the PDF cover's words
    assert "Original: English" in words
    for source in (ROOT / "chapters").glob("*.md"):
        title = next(line[2:] for line in source.read_text().split("\n") if line.startswith("# "))
        assert title.split("{#")[0].strip() in words


def test_a_french_reports_cover_and_history_are_in_french(tmp_path: Path, cli: CliInvoke) -> None:
    """Bug fix: the DOCX cover's labels, its "Document history" and "Gap register" were English
    whatever the report's language; they are now the PDF's words for that language (one
    table, `model/languages`, which now has the gap register's title too). The new test
    fails on the old code ("Meeting:" on a French cover)."""
    toml = REPORT_TOML.replace(
        'group = "Test',
        'language = "fr"\nstudy_period = "2025-2028"\n'
        'keywords = ["protection"]\nabstract = "Un résumé."\ngroup = "Test',
    )
    repo = make_report(tmp_path / "r", toml=toml)
    result = cli(repo.path, "version", "cut", "v0.1", "--meeting", "Genève", "--no-build")
    assert result.exit_code == 0, result.output
    document = docx.Document(str(build(cli, repo.path, tmp_path / "fr.docx", "v0.1")))
    french, english = WORDS["fr"], WORDS["en"]
    cover = document.tables[0]
    labels = [row.cells[0].text for row in cover.rows]
    assert labels[0] == f"{french.study_period} 2025-2028"
    for word in ("meeting", "source", "contact", "keywords", "abstract"):
        assert f"{getattr(french, word)}:" in labels, word
        if getattr(english, word) != getattr(french, word):  # "Source" is both
            assert f"{getattr(english, word)}:" not in labels, word
    contact = next(
        row.cells[1].text for row in cover.rows if row.cells[0].text == f"{french.contact}:"
    )
    assert f"{french.email}: editor@example.org" in contact
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert french.document_history in headings and english.document_history not in headings
    assert french.gap_register in headings and english.gap_register not in headings


def test_libreoffice_opens_the_docx(tmp_path: Path, cli: CliInvoke) -> None:
    need(
        shutil.which("soffice") is not None, "LibreOffice is not installed (tools/test installs it)"
    )
    repo = make_report(tmp_path / "r", chapters=FOOTNOTED)
    out = build(cli, repo.path, tmp_path / "r.docx", "HEAD")
    pdf = convert_with_libreoffice(out, tmp_path)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Introduction" in text and "G-AA-01" in text
    # the list of tables as shown (a field LibreOffice keeps), its entry field invisible
    assert "List of tables" in text and text.count("Table 1: Standards in force") == 2
    assert 'TC "' not in text


def convert_with_libreoffice(path: Path, folder: Path) -> Path:
    """`soffice --headless --convert-to pdf`, with a profile of its own (parallel tests)."""
    profile = folder / "lo-profile"
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = folder / (path.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), done.stderr + done.stdout
    return pdf


def numbers_as_text(path: Path, folder: Path) -> Path:
    """A copy of a DOCX with Word's list numbers of its headings written out as text.

    pandoc (2.17, Debian's) reads a heading numbered through a Word list as a
    list item with pandoc's own numbers, so the words of a document whose
    numbers Word prints are compared after this: an emulation of Word's
    counters (read from numbering.xml and styles.xml, independent of the
    writer) puts "1.2<tab>" where Word shows it.
    """
    from lxml import etree

    with zipfile.ZipFile(path) as package:
        members = {name: package.read(name) for name in package.namelist()}
    body = etree.fromstring(members["word/document.xml"])
    numbering = etree.fromstring(members["word/numbering.xml"])
    styles = etree.fromstring(members["word/styles.xml"])
    lists = {
        num.get(f"{W}numId"): num.find(f"{W}abstractNumId").get(f"{W}val")
        for num in numbering.iter(f"{W}num")
    }
    levels = {
        (abstract.get(f"{W}abstractNumId"), lvl.get(f"{W}ilvl")): (
            lvl.find(f"{W}lvlText").get(f"{W}val"),
            lvl.find(f"{W}numFmt").get(f"{W}val"),
        )
        for abstract in numbering.iter(f"{W}abstractNum")
        for lvl in abstract.iter(f"{W}lvl")
    }
    style_lists = {
        style.get(f"{W}styleId"): style.find(f"{W}pPr/{W}numPr")
        for style in styles.iter(f"{W}style")
    }
    counters: dict[str, list[int]] = {}
    for paragraph in body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        if style is None or not re.fullmatch(r"Heading\d", style.get(f"{W}val") or ""):
            continue
        found = paragraph.find(f"{W}pPr/{W}numPr")
        if found is None:
            found = style_lists.get(style.get(f"{W}val"))
        if found is None:
            continue
        list_id = found.find(f"{W}numId").get(f"{W}val")
        level = found.find(f"{W}ilvl")
        ilvl = int(level.get(f"{W}val")) if level is not None else 0
        if list_id == "0":
            continue
        abstract = lists[list_id]
        count = counters.setdefault(abstract, [0] * 9)
        count[ilvl] += 1
        count[ilvl + 1 :] = [0] * (8 - ilvl)
        text, fmt = levels[(abstract, str(ilvl))]
        for level in range(ilvl + 1):
            shape = levels[(abstract, str(level))][1]
            n = count[level]
            shown = (
                chr(64 + (n - 1) % 26 + 1) * ((n - 1) // 26 + 1)
                if shape == "upperLetter"
                else str(n)
            )
            text = text.replace(f"%{level + 1}", shown)
        label = etree.SubElement(paragraph, f"{W}r")
        etree.SubElement(label, f"{W}t").text = f"{text}\t"
        properties = paragraph.find(f"{W}pPr")
        paragraph.remove(label)
        paragraph.insert(1 if properties is not None else 0, label)
        if found.getparent() is not None and found.getparent().tag == f"{W}pPr":
            found.getparent().remove(found)
        else:
            etree.SubElement(properties, f"{W}numPr").append(
                etree.fromstring(f'<w:numId xmlns:w="{W[1:-1]}" w:val="0"/>')
            )
    members["word/document.xml"] = etree.tostring(body)
    out = folder / f"{path.stem}-numbers-as-text.docx"
    with zipfile.ZipFile(out, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out


def test_heading_numbers_are_words_list_numbering(tmp_path: Path, cli: CliInvoke) -> None:
    """Word numbers the headings (styles linked to a multilevel list), as the PDF numbers them."""
    repo = make_report(tmp_path / "r", chapters=FOOTNOTED)
    out = build(cli, repo.path, tmp_path / "r.docx", "HEAD")
    with zipfile.ZipFile(out) as package:
        body = package.read("word/document.xml").decode()
        styles = package.read("word/styles.xml").decode()
    # no number written as text in a heading (the contents field's lines keep theirs)
    headings = re.findall(r'<w:p><w:pPr><w:pStyle w:val="Heading\d"/>.*?</w:p>', body)
    assert len(headings) == 4 and not any("2.1\t" in h or ">1\t" in h for h in headings)
    assert '<w:numPr><w:ilvl w:val="1"/>' in body and "<w:numPr>" in styles
    if pandoc_available():
        shown = subprocess.run(
            ["pandoc", "-f", "docx", "-t", "plain", str(numbers_as_text(out, tmp_path))],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "2.1 Scope" in " ".join(shown.split())
    need(shutil.which("soffice") is not None, "LibreOffice is not installed")
    pdf = convert_with_libreoffice(out, tmp_path)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2.1 Scope" in " ".join(text.split())  # LibreOffice prints Word's numbers


def test_an_unchanged_docx_rebuild_is_served_from_the_cache(
    tmp_path: Path, cli: CliInvoke, report_repo: ReportRepo
) -> None:
    """The DOCX is cached as the PDF is: by the trace of what the build read."""
    first, second = tmp_path / "a.docx", tmp_path / "b.docx"
    built = cli(report_repo.path, "build", "--format", "docx", "-o", str(first))
    assert built.exit_code == 0 and "(from cache)" not in built.output
    again = cli(report_repo.path, "build", "--format", "docx", "-o", str(second))
    assert again.exit_code == 0 and "(from cache)" in again.output
    assert first.read_bytes() == second.read_bytes()
    # the working tree changed: built again, and the change is in it
    chapter = next((report_repo.path / "chapters").glob("01-*.md"))
    chapter.write_text(chapter.read_text() + "\nA sentence added after the cache was filled.\n")
    changed = cli(report_repo.path, "build", "--format", "docx", "-o", str(second))
    assert changed.exit_code == 0 and "(from cache)" not in changed.output
    text = "\n".join(p.text for p in docx.Document(str(second)).paragraphs)
    assert "A sentence added after the cache was filled." in text
    forced = cli(report_repo.path, "build", "--format", "docx", "--no-cache", "-o", str(first))
    assert forced.exit_code == 0 and "(from cache)" not in forced.output
