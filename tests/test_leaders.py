"""A leader is drawn as one run of text where that draws the same (`render.leaders`).

Each case lays out five contents-like lines with WeasyPrint twice, with its own
leader handling and with ours, and reads both PDFs back: the number of text
runs drawn (pypdf, in the page's content stream) and where poppler finds every
dot (`pdftotext -bbox`).
"""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pypdf
import pytest
import weasyprint
import weasyprint.layout.inline

import gap_analysis.render.pdf  # noqa: F401 - installs the leader handling, as every build does
from gap_analysis.render import leaders

FONT = Path(__file__).parents[1] / "gap_analysis/render/static/fonts/NotoSans-Regular.ttf"
LINES = 5


def _html(leader: str, direction: str = "ltr", own: str = "") -> str:
    return (
        f"<style>@font-face {{ font-family: Bundled; src: url({FONT.as_uri()}) }}"
        f" body {{ font-family: Bundled; direction: {direction} }}"
        f" p::after {{ content: leader('{leader}') '12'; {own} }}</style>"
        + "".join(f"<p>Entry {n}</p>" for n in range(LINES))
    )


@contextmanager
def _weasyprint_leaders() -> Iterator[None]:
    weasyprint.layout.inline.handle_leader = leaders._WEASYPRINT_LEADER  # noqa: SLF001
    try:
        yield
    finally:
        leaders.leaders_in_one_run()


def _both(html: str) -> tuple[bytes, bytes]:
    ours = weasyprint.HTML(string=html).write_pdf()
    with _weasyprint_leaders():
        theirs = weasyprint.HTML(string=html).write_pdf()
    return ours, theirs


def _runs(pdf: bytes) -> int:
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    return page.get_contents().get_data().count(b"TJ")


def _dot_ends(pdf: bytes, folder: Path) -> list[tuple[float, float]]:
    """(baseline box top, right end) of every word poppler reads that ends in a dot."""
    path = folder / "page.pdf"
    path.write_bytes(pdf)
    xml = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml
    )
    return sorted((float(top), float(end)) for top, end, word in words if word.endswith("."))


def test_a_leader_is_one_run_with_every_dot_where_weasyprint_puts_it(tmp_path: Path) -> None:
    ours, theirs = _both(_html(". . . . "))
    # A title, a leader and a page number per line, against a copy per repetition.
    assert _runs(ours) == 3 * LINES
    assert _runs(theirs) > 10 * LINES
    ours_dots, their_dots = _dot_ends(ours, tmp_path), _dot_ends(theirs, tmp_path)
    assert len(ours_dots) == len(their_dots) > 10 * LINES
    for (top, end), (their_top, their_end) in zip(ours_dots, their_dots, strict=True):
        assert top == their_top
        assert abs(end - their_end) < 0.02, (end, their_end)  # points: rounding only


@pytest.mark.parametrize("leader", ["AV", "T."])
def test_a_leader_kerned_across_repetitions_keeps_weasyprints_copies(leader: str) -> None:
    """Noto Sans kerns "VA" and ".T": one run would place the glyphs otherwise."""
    ours, theirs = _both(_html(leader))
    assert _runs(ours) == _runs(theirs) > 10 * LINES


@pytest.mark.parametrize(
    ("direction", "own"), [("rtl", ""), ("ltr", "direction: rtl; unicode-bidi: embed")]
)
def test_a_right_to_left_leader_keeps_weasyprints_copies(direction: str, own: str) -> None:
    """Right to left, one run of ". . . . " would start with the space its copies end with."""
    ours, theirs = _both(_html(". . . . ", direction, own))
    assert _runs(ours) == _runs(theirs) > 10 * LINES
