"""A redline of a report that uses every element a chapter may hold, edited in each of them,
read back from the PDF (pypdf and pdftotext) and from the HTML."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import REPORT_TOML, CliInvoke, ReportRepo, make_report
from tests.redline_text import accepted, rejected, words
from tests.test_site import _png

INTRO = """---
id: intro
title: Introduction
---
# Introduction

This report looks at standards for child online protection.[^scope-date]
See [the method](02-method.md#scope) and [the register](https://example.org/register).

![Diagram of the method]({image})

## Steps

1. Collect the standards in force.
2. Compare them with the needs of services.
3. Name each gap and its lead.

## Sources

> Standards are read as published by their bodies.

A paragraph that moves to the method chapter in the next version of the report.

[^scope-date]: The scope is fixed at {date}.
"""

METHOD = """---
id: method
title: Method
---
# Method

## Scope

The scope covers age assurance and parental controls.[^unused-later]

[^unused-later]: A note that the next version drops.

| Area | Standard |
|------|----------|
| Age assurance | IEEE 2089.1-2024 |
| Filtering | CEN/TS 16080:2013 |

```text
collect --standards
compare --needs
```

```gap
id: G-AA-01
area: Age assurance
existing: IEEE 2089.1-2024
gap: No interoperable way to carry an age signal.
action: Start a work item.
lead: SG17
priority: {priority}
status: open
```

```gap
id: G-PC-02
area: Parental controls
existing: None named.
gap: No common vocabulary.
action: Draft terms.
lead: CG-COP
```

## Review

Each gap is reviewed by the group.

## Outlook

The group meets again to review the gaps.
"""

ANNEX = """---
id: terms
title: Terms
---
# Terms

COP
: Child online protection

Annex text of the {edition} edition.
"""


def _old() -> dict[str, str]:
    return {
        "01-intro.md": INTRO.format(image="fig.png", date="the start of the study"),
        "02-method.md": METHOD.format(priority="low"),
        "A1-terms.md": ANNEX.format(edition="first"),
    }


def _new() -> dict[str, str]:
    intro = (
        INTRO.format(image="fig2.png", date="the first meeting")
        .replace("2. Compare them with the needs of services.\n", "")
        .replace(
            "3. Name each gap and its lead.",
            "3. Name each gap, its lead and its priority.\n4. Publish the register.",
        )
        .replace("read as published", "read as last published")
        .replace("https://example.org/register", "https://example.org/gaps")
        .replace(
            "A paragraph that moves to the method chapter in the next version of the report.\n\n",
            "",
        )
    )
    method = (
        METHOD.format(priority="medium")
        .replace("[^unused-later]: A note that the next version drops.\n\n", "")
        .replace("[^unused-later]", "")
        .replace("CEN/TS 16080:2013", "CEN/TS 16080:2024")
        .replace("compare --needs", "compare --needs --strict")
        .replace(
            "## Review\n\nEach gap is reviewed by the group.\n\n## Outlook\n\n"
            "The group meets again to review the gaps.\n",
            "## Outlook\n\nThe group meets again to review the gaps.\n\n"
            "A paragraph that moves to the method chapter in the next version of the report.\n\n"
            "## Review of gaps\n\nEach gap is reviewed by the group.\n",
        )
    )
    return {
        "01-intro.md": intro,
        "02-method.md": method,
        "A1-terms.md": ANNEX.format(edition="second"),
    }


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportRepo, str, str]:
    repo = make_report(tmp_path_factory.mktemp("redline-all") / "report", _old())
    repo.write("chapters/fig.png", _png(40, 20))
    old = repo.commit("old")
    for name, text in _new().items():
        repo.write(f"chapters/{name}", text)
    repo.write("chapters/fig2.png", _png(60, 30))
    (repo.path / "chapters" / "fig.png").unlink()
    new = repo.commit("new")
    return repo, old, new


@pytest.fixture(scope="module")
def redline_pdf(
    edited: tuple[ReportRepo, str, str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    from click.testing import CliRunner

    from gap_analysis.cli.app import main

    repo, old, new = edited
    out = tmp_path_factory.mktemp("out") / "redline.pdf"
    result = CliRunner().invoke(
        main, ["--repo", str(repo.path), "diff", old, new, "--format", "pdf", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def _pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def test_no_raw_markdown_and_every_element_drawn(redline_pdf: Path) -> None:
    pages = _pages(redline_pdf)
    text = " ".join(pages)
    reader_text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(redline_pdf).pages
    )
    for raw in ("[^", "![", "```", "{#", "id: G-", "priority: low"):
        assert raw not in text and raw not in reader_text, raw
    assert re.search(r"\b1\. Collect the standards", text)  # list numbers kept
    assert re.search(r"\b3\. Publish the register", text)  # numbered as in the new build
    assert "Standards are read as last published" in text
    assert "16080:2013" in text and "16080:2024" in text
    assert "collect --standards" in text  # code as code
    assert "G-PC-02" in text and "Parental controls" in text  # an unchanged gap is a box
    assert "Notes" in text and "The scope is fixed at" in text  # footnotes as footnotes
    assert "Child online protection" in text and "second edition" in text  # the annex
    assert "Redline against" in pages[0] and "struck through" in pages[0]  # legend on page 1


def test_the_images_are_embedded(redline_pdf: Path) -> None:
    sizes = set()
    for page in PdfReader(redline_pdf).pages:
        for image in page.images:
            sizes.add(image.image.size if image.image is not None else None)
    assert (60, 30) in sizes  # the new image
    # the old image is not in the newer snapshot: the redline shows it from the older one
    assert (40, 20) in sizes


def test_each_changed_gap_shows_its_id_where_it_changed(redline_pdf: Path) -> None:
    pages = _pages(redline_pdf)
    changed = [p for p in pages if "medium" in p and "low" in p]
    assert changed, "the changed priority is shown struck and inserted"
    assert all("G-AA-01" in p and "Age assurance" in p for p in changed)


def test_moves_are_noted_at_both_places(redline_pdf: Path) -> None:
    text = " ".join(_pages(redline_pdf))
    assert "moved from 1.2" in text  # the paragraph, at its new place in chapter 2
    assert "moved from here to 2.3" in text or "moved from here to 2.2" in text
    assert re.search(r"moved from 2\.\d", text)  # the section Review, at its new place
    assert "link changed: https://example.org/register → https://example.org/gaps" in text


def test_accept_and_reject_give_each_version(
    edited: tuple[ReportRepo, str, str], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, old, new = edited
    page = tmp_path / "redline.html"
    assert cli(repo.path, "diff", old, new, "--format", "html", "-o", str(page)).exit_code == 0
    html = page.read_text("utf-8")
    body = html.split("<main>", 1)[1].split("</main>", 1)[0]
    body = re.sub(r'<section class="rl-legend">.*?</section>', "", body, flags=re.S)
    build_new, build_old = tmp_path / "new.html", tmp_path / "old.html"
    for rev, target in ((new, build_new), (old, build_old)):
        done = cli(repo.path, "build", rev, "--html", str(target), "--html-only")
        assert done.exit_code == 0, done.stderr

    def chapters(path: Path) -> str:
        """The report's own chapters of a build's HTML (not the cover, contents or tool annexes)."""
        parts = path.read_text("utf-8").split('<section class="chapter')[1:]
        return "".join(p.split(">", 1)[1] for p in parts if "tool-annex" not in p.split(">", 1)[0])

    assert accepted(body) == words(chapters(build_new))
    assert rejected(body) == words(chapters(build_old))


def test_build_redline_against_with_html(
    edited: tuple[ReportRepo, str, str], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, old, new = edited
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    done = cli(
        repo.path, "build", new, "--redline-against", old, "-o", str(pdf), "--html", str(html)
    )
    assert done.exit_code == 0, done.stderr
    assert pdf.is_file() and "<del" in html.read_text("utf-8")
    changed = tmp_path / "changed.html"
    done = cli(
        repo.path, "diff", old, new, "--format", "html", "--changed-only", "-o", str(changed)
    )
    assert done.exit_code == 0, done.stderr
    assert "Each gap is reviewed" in changed.read_text("utf-8")


def test_pdf_ua_tags_insertions_and_deletions_for_screen_readers(
    edited: tuple[ReportRepo, str, str], cli: CliInvoke, tmp_path: Path, redline_pdf: Path
) -> None:
    """WeasyPrint tags `<ins>`/`<del>` as plain structure (no /Alt, no /ActualText), so each
    mark carries its own words for a screen reader; they are out of sight, and only in
    pdf/ua-1 (a plain PDF's text stays the report's)."""
    repo, old, new = edited
    tagged = tmp_path / "ua.pdf"
    done = cli(
        repo.path,
        "build",
        new,
        "--redline-against",
        old,
        "--variant",
        "pdf/ua-1",
        "-o",
        str(tagged),
        "--no-cache",
    )
    assert done.exit_code == 0, done.stderr
    text = " ".join(_pages(tagged))
    assert "inserted: 16080:2024" in text and "deleted: 16080:2013" in text
    assert "/StructTreeRoot" in str(PdfReader(tagged).trailer["/Root"].keys())
    plain = " ".join(_pages(redline_pdf))
    assert "inserted:" not in plain and "deleted:" not in plain


def test_bad_input_is_said_on_the_page_and_warned(tmp_path: Path, cli: CliInvoke) -> None:
    """An older chapter that cannot be read, an older image that is not there: the redline
    is still made, says so where it happens, and warns with file and line (no traceback)."""
    broken = "---\nid: [unclosed\n---\n# Introduction\n\nOld text.\n"
    gone = "# Method\n\nA paragraph with a picture.\n\n![Old diagram](lost.png)\n"
    repo = make_report(tmp_path / "report", {"01-intro.md": broken, "02-method.md": gone})
    old = repo.head()
    repo.write("chapters/01-intro.md", "---\nid: intro\n---\n# Introduction\n\nNew text.\n")
    repo.write("chapters/02-method.md", "# Method\n\nA paragraph with a picture.\n")
    new = repo.commit("fixed")
    out = tmp_path / "r.pdf"
    done = cli(repo.path, "diff", old, new, "--format", "pdf", "-o", str(out))
    assert done.exit_code == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert re.search(r"warning: chapters/01-intro\.md:\d+: redline-unreadable: ", done.stderr)
    assert (
        "warning: chapters/02-method.md:5: redline-image: image 'chapters/lost.png'" in done.stderr
    )
    text = " ".join(_pages(out))
    assert "cannot be read in the older snapshot" in text
    assert "image chapters/lost.png is not in the older snapshot" in text
    page = tmp_path / "r.html"
    done = cli(repo.path, "diff", old, new, "--format", "html", "-o", str(page))
    assert done.exit_code == 0 and "redline-unreadable" in done.stderr


def test_the_annex_word_follows_the_report_language(tmp_path: Path, cli: CliInvoke) -> None:
    """A French report: its renumbered annex is "Annexe" (old number struck, new inserted) in
    the redline PDF and HTML, and "Annexe" in the DOCX build (one home: `Words.annex`)."""
    import docx

    toml = REPORT_TOML.replace(
        'group = "Test Correspondence Group"\n', 'group = "G"\nlanguage = "fr"\n'
    )
    repo = make_report(
        tmp_path / "fr",
        {"01-a.md": "# Portée\n\nTexte.\n", "A1-b.md": "---\nid: sigles\n---\n# Sigles\n\nX.\n"},
        toml,
    )
    old = repo.head()
    repo.write("chapters/A0-c.md", "---\nid: notes\n---\n# Notes\n\nUne annexe nouvelle.\n")
    new = repo.commit("a new first annex")
    pdf = tmp_path / "r.pdf"
    assert cli(repo.path, "diff", old, new, "--format", "pdf", "-o", str(pdf)).exit_code == 0
    text = " ".join(_pages(pdf))
    assert "Annexe A Notes" in text
    assert re.search(r"Annexe A\s+Annexe B Sigles", text), text  # old number struck, then new
    assert not re.search(r"\bAnnex\b", text)
    page = tmp_path / "r.html"
    assert cli(repo.path, "diff", old, new, "--format", "html", "-o", str(page)).exit_code == 0
    html = page.read_text("utf-8")
    assert '<del class="rl-number"><span class="rl-sr">deleted: </span>Annexe A</del>' in html
    assert not re.search(r"\bAnnex\b", " ".join(words(html)))
    out = tmp_path / "fr.docx"
    assert cli(repo.path, "build", "--format", "docx", "-o", str(out)).exit_code == 0
    headings = [p.text for p in docx.Document(str(out)).paragraphs if "Sigles" in p.text]
    assert any(h.startswith("Annexe B") for h in headings), headings


def test_deleted_words_keep_their_emphasis_and_links(tmp_path: Path, cli: CliInvoke) -> None:
    """Words deleted from a paragraph and a table cell are struck as the older build drew
    them: emphasis, code and links kept (the link still a link in the PDF)."""
    old_text = (
        "# Scope\n\nThe scope is *fixed by the group* and listed in "
        "[the old register](https://example.org/old-register) of `gap entries` today.\n\n"
        "| Area | Source |\n|---|---|\n| Age | **IEEE** [2089](https://example.org/2089) |\n"
    )
    new_text = (
        "# Scope\n\nThe scope is listed today.\n\n| Area | Source |\n|---|---|\n| Age | IEEE |\n"
    )
    repo = make_report(tmp_path / "r", {"01-scope.md": old_text})
    old = repo.head()
    repo.write("chapters/01-scope.md", new_text)
    new = repo.commit("shorter")
    page = tmp_path / "r.html"
    assert cli(repo.path, "diff", old, new, "--format", "html", "-o", str(page)).exit_code == 0
    html = page.read_text("utf-8")
    struck = "".join(re.findall(r'<del class="rl-words">.*?</del>', html))
    assert "<em>fixed</em> <em>by</em> <em>the</em> <em>group</em>" in struck
    assert '<a class="external" href="https://example.org/old-register">register</a>' in struck
    assert "<code>gap</code> <code>entries</code>" in struck
    assert "<strong>IEEE</strong>" not in struck  # kept in the newer cell, unbolded: formatting
    assert '<a class="external" href="https://example.org/2089">2089</a>' in struck
    pdf = tmp_path / "r.pdf"
    assert cli(repo.path, "diff", old, new, "--format", "pdf", "-o", str(pdf)).exit_code == 0
    uris = {
        str(annot.get_object()["/A"].get("/URI"))
        for p in PdfReader(pdf).pages
        for annot in p.get("/Annots") or []
        if "/A" in annot.get_object()
    }
    assert {"https://example.org/old-register", "https://example.org/2089"} <= uris
    text = " ".join(_pages(pdf))
    assert "fixed by the group" in text and "the old register" in text
