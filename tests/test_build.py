"""`gap-analysis build`: the PDF's content, metadata, variants, reproducibility and cache."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result
from PIL import Image

from gap_analysis.cli.app import main
from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras, ExtraAnnex, HistoryRow
from gap_analysis.services.build.pdf import build_pdf
from tests.helpers import CHAPTERS, GIT_ENV, ROOT, CliInvoke, ReportRepo, git_identity, make_report

FOOTNOTE_CHAPTERS = {
    **CHAPTERS,
    "01-intro.md": CHAPTERS["01-intro.md"]
    + "\nA claim.[^1] Back to [the gap](02-method.md#G-AA-01).\n\n"
    "[^1]: The intro's note.\n",
    "02-method.md": CHAPTERS["02-method.md"] + "\nAnother claim.[^1] See [G-AA-01](#G-AA-01) and "
    "[scope](#scope) and [the intro](01-intro.md).\n\n"
    "[^1]: The method's note.\n\n![A figure](figures/f.png)\n",
}


def _png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def run(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--repo", str(repo), *args], catch_exceptions=False)


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReportRepo, Path, Path]]:
    """One committed report with footnotes, links, a figure and a gap; built once (PDF and HTML)."""
    with git_identity():
        base = tmp_path_factory.mktemp("built")
        repo = make_report(base / "report", FOOTNOTE_CHAPTERS)
        repo.write("chapters/figures/f.png", _png(40, 20, (200, 30, 30)))
        repo.commit("figure")
        html = base / "out.html"  # outside the repo: the tree stays clean
        result = run(repo.path, "build", "--html", str(html))
        assert result.exit_code == 0, result.output
        yield repo, Path(result.stdout.strip()), html


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def test_default_output_path_and_content(built: tuple[ReportRepo, Path, Path]) -> None:
    repo, pdf, _ = built
    assert pdf == repo.path / "dist" / f"test-report-{repo.head()[:10]}.pdf"
    text = _text(pdf)
    for expected in (
        "Test report on standards",
        "Test Correspondence Group",
        "Working draft",
        "1 Introduction",
        "1.1 Background",
        "2.1 Scope",
        "Annex A",
        "Abbreviations",
        "Annex B",
        "Gap register",
        "G-AA-01",
        "Contents",
        "Page 2 of",
        "editor@example.org",
        "1 April 2025",
    ):
        assert expected in text, expected
    assert "IEEE 2089.1-2024" in text  # the table


def test_contents_lines_lead_with_dots_to_the_page_of_their_heading(
    built: tuple[ReportRepo, Path, Path],
) -> None:
    """Each contents line: number, title, a leader of dots, the page its heading starts on."""
    _, pdf, _ = built
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    contents = next(i for i, page in enumerate(pages) if "Contents" in page)
    for number, title in (("1.1", "Background"), ("2.1", "Scope")):
        line = next(
            line for line in pages[contents].splitlines() if f"{number}" in line and title in line
        )
        leader = line.split(title, 1)[1]
        assert leader.count(".") >= 10 and set(leader.strip().rstrip("0123456789")) <= {".", " "}
        page = int(leader.split()[-1])
        heading = next(
            i + 1
            for i, text in enumerate(pages)
            if i > contents and any(row.split() == [number, title] for row in text.splitlines())
        )
        assert page == heading, (line, heading)


def test_metadata(built: tuple[ReportRepo, Path, Path]) -> None:
    repo, pdf, _ = built
    meta = pypdf.PdfReader(pdf).metadata
    assert meta is not None
    assert meta["/Title"] == "Test report on standards"
    assert meta["/Author"] == "Test Editor"
    assert meta["/Creator"].startswith("gap-analysis ")
    assert meta["/commit"] == repo.head()
    assert "Working draft" in meta["/Subject"] and "state: draft" in meta["/Subject"]
    assert meta["/CreationDate"].startswith("D:20250401")


def test_ids_unique_and_internal_links_resolve(built: tuple[ReportRepo, Path, Path]) -> None:
    _, _, html = built
    parser = _Ids()
    parser.feed(html.read_text("utf-8"))
    assert len(parser.ids) == len(set(parser.ids)), "duplicate ids"
    internal = [h[1:] for h in parser.hrefs if h.startswith("#")]
    assert internal and all(target in parser.ids for target in internal)
    assert "#method--scope" in parser.hrefs and "#intro" in parser.hrefs
    assert "#G-AA-01" in parser.hrefs and "#gap-register--G-AA-01" in parser.hrefs
    assert {"intro--fn-1", "method--fn-1"} <= set(parser.ids)


def test_pdf_links_are_internal_and_bookmarked(built: tuple[ReportRepo, Path, Path]) -> None:
    _, pdf, _ = built
    reader = pypdf.PdfReader(pdf)
    uris = []
    internal = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            obj = annot.get_object()
            action = obj.get("/A")
            if action is not None and "/URI" in action:
                uris.append(action["/URI"])
            elif "/Dest" in obj or (action is not None and "/D" in action):
                internal += 1
    assert internal >= 8 and uris == []
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any("Introduction" in t for t in titles) and any("Gap register" in t for t in titles)


def test_image_from_the_revision(built: tuple[ReportRepo, Path, Path]) -> None:
    repo, _, _ = built
    repo.write("chapters/figures/f.png", _png(90, 10, (0, 0, 200)))  # uncommitted change
    out = repo.path.parent / "head.pdf"
    assert run(repo.path, "build", "HEAD", "-o", str(out)).exit_code == 0
    images = [img for page in pypdf.PdfReader(out).pages for img in page.images]
    assert {(i.image.width, i.image.height) for i in images} == {(40, 20)}  # pages share resources
    repo.git("checkout", "--", "chapters/figures/f.png")


def test_reproducible_in_process_and_across_processes(built: tuple[ReportRepo, Path, Path]) -> None:
    repo, pdf, html = built
    again = html.parent / "again.pdf"
    assert run(repo.path, "build", "--no-cache", "-o", str(again)).exit_code == 0
    assert again.read_bytes() == pdf.read_bytes()
    outputs = []
    for name in ("p1.pdf", "p2.pdf"):
        target = html.parent / name
        env = {**os.environ, **GIT_ENV}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "gap_analysis",
                "--repo",
                str(repo.path),
                "build",
                "--no-cache",
                "-o",
                str(target),
            ],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] == pdf.read_bytes()


def test_cache_serves_unchanged_and_rebuilds_changed(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    first = cli(report_repo.path, "build")
    assert first.exit_code == 0 and "from cache" not in first.stderr
    second = cli(report_repo.path, "build", "-o", str(report_repo.path / "copy.pdf"))
    assert second.exit_code == 0 and "from cache" in second.stderr
    assert (report_repo.path / "copy.pdf").read_bytes() == Path(first.stdout.strip()).read_bytes()
    assert list((report_repo.path / "dist" / ".cache").glob("*.pdf"))
    report_repo.write("chapters/01-intro.md", CHAPTERS["01-intro.md"] + "\nA new sentence here.\n")
    third = cli(report_repo.path, "build")
    assert third.exit_code == 0 and "from cache" not in third.stderr
    assert third.stdout.strip().endswith("-dirty.pdf")
    text = _text(Path(third.stdout.strip()))
    assert "A new sentence here." in text and "uncommitted changes" in text


def test_old_revision_from_git_objects(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    old = report_repo.head()
    report_repo.write(
        "chapters/01-intro.md",
        CHAPTERS["01-intro.md"].replace("Some background", "Newer background"),
    )
    report_repo.commit("edit")
    out = tmp_path / "old.pdf"
    result = cli(report_repo.path, "build", "HEAD~1", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert "Some background" in text and "Newer background" not in text
    meta = pypdf.PdfReader(out).metadata
    assert meta is not None and meta["/commit"] == old
    assert report_repo.git("status", "--porcelain") == ""


def test_variants(report_repo: ReportRepo, cli: CliInvoke) -> None:
    archive, tagged, plain = (report_repo.path / n for n in ("a.pdf", "ua.pdf", "plain.pdf"))
    assert (
        cli(report_repo.path, "build", "--variant", "pdf/a-3u", "-o", str(archive)).exit_code == 0
    )
    assert cli(report_repo.path, "build", "--variant", "pdf/ua-1", "-o", str(tagged)).exit_code == 0
    assert cli(report_repo.path, "build", "-o", str(plain)).exit_code == 0
    attachments = pypdf.PdfReader(archive).attachments
    expected = {"report.toml", *(f"chapters/{name}" for name in CHAPTERS)}
    assert set(attachments) == expected
    assert (
        attachments["chapters/02-method.md"][0]
        == (report_repo.path / "chapters/02-method.md").read_bytes()
    )
    assert pypdf.PdfReader(plain).attachments == {}
    root = pypdf.PdfReader(tagged).trailer["/Root"]
    assert root["/Lang"] == "en" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert pypdf.PdfReader(tagged).metadata["/Title"] == "Test report on standards"
    bad = cli(report_repo.path, "build", "--variant", "pdf/x-9")
    assert bad.exit_code == 2


def test_watermark_on_by_default_and_off_on_request(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    on, off = report_repo.path / "on.pdf", report_repo.path / "off.pdf"
    assert cli(report_repo.path, "build", "-o", str(on)).exit_code == 0
    assert cli(report_repo.path, "build", "--no-watermark", "-o", str(off)).exit_code == 0
    assert "DRAFT" in _text(on) and "DRAFT" not in _text(off)


def test_extras_for_other_services(report_repo: ReportRepo) -> None:
    extras = BuildExtras(
        cover_status="Agreed by SG17, Geneva, 8-17 April 2025",
        state="sg17",
        history=(HistoryRow("v0.1", "2025-04-17", "Agreed by SG17"),),
        annexes=(
            ExtraAnnex(
                "Comments and their disposition", "<p>No comments were made.</p>", "comments"
            ),
        ),
        document="TD69/P",
        meeting="SG17, Geneva",
        watermark=False,
    )
    store = GitStore(report_repo.path)
    result = build_pdf(store, None, report_repo.path / "x.pdf", None, extras)
    store.close()
    text = _text(report_repo.path / "x.pdf")
    for expected in (
        "Agreed by SG17, Geneva, 8-17 April 2025",
        "Document history",
        "TD69/P",
        "SG17, Geneva",
        "Annex C",
        "Comments and their disposition",
        "No comments were made.",
    ):
        assert expected in text, expected
    assert "DRAFT" not in text
    meta = pypdf.PdfReader(report_repo.path / "x.pdf").metadata
    assert meta is not None and "state: sg17" in meta["/Subject"]
    assert result.pages >= 4 and not result.cached


def test_output_folder_missing(report_repo: ReportRepo, cli: CliInvoke) -> None:
    target = report_repo.path / "nope" / "x.pdf"
    result = cli(report_repo.path, "build", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "does not exist" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not target.exists()


BAD_FRONT_MATTER = {
    "a list": ("---\n- a\n- b\n---\n# T\n", "02-bad.md:2", "not a list"),
    "a scalar": ("---\njust text\n---\n# T\n", "02-bad.md:2", "single value"),
    "unclosed": ("---\nid: x\n# T\n", "02-bad.md:1", "never closed"),
    "invalid yaml": ("---\nid: [x\n---\n# T\n", "02-bad.md:", "invalid YAML"),
    "a yaml tag": (
        "---\nid: !!python/object:os.system x\n---\n# T\n",
        "02-bad.md:2",
        "not allowed",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FRONT_MATTER))
def test_bad_front_matter(case: str, report_repo: ReportRepo, cli: CliInvoke) -> None:
    text, where, words = BAD_FRONT_MATTER[case]
    report_repo.write("chapters/02-bad.md", text)
    target = report_repo.path / "out.pdf"
    result = cli(report_repo.path, "build", "-o", str(target))
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and line.startswith("error: chapters/" + where)
    assert words.split()[-1] in line and "Traceback" not in result.output
    assert not target.exists()


def test_not_utf8_names_file_and_line(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.write("chapters/02-bad.md", b"# T\n\nline two\ncaf\xe9\n")
    result = cli(report_repo.path, "build", "-o", str(report_repo.path / "o.pdf"))
    assert (
        result.exit_code == 1
        and "chapters/02-bad.md:4" in result.stderr
        and "UTF-8" in result.stderr
    )


def test_bom_and_crlf_are_accepted(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.write(
        "chapters/03-crlf.md",
        "\ufeff---\r\ntitle: Windows\r\n---\r\n# Windows file\r\n\r\nText.\r\n".encode("utf-8"),
    )
    out = report_repo.path / "o.pdf"
    assert cli(report_repo.path, "build", "-o", str(out)).exit_code == 0
    assert "3 Windows file" in _text(out)


def test_unknown_revision(report_repo: ReportRepo, cli: CliInvoke) -> None:
    result = cli(report_repo.path, "build", "no-such-branch")
    assert result.exit_code == 1 and "unknown revision 'no-such-branch'" in result.stderr
    option = cli(report_repo.path, "build", "--", "--output=/tmp/x")
    assert option.exit_code == 1 and "not a valid revision" in option.stderr
    assert not (report_repo.path / "dist").exists()


def test_folder_without_report_toml(tmp_path: Path, cli: CliInvoke) -> None:
    result = cli(tmp_path, "build")
    assert (
        result.exit_code == 1
        and "report.toml" in result.stderr
        and "gap-analysis init" in result.stderr
    )


@pytest.mark.slow
def test_a_long_table_runs_over_pages_with_its_header_on_each(
    tmp_path: Path, cli: CliInvoke
) -> None:
    """A table of 600 rows (about 15 pages): every row once, in order, none split, header on each page.

    How long 5,000 rows take (README, "Large input") is a measurement, not a test.
    """
    count = 600
    rows = "\n".join(f"| R{i:04d} | value {i} |" for i in range(count))
    repo = make_report(
        tmp_path / "r",
        {"01-table.md": f"# Table\n\n| Row key | Row value |\n|---|---|\n{rows}\n"},
    )
    out = repo.path / "t.pdf"
    result = cli(repo.path, "build", "-o", str(out))
    assert result.exit_code == 0, result.output
    pages = [page.extract_text() for page in pypdf.PdfReader(out).pages]
    table_pages = [text for text in pages if "R0" in text]
    assert len(table_pages) > 10
    seen: list[str] = []
    for text in table_pages:
        assert "Row key" in text and "Row value" in text  # the header repeats on every page
        seen += re.findall(r"R(\d{4}) value (\d+)", " ".join(text.split()))
    assert [int(key) for key, _ in seen] == list(range(count))  # each row once, in order
    assert all(int(key) == int(value) for key, value in seen)  # no row split from its value


def test_five_megabyte_chapter_renders_to_html(tmp_path: Path, cli: CliInvoke) -> None:
    """The Markdown side handles a 5 MB chapter in seconds (the full PDF is long: see README)."""
    paragraph = "A sentence of a very long chapter with plenty of words in it. " * 12 + "\n\n"
    body = "# Huge\n\n" + "".join(f"## Part {i}\n\n" + paragraph * 3 for i in range(2400))
    assert len(body.encode()) > 5_000_000
    repo = make_report(tmp_path / "r", {"01-huge.md": body})
    html = repo.path / "huge.html"
    result = cli(repo.path, "build", "--html", str(html), "--html-only")
    assert result.exit_code == 0, result.output
    text = html.read_text("utf-8")
    assert 'id="huge--part-2399"' in text and "1.2400" in text
