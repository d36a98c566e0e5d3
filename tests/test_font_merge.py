"""The join's font merge (`render.subset_merge`, `render.joined_fonts`) on WeasyPrint's own subsets.

Two documents in the same font with different words give two subsets that keep
glyph ids; the merge must hold every glyph either holds, byte for byte, and be
a font another reader (fontTools) reads; anything else is refused, so that the
join leaves such fonts as they were.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
import weasyprint
from fontTools.ttLib import TTFont

from gap_analysis.render.subset_merge import NotMergeable, merge_subsets

FONT = Path(__file__).parents[1] / "gap_analysis/render/static/fonts/NotoSans-Regular.ttf"
STYLE = (
    f"<style>@font-face {{ font-family: Bundled; src: url({FONT.as_uri()}) }}"
    " body { font-family: Bundled }</style>"
)
"""The report's bundled sans-serif: a TrueType font on every machine."""


def _subset(text: str) -> bytes:
    pdf = weasyprint.HTML(string=f"{STYLE}<p>{text}</p>").write_pdf()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    (font,) = reader.pages[0]["/Resources"]["/Font"].values()
    descendant = font.get_object()["/DescendantFonts"][0].get_object()
    return bytes(descendant["/FontDescriptor"]["/FontFile2"].get_data())


def _glyphs(data: bytes) -> dict[int, bytes]:
    font = TTFont(io.BytesIO(data))
    glyf = font["glyf"]
    found = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        glyph = glyf[name]
        if glyph.numberOfContours != 0:
            found[gid] = glyph.compile(glyf, recalcBBoxes=False)
    return found


def test_the_merged_font_holds_every_glyph_of_each_subset() -> None:
    one, two = _subset("Quick brown fox"), _subset("jumps over 2 lazy dogs!")
    merged = merge_subsets([one, two])
    first, second, both = _glyphs(one), _glyphs(two), _glyphs(merged)
    assert set(first) != set(second)
    assert set(both) == set(first) | set(second)
    for gid, glyph in (first | second).items():
        assert both[gid] == glyph, gid
    font = TTFont(io.BytesIO(merged))
    assert font["maxp"].numGlyphs == max(
        TTFont(io.BytesIO(d))["maxp"].numGlyphs for d in (one, two)
    )
    metrics = font["hmtx"].metrics
    assert all(metrics[font.getGlyphName(gid)][0] > 0 for gid in both if gid)


def test_what_is_not_a_truetype_subset_is_refused() -> None:
    with pytest.raises(NotMergeable):
        merge_subsets([b"OTTO" + bytes(60)])
    with pytest.raises(NotMergeable):
        merge_subsets([b"\0\1\0\0\0\1" + bytes(10)])


def test_fonts_of_another_shape_are_left_as_they_are() -> None:
    """A font embedded otherwise (here: its file as `/FontFile3`, as a CFF font would be, or no
    `ToUnicode`) is not merged and does not stop the join."""
    from pypdf.generic import NameObject

    from gap_analysis.render.joined_fonts import merge_fonts

    for change in ("/FontFile2", "/ToUnicode"):
        writer = pypdf.PdfWriter()
        for text in ("Quick brown fox", "jumps over"):
            pdf = weasyprint.HTML(string=f"{STYLE}<p>{text}</p>").write_pdf()
            writer.append(pypdf.PdfReader(io.BytesIO(pdf)))
        files = set()
        for page in writer.pages:
            (font,) = page["/Resources"]["/Font"].values()
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            if change == "/ToUnicode":
                del font["/ToUnicode"]
            else:
                descriptor[NameObject("/FontFile3")] = descriptor.raw_get("/FontFile2")
                del descriptor["/FontFile2"]
            files.add(id(descriptor))
        merge_fonts(writer)
        descendants = {
            next(iter(page["/Resources"]["/Font"].values()))
            .get_object()["/DescendantFonts"][0]
            .idnum
            for page in writer.pages
        }
        assert len(files) == 2 and len(descendants) == 2, change  # each its own, as written
        out = io.BytesIO()
        writer.write(out)
        if change != "/ToUnicode":
            texts = [page.extract_text() for page in pypdf.PdfReader(out).pages]
            assert texts == ["Quick brown fox", "jumps over"], change
