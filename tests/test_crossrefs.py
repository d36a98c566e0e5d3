"""Captions, numbering and cross-references through the real CLI: PDF, HTML, DOCX, check, diff.

`![Caption](x.png){#fig-x}`, `: Caption {#tbl-x}` under a table, `@fig-x`,
`@tbl-x`, `@sec-x`, `@G-AA-01` and `[](file.md#anchor)`, numbered through the
report (annexes by letter), linked in every output.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest

from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.chapter import Chapter
from tests.helpers import MASVS, REPORT_TOML, CliInvoke, ReportRepo, make_report, need
from tests.test_images import png

INTRO = """\
---
id: intro
title: Introduction
---
# Introduction

See @fig-flow, @tbl-standards, @sec-filtering and @G-AA-01; write to
editor@example.org or @someone.

The landscape: [](02-landscape.md#sec-filtering) and [](A1-extra.md).

![Review flow](images/flow.png){#fig-flow}
"""

LANDSCAPE = """\
---
id: landscape
title: Landscape
---
# Landscape

## Scope

Text.

## Filtering {#sec-filtering}

| Area | Standard |
|------|----------|
| Filtering | CEN/TS 16080:2013 |
: Standards in force {#tbl-standards}

```gap
id: G-AA-01
area: Age assurance
existing: IEEE 2089.1-2024
gap: No interoperable way to carry an age signal.
action: Start a work item.
lead: SG17
```
"""

EXTRA = """\
---
id: extra
title: Extra
---
# Extra

![Annex figure](images/flow.png){#fig-annex}

See @fig-annex and @tbl-annex.

| a | b |
|---|---|
| 1 | 2 |

: Annex table {#tbl-annex}
"""


def _report(tmp_path: Path, toml: str = REPORT_TOML) -> ReportRepo:
    repo = make_report(
        tmp_path / "report",
        {"01-intro.md": INTRO, "02-landscape.md": LANDSCAPE, "A1-extra.md": EXTRA},
        toml,
    )
    repo.write("chapters/images/flow.png", png(40, 20))
    repo.commit("figure")
    return repo


def _pages(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(pdf).pages]


def _page_of(pages: list[str], text: str) -> int:
    return next(index for index, page in enumerate(pages) if text in page)


def test_captions_numbers_lists_and_links_in_the_pdf(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _report(tmp_path)
    pdf = tmp_path / "r.pdf"
    result = cli(repo.path, "build", "-o", str(pdf))
    assert result.exit_code == 0, result.output
    plain = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = " ".join(plain.split())
    for caption in (
        "Figure 1: Review flow",
        "Table 1: Standards in force",
        "Figure A.1: Annex figure",
        "Table A.1: Annex table",
    ):
        assert caption in text
    assert (
        "See Figure 1, Table 1, clause 2.2 and G-AA-01; write to editor@example.org or @someone."
        in text
    )
    assert "The landscape: clause 2.2 and Annex A." in text
    assert "See Figure A.1 and Table A.1." in text
    assert "List of figures" in text and "List of tables" in text

    pages = _pages(pdf)
    figure_page = _page_of(pages, "Figure A.1: Annex figure")
    listing = _page_of(pages, "List of figures")
    entry = re.search(r"Figure A\.1 Annex figure[ .]*?(\d+)", pages[listing])
    assert entry is not None and int(entry.group(1)) == figure_page + 1
    assert listing < _page_of(pages, "Figure 1: Review flow")

    reader = pypdf.PdfReader(pdf)
    intro_page = _page_of(pages, "See Figure 1, Table 1")
    targets = set()
    for annot in reader.pages[intro_page].get("/Annots") or []:
        dest = annot.get_object().get("/Dest")
        if dest is not None:
            page = reader.get_destination_page_number(reader.named_destinations[str(dest)])
            targets.add((str(dest), page))
    heading_page = max(i for i, page in enumerate(pages) if "2.2 Filtering" in page)
    assert ("landscape--sec-filtering", heading_page) in targets
    assert ("landscape--tbl-standards", _page_of(pages, "Table 1: Standards")) in targets
    assert ("intro--fig-flow", _page_of(pages, "Figure 1: Review flow")) in targets
    assert ("G-AA-01", _page_of(pages, "No interoperable way")) in targets
    assert ("extra", figure_page) in targets


def test_figure_and_table_markup_in_the_html(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _report(tmp_path)
    html = tmp_path / "r.html"
    result = cli(repo.path, "build", "--html", str(html), "--html-only")
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert re.search(
        r'<figure id="intro--fig-flow" class="figure"><img [^>]*alt="Review flow">'
        r'<figcaption><span class="caption-label">Figure 1:</span> Review flow</figcaption></figure>',
        page,
    )
    assert re.search(
        r'<table class="content" id="landscape--tbl-standards">\s*<caption><span '
        r'class="caption-label">Table 1:</span> Standards in force</caption>',
        page,
    )
    assert '<a class="internal xref" href="#landscape--sec-filtering">clause 2.2</a>' in page
    assert '<a class="internal xref" href="#G-AA-01">G-AA-01</a>' in page
    assert '<a class="internal" href="#extra">Annex A</a>' in page
    assert '<a class="internal xref" href="#extra--tbl-annex">Table A.1</a>' in page
    assert "editor@example.org or @someone." in page
    assert '<nav class="contents list-of-figures">' in page
    assert '<a href="#extra--fig-annex"><span class="toc-number">Figure A.1</span>' in page


def test_no_list_without_figures_or_tables(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "report", {"01-a.md": "# A\n\nText, no figure.\n"})
    html = tmp_path / "r.html"
    assert cli(repo.path, "build", "--html", str(html), "--html-only").exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "List of figures" not in page and "List of tables" not in page


def test_words_per_language_and_from_report_toml(tmp_path: Path, cli: CliInvoke) -> None:
    toml = REPORT_TOML.replace('group = "Test', 'language = "fr"\ngroup = "Test') + (
        '\n[words]\nfigure = "Fig."\n'
    )
    repo = _report(tmp_path, toml)
    html = tmp_path / "r.html"
    assert cli(repo.path, "build", "--html", str(html), "--html-only").exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert ">Fig. 1</a>" in page and ">Tableau 1</a>" in page and ">paragraphe 2.2</a>" in page
    assert ">Annexe A</a>" in page and "Liste des tableaux" in page


def test_references_are_hyperlinks_in_the_docx(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _report(tmp_path)
    out = tmp_path / "r.docx"
    result = cli(repo.path, "build", "--format", "docx", "-o", str(out))
    assert result.exit_code == 0, result.output
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    links = dict(
        re.findall(r'<w:hyperlink w:anchor="([^"]+)"[^>]*>.*?<w:t[^>]*>([^<]*)</w:t>', xml)
    )
    bookmarks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', xml))
    assert "Figure 1" in links.values() and "clause 2.2" in links.values()
    assert "Table A.1" in links.values() and "Annex A" in links.values()
    assert set(links) <= bookmarks, set(links) - bookmarks
    assert "Figure 1: Review flow" in xml and "Table 1: " in xml


def test_check_names_unknown_references_and_duplicate_labels(
    tmp_path: Path, cli: CliInvoke
) -> None:
    repo = _report(tmp_path)
    repo.write(
        "chapters/A1-extra.md",
        EXTRA
        + "\nAlso @fig-anex,\n@G-ZZ-99 and @sec-nowhere.\n\n![Again](images/flow.png){#fig-flow}\n",
    )
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    body = EXTRA.count("\n") + 1
    assert (
        f"chapters/A1-extra.md:{body + 1}: unknown-ref: @fig-anex refers to no figure, table or "
        "heading of the report (did you mean '@fig-annex'?)"
    ) in lines
    assert (
        f"chapters/A1-extra.md:{body + 2}: unknown-ref: @G-ZZ-99 refers to no gap entry of the report"
    ) in lines
    assert any(
        line.startswith(f"chapters/A1-extra.md:{body + 2}: unknown-ref: @sec-nowhere")
        for line in lines
    )
    assert (
        f"chapters/A1-extra.md:{body + 4}: duplicate-label: label 'fig-flow' is also defined at "
        "chapters/01-intro.md:12; a reference could not tell them apart"
    ) in lines, lines


def test_a_clean_report_with_references_passes_check(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _report(tmp_path)
    result = cli(repo.path, "check")
    assert result.exit_code == 0, result.output


def test_renumbering_is_no_change_at_the_reference(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _report(tmp_path)
    old = repo.head()
    repo.write(
        "chapters/01-intro.md",
        INTRO.replace(
            "The landscape:", "![Inserted figure](images/flow.png){#fig-first}\n\nThe landscape:"
        ),
    )
    repo.commit("a figure before the others")
    result = cli(repo.path, "diff", old, "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    changes = [c for chapter in json.loads(result.output)["chapters"] for c in chapter["changes"]]
    assert [(c["kind"], c["new_text"]) for c in changes] == [("added", "Inserted figure")]
    html = tmp_path / "r.html"
    assert cli(repo.path, "build", "--html", str(html), "--html-only").exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert '<a class="internal xref" href="#intro--fig-flow">Figure 2</a>' in page
    assert "Figure 1:</span> Inserted figure" in page
    redline = tmp_path / "redline.html"
    result = cli(repo.path, "diff", old, "HEAD", "--format", "html", "-o", str(redline))
    assert result.exit_code == 0, result.output
    marked = redline.read_text(encoding="utf-8")
    reference = re.search(r"<p[^>]*>See <a [^>]*>Figure 2</a>.*?</p>", marked, re.DOTALL)
    assert reference is not None and "<ins" not in reference.group(0)
    assert "<del" not in reference.group(0) and 'class="rl-' not in reference.group(0)
    assert re.search(r'<figure id="intro--fig-first" class="rl-changed rl-added figure">', marked)


def test_references_on_the_site(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _report(tmp_path)
    assert cli(repo.path, "version", "cut", "v0.1", "--no-build").exit_code == 0
    out = tmp_path / "site"
    result = cli(repo.path, "site", "--no-pdf", "-o", str(out))
    assert result.exit_code == 0, result.output
    page = (out / "versions" / "v0.1" / "index.html").read_text(encoding="utf-8")
    assert '<a class="internal xref" href="#landscape--sec-filtering">clause 2.2</a>' in page
    assert '<figcaption><span class="caption-label">Figure A.1:</span> Annex figure' in page


@pytest.mark.parametrize(
    "text",
    [
        "Mail a@b.org or x@fig-y.org.",
        "Thanks to @PierrickV and @empty_jack.",
        "A user @fig and @tbl- and @sec.",
        "Code `@fig-x` stays code.",
    ],
)
def test_at_signs_that_are_not_references(text: str) -> None:
    chapter = Chapter("c", "chapters/01-c.md", "C", f"# C\n\n{text}\n", 1, "1")
    structure = chapter_structure(chapter)
    assert structure.refs == ()
    assert structure.sections[0].blocks[-1].text == text.replace("`", "")


def test_the_masvs_corpus_has_no_references() -> None:
    """`@` in the real standard (Twitter handles, e-mail addresses) keeps its meaning."""
    need(MASVS.exists(), f"the MASVS corpus at {MASVS}")
    files = sorted(MASVS.rglob("*.md"))
    assert files
    for path in files:
        body = path.read_text(encoding="utf-8", errors="replace")
        chapter = Chapter("c", path.name, "C", body, 1, "1")
        assert chapter_structure(chapter).refs == (), path


def test_a_comment_names_a_numbered_figure_or_table(tmp_path: Path, cli: CliInvoke) -> None:
    """A reviewer writes the number the PDF shows: "Table 1", "Figure A.1"."""
    repo = _report(tmp_path)
    assert cli(repo.path, "version", "cut", "v0.1", "--no-build").exit_code == 0
    placed = {}
    for clause in ("Table 1", "Figure A.1"):
        result = cli(
            repo.path,
            "comment", "add", "v0.1", "--clause", clause, "--type", "ed", "--by", "UK",
            "--text", "Shorter.", "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        recorded = json.loads(result.output)
        placed[clause] = (recorded["chapter"], recorded["section"])
    assert placed == {"Table 1": ("landscape", "sec-filtering"), "Figure A.1": ("extra", "")}
    result = cli(
        repo.path,
        "comment", "add", "v0.1", "--clause", "Table 7", "--type", "ed", "--by", "UK",
        "--text", "x",
    )  # fmt: skip
    assert result.exit_code == 1 and "table 7" in result.output.lower()


def test_check_names_a_label_the_caption_rules_did_not_take(tmp_path: Path, cli: CliInvoke) -> None:
    repo = _report(tmp_path)
    text = (
        EXTRA
        + "\n![Img](images/flow.png){#fig-x} and text\n\n| a |\n|---|\n| 1 |\n: C {#tbl-a b}\n"
    )
    repo.write("chapters/A1-extra.md", text)
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    lines = text.split("\n")
    figure = lines.index("![Img](images/flow.png){#fig-x} and text") + 1
    table = lines.index(": C {#tbl-a b}") + 1
    found = [line.split(": ")[0:2] for line in result.output.splitlines()[:-1]]
    assert found == [
        [f"chapters/A1-extra.md:{figure}", "attribute-block"],
        [f"chapters/A1-extra.md:{table}", "attribute-block"],
    ]
    assert "'{#fig-x}' is not understood" in result.output


def test_a_deleted_figure_keeps_its_old_number_in_the_redline(
    tmp_path: Path, cli: CliInvoke
) -> None:
    repo = _report(tmp_path)
    with_figure = LANDSCAPE.replace("Text.\n", "Text.\n\n![Old chart](images/flow.png){#fig-old}\n")
    repo.write("chapters/02-landscape.md", with_figure)
    old = repo.commit("a figure in chapter 2")
    repo.write("chapters/02-landscape.md", LANDSCAPE)
    repo.commit("the figure removed")
    redline = tmp_path / "redline.html"
    result = cli(repo.path, "diff", old, "HEAD", "--format", "html", "-o", str(redline))
    assert result.exit_code == 0, result.output
    marked = " ".join(redline.read_text(encoding="utf-8").split())
    struck = re.search(r'<del class="rl-block rl-removed">.*?</del>', marked)
    assert struck is not None
    assert '<span class="caption-label">Figure 2:</span> Old chart' in struck.group(0)
