"""`gap-analysis packet`: one PDF with cover, change summary, report, redline and comment disposition."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import ReportRepo
from tests.test_site import history, ok, run  # noqa: F401 - the shared two-version report fixture


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def walk(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item)))  # type: ignore[attr-defined]

    walk(reader.outline)  # type: ignore[arg-type]
    return found


@pytest.fixture(scope="module")
def packet_v2(history: ReportRepo) -> tuple[Path, PdfReader]:  # noqa: F811
    result = ok(history.path, "packet", "v0.2")
    path = Path(result.stdout.strip())
    assert re.search(r"-v0\.2-cg-cop-\d{8}T\d{6}Z-packet\.pdf$", path.name), (
        path.name
    )  # state, last record change
    assert path.parent == history.path / "dist"
    return path, PdfReader(path)


def test_packet_parts_in_order(packet_v2: tuple[Path, PdfReader]) -> None:
    _, reader = packet_v2
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    cover = pages[0]
    assert "SG17-TD-345" in cover and "SG17, Geneva, 8-17 April 2025" in cover
    assert "Test Correspondence Group" in cover and "editor@example.org" in cover
    assert (
        "Questions" not in cover and "Keywords" not in cover
    )  # not recorded: left out, not invented
    outline = _outline(reader)
    titles = [title for title, _ in outline]
    order = [
        next(i for i, t in enumerate(titles) if t.startswith(prefix))
        for prefix in (
            "Changes since v0.1",
            "1 Introduction",
            "Annex C Changes since v0.1",
            "Annex D Comment disposition",
        )
    ]
    assert order == sorted(order), titles
    where = dict(outline)
    summary_page = pages[where[titles[order[0]]]]
    assert (
        re.search(r"\d+ words? added, \d+ words? removed", summary_page)
        and "2 Method" in summary_page
    )
    redline_page = pages[where[titles[order[2]]]]
    assert "content filtering" in redline_page and "2.1 Scope" in redline_page
    comments_page = "\n".join(pages[where[titles[order[3]]] :])
    assert "Name the filtering" in comments_page and "accepted" in comments_page
    assert "Comments on v0.1" in comments_page


def test_page_numbers_run_through(packet_v2: tuple[Path, PdfReader]) -> None:
    _, reader = packet_v2
    total = len(reader.pages)
    numbered = [
        int(m.group(1))
        for page in reader.pages
        for m in [re.search(rf"Page (\d+) of {total}\b", page.extract_text())]
        if m
    ]
    assert len(numbered) >= total - 1  # every page but perhaps the cover
    assert numbered == sorted(numbered) and numbered[-1] == total


def test_first_version_has_no_changes_part(history: ReportRepo, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "v1.pdf"
    ok(history.path, "packet", "v0.1", "-o", str(out))
    reader = PdfReader(out)
    titles = [title for title, _ in _outline(reader)]
    assert not any(t.startswith("Changes since") for t in titles)
    assert any("Comment disposition" in t for t in titles)
    assert "For discussion" in reader.pages[0].extract_text()  # the version record's purpose


def test_against_an_explicit_version(history: ReportRepo, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "against.pdf"
    ok(history.path, "packet", "v0.2", "--against", "v0.1", "-o", str(out))
    titles = [title for title, _ in _outline(PdfReader(out))]
    assert any(t.startswith("Changes since v0.1") for t in titles)


@pytest.mark.parametrize(
    "args, message",
    [
        (("packet", "v9"), "no version 'v9'"),
        (("packet", "v0.2", "--against", "nope-404"), "nope-404"),
        (("packet", "v0.2", "--against", "v0.2"), "itself"),
    ],
)
def test_bad_input_is_one_line(history: ReportRepo, args: tuple[str, ...], message: str) -> None:  # noqa: F811
    before = sorted(p.name for p in (history.path / "dist").glob("*.pdf"))
    result = run(history.path, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (history.path / "dist").glob("*.pdf")) == before
