"""Parallel layout (issue 17): `build --jobs 2` equals `build --jobs 1`, and rebuilds only what changed.

Equal means what a reader sees and follows: the text of every page, every
link's target page, the outline (titles, levels, pages), the document
information and language, and every page's pixels (rendered by poppler). Compared on the sample report, MASVS v1.5.0 and a
generated report whose chapters link to each other. And the fonts embedded as
the serial build embeds them: one file for each font (the parts' subsets merged
at the join, `render.joined_fonts`), not one for each part.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest

from tests.helpers import MASVS, ROOT, CliInvoke, ReportRepo, make_report, need

MINIMAL_TOML = '[report]\ntitle = "Parallel"\ngroup = "Test group"\n'


_READINGS: dict[bytes, dict[str, Any]] = {}


def reading(pdf: Path) -> dict[str, Any]:
    """What a reader of `pdf` sees and follows, for comparing two builds.

    Read once per content (pypdf's text of a page costs a tenth of a second): a test that
    looks at one PDF twice gets the first reading again.
    """
    data = pdf.read_bytes()
    key = hashlib.sha256(data).digest()
    if key not in _READINGS:
        _READINGS[key] = _read(data)
    return _READINGS[key]


def _read(data: bytes) -> dict[str, Any]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    dests = {
        name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()
    }
    links = []
    for page in reader.pages:
        found = []
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:
                found.append(("page", dests.get(str(annot["/Dest"]))))
            else:
                found.append(("uri", str(annot["/A"].get("/URI"))))
        links.append(sorted(found, key=str))

    def outline(items: list[Any], depth: int = 0) -> list[tuple[int, str, int]]:
        out: list[tuple[int, str, int]] = []
        for item in items:
            if isinstance(item, list):
                out += outline(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))
        return out

    fonts: dict[str, set[int]] = {}
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                file = descriptor.raw_get("/FontFile2")
                fonts.setdefault(str(font["/BaseFont"]), set()).add(file.idnum)
    return {
        "text": [page.extract_text() for page in reader.pages],
        "font files": {name: len(files) for name, files in fonts.items()},
        "links": links,
        "outline": outline(reader.outline),
        "metadata": dict(reader.metadata or {}),
        "lang": reader.trailer["/Root"].get("/Lang"),
    }


def _build(cli: CliInvoke, repo: Path, name: str, *args: str) -> Path:
    out = repo.parent / name
    result = cli(repo, "build", "HEAD", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    return out


def _assert_equal(serial: Path, parallel: Path) -> None:
    one, two = reading(serial), reading(parallel)
    assert len(one["text"]) == len(two["text"]) > 1
    for key in ("text", "links", "outline", "metadata", "lang", "font files"):
        assert one[key] == two[key], key
    assert set(two["font files"].values()) == {1}
    # Fonts merged and objects packed as WeasyPrint packs them: about the serial PDF's size.
    assert parallel.stat().st_size <= 1.25 * serial.stat().st_size
    assert any("Page 2 of" in text for text in one["text"])
    assert sum(len(links) for links in one["links"]) > 3
    assert _pixels(serial) == _pixels(parallel)


def _pixels(pdf: Path) -> list[bytes]:
    """Every page rendered by poppler at 20 dpi (the margins' rules and text show at that size)."""
    need(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    folder = pdf.parent / f"{pdf.stem}-pixels"
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "20", str(pdf), str(folder / "page")], check=True)
    return [page.read_bytes() for page in sorted(folder.glob("page-*.ppm"))]


def _generated(path: Path, chapters: int = 5) -> ReportRepo:
    """Chapters that link to each other, gap entries for the register, about a page each."""
    words = [
        "standard",
        "protection",
        "online",
        "service",
        "assurance",
        "technical",
        "framework",
        "review",
    ]
    files = {}
    for c in range(1, chapters + 1):
        parts = [f"# Chapter {c}\n"]
        for s in range(1, 4):
            parts.append(f"## Section {c}.{s}\n")
            parts += [
                " ".join(words[(c + s + p + i) % len(words)] for i in range(60)).capitalize()
                + ".\n"
                for p in range(2)
            ]
        other = c % chapters + 1
        parts.append(f"See [chapter {other}](0{other}-chapter-{other}.md).\n")
        parts.append(
            f"```gap\nid: G-GN-{c:02d}\narea: Area {c}\nexisting: Standard {c}\n"
            f"gap: Gap {c}.\naction: Action {c}.\nlead: SG17\n```\n"
        )
        files[f"0{c}-chapter-{c}.md"] = "\n".join(parts)
    return make_report(path, files, MINIMAL_TOML)


@pytest.mark.slow
def test_parallel_build_of_the_sample_equals_serial(tmp_path: Path, cli: CliInvoke) -> None:
    """The generated report is compared after its edits, below."""
    repo = tmp_path / "sample"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    serial = _build(cli, repo, "serial.pdf", "--jobs", "1")
    parallel = _build(cli, repo, "parallel.pdf", "--jobs", "2")
    _assert_equal(serial, parallel)


@pytest.mark.slow
def test_parallel_build_of_masvs_equals_serial(tmp_path: Path, cli: CliInvoke) -> None:
    need((MASVS / "v1.5.0").is_dir(), f"the MASVS corpus is not at {MASVS}")
    chapters = {p.name: p.read_text("utf-8") for p in sorted((MASVS / "v1.5.0").glob("*.md"))}
    repo = make_report(tmp_path / "masvs", chapters, MINIMAL_TOML)
    images = MASVS / "v1.5.0" / "images"
    if images.is_dir():
        shutil.copytree(images, repo.path / "chapters" / "images")
        repo.commit("images")
    _assert_equal(
        _build(cli, repo.path, "serial.pdf", "--jobs", "1"),
        _build(cli, repo.path, "parallel.pdf", "--jobs", "2"),
    )


@pytest.mark.slow
def test_same_bytes_on_every_run_for_each_jobs_value(
    tmp_path: Path, cli: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _generated(tmp_path / "report", chapters=3).path
    # --jobs 1 is the serial build, whose bytes test_build holds steady across runs
    first = _build(cli, repo, "a2.pdf", "--jobs", "2", "--no-cache").read_bytes()
    again = _build(cli, repo, "b2.pdf", "--jobs", "2", "--no-cache").read_bytes()
    assert first == again
    three = _build(cli, repo, "c3.pdf", "--jobs", "3", "--no-cache").read_bytes()
    assert three == first  # the number of workers does not show
    monkeypatch.delenv("GAP_ANALYSIS_JOBS")
    default = _build(cli, repo, "default.pdf", "--no-cache").read_bytes()
    assert default == first  # the default is the parallel layout, on every machine
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert _build(cli, repo, "one-cpu.pdf", "--no-cache").read_bytes() == first
    monkeypatch.setenv("GAP_ANALYSIS_JOBS", "1")
    assert _build(cli, repo, "serial.pdf", "--no-cache").read_bytes() != first


def test_the_running_header_is_made_with_the_first_layouts(
    tmp_path: Path, cli: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It depends on page names only, which the stylesheet declares: it need not wait, as the
    page numbers must, for every part's page count (and the workers are busiest then)."""
    from gap_analysis.render.part_pool import PartPool

    batches: list[list[tuple[str, tuple[Any, ...]]]] = []
    run = PartPool.run

    def recorded(self: PartPool, requests: Any, *args: Any) -> None:
        batches.append([(method, arguments) for _key, method, arguments in requests])
        run(self, requests, *args)

    monkeypatch.setattr(PartPool, "run", recorded)
    repo = _generated(tmp_path / "report", chapters=3).path
    pdf = _build(cli, repo, "parallel.pdf", "--jobs", "2", "--no-cache")
    header = [
        [a for method, a in batch if method == "margins" and a[1:3] == (1, 1)] for batch in batches
    ]
    assert [len(found) for found in header] == [1] + [0] * (len(batches) - 1)
    # a blank page for the unnamed pages and one for the cover's, each with the header's boxes
    blank = header[0][0][0].split("<body>", 1)[1]
    assert blank.count("<div") == 2 and "page: cover" in blank
    assert len(batches) >= 2  # the contents and the register laid out again, with page numbers
    assert "Test group" in reading(pdf)["text"][1]  # the running header, stamped


def _working_tree(cli: CliInvoke, repo: Path, name: str, *args: str) -> Path:
    out = repo.parent / name
    result = cli(repo, "build", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_rebuild_after_an_edit_lays_out_that_chapter_only(tmp_path: Path, cli: CliInvoke) -> None:
    """The editor's loop: the working tree (already edited) built, edited again, built again."""
    report = _generated(tmp_path / "report")
    parts = report.path / "dist" / ".cache" / "parts"
    chapter = report.path / "chapters/03-chapter-3.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text.replace("# Chapter 3\n", "# Chapter 3\n\nOne word.\n"), "utf-8")
    _working_tree(cli, report.path, "first.pdf", "--jobs", "2")
    before = set(parts.glob("*.part.json"))
    # the cover, the contents, five chapters, the gap register; the contents and the register
    # as first laid out, before the page numbers of other parts were written into them, are
    # drafts: neither written nor kept
    assert len(before) == 8
    chapter.write_text(text.replace("# Chapter 3\n", "# Chapter 3\n\nTwo words.\n"), "utf-8")
    edited = _working_tree(cli, report.path, "edited.pdf", "--jobs", "2")
    made = set(parts.glob("*.part.json")) - before
    assert len(made) == 1  # the page numbers did not move: only the edited chapter
    _assert_equal(_working_tree(cli, report.path, "edited-serial.pdf", "--jobs", "1"), edited)
    assert any("Chapter 3" in page and "Two words." in page for page in reading(edited)["text"])
    # the edit committed: the running header now names the commit, and is not in any part's key,
    # so only the cover (it names the commit) is laid out again
    report.commit("two words")
    before = set(parts.glob("*.part.json"))
    committed = _build(cli, report.path, "committed.pdf", "--jobs", "2")
    assert len(set(parts.glob("*.part.json")) - before) == 1
    assert any(report.head()[:7] in page for page in reading(committed)["text"][3:])
    # an edit that moves the page numbers of every later part still gives the serial build
    other = report.path / "chapters/02-chapter-2.md"
    other.write_text(
        other.read_text("utf-8") + "\n" + "\n\n".join(["A long new paragraph. " * 40] * 8),
        "utf-8",
    )
    moved = _working_tree(cli, report.path, "moved.pdf", "--jobs", "2")
    _assert_equal(_working_tree(cli, report.path, "moved-serial.pdf", "--jobs", "1"), moved)
    assert len(reading(moved)["text"]) > len(reading(edited)["text"])


def test_variants_are_laid_out_serially(tmp_path: Path, cli: CliInvoke) -> None:
    """PDF/UA needs one structure tree for the whole document: --jobs does not apply."""
    repo = _generated(tmp_path / "report", chapters=2).path
    serial = _build(cli, repo, "ua1.pdf", "--variant", "pdf/ua-1", "--jobs", "1", "--no-cache")
    parallel = _build(cli, repo, "ua2.pdf", "--variant", "pdf/ua-1", "--jobs", "2", "--no-cache")
    assert serial.read_bytes() == parallel.read_bytes()
    assert "/StructTreeRoot" in pypdf.PdfReader(parallel).trailer["/Root"]


def test_what_keeps_a_document_serial() -> None:
    from gap_analysis.render.parts import why_serial

    page = '<html><head><style>{}</style></head><body><section class="chapter" id="a">x</section></body></html>'
    assert why_serial(page.format(".chapter { break-before: page; }")) is None
    for css, what in (
        ("h2 { counter-increment: figure; }", "CSS counters"),
        ("h1 { string-set: title content(); }", "named strings"),
        ("@page :left { margin-left: 3cm; }", "page selectors"),
        (".chapter { break-before: right; }", "breaks to a side"),
        ("a::after { content: target-text(attr(href)); }", "page references"),
    ):
        reason = why_serial(page.format(css))
        assert reason is not None and what in reason, css


def test_page_references_to_other_parts_are_written_as_numbers() -> None:
    from gap_analysis.render.parts import split, with_numbers

    html = (
        '<html><head><title>T</title><meta name="author" content="A"><style>'
        ".contents a::after { content: leader('. ') target-counter(attr(href), page); }"
        '</style></head><body><div class="watermark">DRAFT</div><nav class="contents">'
        '<a href="#b--x">B</a></nav><section class="chapter" id="a">A</section>'
        '<section class="chapter annex" id="b"><h1 id="b--x">B</h1></section></body></html>'
    )
    cut = split(html)
    assert [part.name for part in cut.parts] == ["front", "a", "b"]
    front = with_numbers(cut, cut.parts[0], {"b--x": 7, "elsewhere": 9})
    assert ".contents a[data-ga-page]::after { content: leader('. ') attr(data-ga-page); }" in front
    assert '<a href="#b--x" data-ga-page="7">B</a>' in front and 'data-ga-page="9"' not in front
    assert "<title>T</title>" in front and front.count("DRAFT") == 1
    annex = with_numbers(cut, cut.parts[2], {})
    assert "<title>" not in annex and 'name="author"' not in annex  # only the first part's
    assert 'id="b--x"' in annex and "DRAFT" in annex and 'id="a"' not in annex


def test_margins_in_two_layers_only_when_that_draws_what_weasyprint_draws() -> None:
    """The running header is made once per page name and the page numbers per page only when
    the page-number boxes are drawn after the others and every box has its own width."""
    from gap_analysis.render.parts import margin_heads, split

    base = "@page { @top-left { width: 50%; } @bottom-left { width: 50%; } @bottom-right { width: 50%; } }"
    running = '@page { @top-left { content: "Title"; } @bottom-right { content: counter(page); } }'
    page = '<html><head><style>{}</style></head><body><section class="chapter">A</section></body></html>'
    heads = margin_heads(split(page.format(base + running)))
    assert (
        heads.fixed is not None and '"Title"' in heads.fixed and "counter(page)" not in heads.fixed
    )
    assert "counter(page)" in heads.numbered and '"Title"' not in heads.numbered
    for css in (
        # a page number drawn before the header: the two layers would swap their order
        base + '@page { @top-left { content: counter(page); } @bottom-right { content: "x"; } }',
        # a box without its own width: its place depends on the others of its side
        base.replace("@bottom-right { width: 50%; }", "")
        + '@page { @bottom-left { content: "x"; } @bottom-right { content: counter(page); } }',
        # a page counter outside the margins-only rules
        base + running + " h1::after { content: counter(page); }",
    ):
        heads = margin_heads(split(page.format(css)))
        assert heads.fixed is None and "counter(page)" in heads.numbered, css


def test_the_front_matter_is_cut_where_the_stylesheet_starts_a_page() -> None:
    from gap_analysis.render.parts import split

    body = (
        '<section class="cover">C</section><section class="history">H</section>'
        '<nav class="contents">T</nav><nav class="contents list-of-tables">L</nav>'
        '<section class="chapter" id="a">A</section>'
    )
    page = "<html><head><style>{}</style></head><body>" + body + "</body></html>"
    css = ".history { break-before: page; } .contents { break-before: page; }"
    cut = split(page.format(css))
    assert [part.name for part in cut.parts] == ["front", "history", "contents", "a"]
    assert "list-of-tables" in cut.parts[2].body and "history" not in cut.parts[0].body
    alone = split(page.format(".contents { break-before: page; }"))
    assert [part.name for part in alone.parts] == ["front", "contents", "a"]


def test_workers_never_import_from_the_report_folder(tmp_path: Path) -> None:
    """`build --jobs 2` run in a report repository (the user's current folder) whose files are
    named like modules the workers import: nothing of theirs runs (the workers' forkserver is
    started with `-c`, which would put the current folder first on its `sys.path`)."""
    report = make_report(tmp_path / "report")
    marker = tmp_path / "ran"
    planted = f"open({str(marker)!r}, 'w').close()\n"
    (report.path / "gap_analysis").mkdir()
    (report.path / "gap_analysis" / "__init__.py").write_text(planted, "utf-8")
    (report.path / "weasyprint.py").write_text(planted, "utf-8")
    script = Path(sys.executable).with_name("gap-analysis")
    need(script.exists(), "the gap-analysis console script beside the interpreter")
    done = subprocess.run(
        [str(script), "-q", "build", "HEAD", "-o", str(tmp_path / "out.pdf"), "--jobs", "2"],
        cwd=report.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert len(pypdf.PdfReader(tmp_path / "out.pdf").pages) > 1


def test_workers_load_the_engine_not_the_report_model() -> None:
    """What the forkserver imports is on a cold build's critical path (the workers are ready
    after the coordinator's HTML): no document model, no report model, no pypdf."""
    code = (
        "import gc, sys, gap_analysis.render.worker_preload\n"
        "print(sorted(m for m in sys.modules if m.startswith(('gap_analysis.model', 'pypdf'))"
        " or m == 'gap_analysis.render.document'))\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, collector = done.stdout.strip().splitlines()
    assert "gap_analysis.render.document" not in loaded and "pypdf" not in loaded, loaded
    assert "gap_analysis.model.build" not in loaded, loaded
    assert collector == "True True"  # off while importing, on again for the workers' layouts


def test_workers_do_not_run_the_main_script_again(tmp_path: Path) -> None:
    """multiprocessing tells each new process to import the caller's main script (as
    `__mp_main__`): for the console script, the whole CLI in every worker. The workers are
    started without it; here a main script that notes each time it is run shows it."""
    report = make_report(tmp_path / "report")
    runs = tmp_path / "runs"
    script = tmp_path / "main_script.py"
    script.write_text(
        f"with open({str(runs)!r}, 'a') as runs:\n    runs.write(__name__ + '\\n')\n"
        "if __name__ == '__main__':\n"
        "    from gap_analysis.cli.app import main\n"
        "    main()\n",
        "utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script), "-q", "build", "HEAD", "-o", str(tmp_path / "out.pdf")]
        + ["--jobs", "2"],
        cwd=report.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert runs.read_text("utf-8").split() == ["__main__"]
    assert len(pypdf.PdfReader(tmp_path / "out.pdf").pages) > 1


def test_types_are_the_ones_cffi_parses() -> None:
    """The types parsed together and the shortcut for `T[N]` (`render.cffi_types`) are the
    types cffi's parser makes, and WeasyPrint's calls work with them."""
    from weasyprint.text.ffi import ffi

    from gap_analysis.render.cffi_types import KNOWN_TYPES, types_parsed_once

    parser = ffi._parser

    def parse(cdecl: str) -> object:  # the parser's own method (the shortcut is the instance's)
        return type(parser).parse_type_and_quals(parser, cdecl)

    cdecls = [*KNOWN_TYPES, "hb_codepoint_t[57]", "unsigned int[3]", "char[4]", "hb_tag_t[100]"]
    expected = [parse(cdecl) for cdecl in cdecls]
    installed = parser.__dict__.pop("parse_type_and_quals", None)  # as if nothing had it yet
    types_parsed_once()
    try:
        assert "parse_type_and_quals" in parser.__dict__
        assert [parser.parse_type_and_quals(cdecl) for cdecl in cdecls] == expected
        assert parser.parse_type_and_quals("PangoLayout *") == parse("PangoLayout *")
        assert list(ffi.new("hb_codepoint_t[3]", [7, 8, 9])) == [7, 8, 9]
    finally:
        parser.__dict__.pop("parse_type_and_quals", None)
        if installed is not None:
            parser.parse_type_and_quals = installed


def test_a_worker_runs_no_c_parser_for_its_parts(tmp_path: Path, cli: CliInvoke) -> None:
    """Every type WeasyPrint asks for while a worker lays out and writes the sample's first
    parts (cover, contents, chapters with tables, lists, links) was parsed in the forkserver,
    in one run (`render.cffi_types.KNOWN_TYPES`): should WeasyPrint ask for another, this
    names it."""
    html = tmp_path / "sample.html"
    cli(ROOT, "build", "--html", str(html), "--html-only")
    code = (
        "import sys\n"
        "import gap_analysis.render.worker_preload\n"
        "from weasyprint.text.ffi import ffi\n"
        "from gap_analysis.render.part_worker import Worker\n"
        "from gap_analysis.render.parts import split, with_numbers\n"
        "asked = []\n"
        "run = ffi._parser._parse\n"
        "ffi._parser._parse = lambda source: asked.append(source.splitlines()[1]) or run(source)\n"
        "cut = split(open(sys.argv[1], encoding='utf-8').read())\n"
        "worker = Worker({}, 600)\n"
        "for part in cut.parts[:5]:\n"
        "    assert worker.layout('', with_numbers(cut, part, {})).pdfs\n"
        "print(asked)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(html)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_a_reference_no_part_can_answer_is_written_after_the_drafts() -> None:
    """The contents' first layout, without the other parts' page numbers, is a draft (not
    written, not kept); a reference to an anchor that no part holds leaves the part a draft
    once all is settled, and it is then written as it stands: the serial build's pages."""
    from gap_analysis.render.parallel import NoStore, render_parallel
    from gap_analysis.render.part_pdf import PartPdf

    html = (
        "<html><head><title>T</title><style>@page { size: A6 } .chapter { break-before: page }"
        " .contents a::after { content: leader('. ') target-counter(attr(href), page); }"
        '</style></head><body><nav class="contents"><a href="#b--x">To B</a>'
        '<a href="#nowhere">To nowhere</a></nav>'
        '<section class="chapter" id="a"><h1>A</h1><p>One.</p></section>'
        '<section class="chapter" id="b"><h1 id="b--x">B</h1><p>Two.</p></section></body></html>'
    )

    class Kept(NoStore):
        def __init__(self) -> None:
            self.kept: list[PartPdf] = []

        def put_part(self, key: str, part: PartPdf) -> None:
            self.kept.append(part)

    store = Kept()
    parallel = render_parallel(None, html, {}, 2, store, "salt")  # type: ignore[arg-type]
    serial = render_pdf_of(html)
    assert all(part.pdfs for part in store.kept) and len(store.kept) == 3
    texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(parallel.pdf)).pages]
    assert texts == [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(serial)).pages]
    assert "To B" in texts[0] and "To nowhere" in texts[0] and "3" in texts[0]


_TWO_CHAPTERS = (
    "<html><head><title>T</title><style>@page { size: A6 } .chapter { break-before: page }"
    " .contents a::after { content: leader('. ') target-counter(attr(href), page); }"
    " h1 { bookmark-level: 1 } h2 { bookmark-level: 2 }"
    '</style></head><body><nav class="contents"><h1 id="{front_id}">Contents</h1>'
    '<a href="#b--x">To B</a><a href="#a--y">To A</a></nav>'
    '<section class="chapter" id="a"><h1 id="a--y">A</h1><h2>A.1</h2><p>One.</p>'
    '<p><a href="#{front_id}">Back</a></p></section>'
    '<section class="chapter" id="b"><h1 id="{b_id}">B</h1><h2>B.1</h2><p>Two.</p></section>'
    "</body></html>"
)


def _join_of(html: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What a parallel build of `html` gives its join: each PDF's bytes, the rest as is."""
    import gap_analysis.render.join as joining
    from gap_analysis.render.parallel import NoStore, render_parallel

    seen: dict[str, Any] = {}
    original = joining.join

    def join(parts: Any, margins: Any, *rest: Any) -> bytes:
        seen.update(
            parts=[reader.stream.getvalue() for reader in parts],
            margins=[reader.stream.getvalue() for reader in margins],
            rest=rest,
        )
        return original(parts, margins, *rest)

    monkeypatch.setattr(joining, "join", join)
    seen["pdf"] = render_parallel(None, html, {}, 2, NoStore(), "salt").pdf  # type: ignore[arg-type]
    return seen


def test_parts_joined_late_are_where_their_place_is(monkeypatch: pytest.MonkeyPatch) -> None:
    """The contents, laid out again with the others' page numbers, are joined after the
    chapters (`render.join.join`'s late parts) and land in their place: pages, outline,
    destinations and links as when every part is joined in order; and a join begun before
    the late parts are ready (`started`) gives the bytes of one made at once."""
    from gap_analysis.render.join import join, read_part, started

    html = _TWO_CHAPTERS.replace("{front_id}", "contents").replace("{b_id}", "b--x")
    seen = _join_of(html, monkeypatch)
    stamps, links, identifier, late, _writer = seen["rest"]
    assert late == {0}  # the front matter, with the contents

    def joined(late: frozenset[int], early_first: bool = False) -> bytes:
        parts = [read_part(pdf) for pdf in seen["parts"]]
        early = [part for index, part in enumerate(parts) if index not in late]
        writer = started(early) if early_first else None
        margins = [read_part(pdf) for pdf in seen["margins"]]
        return join(parts, margins, stamps, links, identifier, late, writer)

    in_order = joined(frozenset())
    assert joined(late) == joined(late, early_first=True) == seen["pdf"]
    assert seen["pdf"] != in_order  # its objects are numbered in another order
    assert _read(seen["pdf"]) == _read(in_order) == _read(render_pdf_of(html))
    assert [title for _depth, title, _page in _read(seen["pdf"])["outline"]] == [
        "Contents",
        "A",
        "A.1",
        "B",
        "B.1",
    ]


def test_a_name_two_parts_hold_leads_where_the_serial_build_leads() -> None:
    """WeasyPrint keeps the first anchor of a name; a late part joined after the parts that
    follow it would lose its own to theirs, so then every part is joined in order."""
    from gap_analysis.render.parallel import NoStore, render_parallel

    html = _TWO_CHAPTERS.replace("{front_id}", "dup").replace("{b_id}", "dup")
    html = html.replace('href="#b--x"', 'href="#dup"')
    parallel = render_parallel(None, html, {}, 2, NoStore(), "salt").pdf  # type: ignore[arg-type]
    serial = render_pdf_of(html)

    def destinations(data: bytes) -> dict[str, int]:
        reader = pypdf.PdfReader(io.BytesIO(data))
        return {
            str(name): reader.get_destination_page_number(found)
            for name, found in reader.named_destinations.items()
        }

    assert destinations(parallel)["dup"] == destinations(serial)["dup"] == 0
    assert _read(parallel) == _read(serial)


def render_pdf_of(html: str) -> bytes:
    from gap_analysis.render.pdf import render_pdf

    return render_pdf(None, html, {}.__getitem__).pdf  # type: ignore[arg-type]
