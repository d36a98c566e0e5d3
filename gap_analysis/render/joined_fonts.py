"""One embedded font for each font of a joined PDF (`render.join`), as the serial build embeds.

Each part of a parallel layout, and each margins PDF, embeds its own subset
of every font it used: a joined report would carry as many copies of a font
as it has parts (2.3-3.1 times the serial PDF's size). WeasyPrint names a font
by what it is (`/ABCDEF+Family`, the tag a hash of Pango's description), and
its subsets keep every glyph at its id (`render.subset_merge`), so the fonts of
one name are merged here into one: the glyphs of all their subsets, their
widths (`/W`) and their `ToUnicode` maps together; every part's font
dictionary is pointed at it and the copies are dropped. What WeasyPrint derives
from the widths (the descriptor's box and fixed-pitch flag) is derived again
from all of them, as its serial build derives it from its one subset.

Only the fonts WeasyPrint writes for vector TrueType fonts are merged (`Type0`,
`Identity-H`, one `CIDFontType2` with a `FontFile2`); any other shape, or
subsets that do not merge, are left as they are (a larger PDF, drawn the same).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

import pypdf
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from gap_analysis.render.subset_merge import NotMergeable, merge_subsets

_FIXED_PITCH = 1
"""The descriptor's flag for a font whose glyphs are all as wide."""

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
_CMAP_HEAD = (
    b"/CIDInit /ProcSet findresource begin",
    b"12 dict begin",
    b"begincmap",
    b"/CIDSystemInfo",
    b"<< /Registry (Adobe)",
    b"/Ordering (UCS)",
    b"/Supplement 0",
    b">> def",
    b"/CMapName /Adobe-Identity-UCS def",
    b"/CMapType 2 def",
    b"1 begincodespacerange",
    b"<0000> <ffff>",
    b"endcodespacerange",
)
_CMAP_TAIL = (b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end")
"""A `ToUnicode` map written as WeasyPrint writes one (`weasyprint.pdf.fonts`)."""


@dataclass(frozen=True)
class _Copy:
    """One embedded copy of a font: its descendant font, descriptor, file and map."""

    cid: IndirectObject
    descriptor: IndirectObject
    file: IndirectObject
    to_unicode: IndirectObject


def merge_fonts(writer: pypdf.PdfWriter) -> None:
    """Point every font dictionary of `writer` that names the same font at one merged copy."""
    groups: dict[str, list[DictionaryObject]] = {}
    for obj in writer._objects:  # noqa: SLF001 - pypdf has no public list of its objects
        if isinstance(obj, DictionaryObject) and obj.get("/Subtype") == "/Type0":
            groups.setdefault(str(obj.get("/BaseFont")), []).append(obj)
    for fonts in groups.values():
        copies = _copies(fonts)
        if copies is not None and len(copies) > 1:
            _merge(writer, fonts, copies)


def _copies(fonts: list[DictionaryObject]) -> list[_Copy] | None:
    """The distinct copies the fonts use, in order; None if one is not of the shape merged."""
    found: dict[int, _Copy] = {}
    try:
        for font in fonts:
            descendants = font.get("/DescendantFonts")
            if (
                font.get("/Encoding") != "/Identity-H"
                or not isinstance(descendants, ArrayObject)
                or len(descendants) != 1
            ):
                return None
            cid_ref = _ref(descendants[0])
            cid = _dictionary(cid_ref)
            if cid.get("/Subtype") != "/CIDFontType2" or cid.get("/CIDToGIDMap") != "/Identity":
                return None
            descriptor_ref = _ref(_entry(cid, "/FontDescriptor"))
            descriptor = _dictionary(descriptor_ref)
            if "/CIDSet" in descriptor:
                return None
            copy = _Copy(
                cid_ref,
                descriptor_ref,
                _ref(_entry(descriptor, "/FontFile2")),
                _ref(_entry(font, "/ToUnicode")),
            )
            found.setdefault(copy.file.idnum, copy)
    except NotMergeable:
        return None
    return list(found.values())


def _merge(writer: pypdf.PdfWriter, fonts: list[DictionaryObject], copies: list[_Copy]) -> None:
    texts: dict[int, bytes] = {}
    try:
        merged = merge_subsets([_data(copy.file) for copy in copies])
        widths = _widths([_dictionary(copy.cid).get("/W") for copy in copies])
        for copy in copies:
            for glyph, text in _BFCHAR.findall(_data(copy.to_unicode)):
                texts.setdefault(int(glyph, 16), text)
    except NotMergeable:
        return

    file = _stream(merged)
    file[NameObject("/Length1")] = NumberObject(len(merged))
    descriptor = DictionaryObject(_dictionary(copies[0].descriptor))
    box = cast(ArrayObject, descriptor["/FontBBox"])
    widest = max(widths.values(), key=_number)
    descriptor[NameObject("/FontBBox")] = ArrayObject([box[0], box[1], widest, box[3]])
    flags = int(cast(NumberObject, descriptor["/Flags"])) & ~_FIXED_PITCH
    if len(widths) > 1 and len({_number(w) for w in widths.values()}) == 1:
        flags |= _FIXED_PITCH
    descriptor[NameObject("/Flags")] = NumberObject(flags)
    descriptor[NameObject("/FontFile2")] = writer._add_object(file)  # noqa: SLF001
    cid = DictionaryObject(_dictionary(copies[0].cid))
    cid[NameObject("/W")] = _widths_array(widths)
    cid[NameObject("/FontDescriptor")] = writer._add_object(descriptor)  # noqa: SLF001
    cid_ref = writer._add_object(cid)  # noqa: SLF001
    to_unicode = writer._add_object(_stream(_cmap(texts)))  # noqa: SLF001
    for font in fonts:
        font[NameObject("/DescendantFonts")] = ArrayObject([cid_ref])
        font[NameObject("/ToUnicode")] = to_unicode
    for copy in copies:  # referenced by nothing else: dropped from the file
        for ref in (copy.cid, copy.descriptor, copy.file, copy.to_unicode):
            writer._objects[ref.idnum - 1] = None  # noqa: SLF001


def _entry(dictionary: DictionaryObject, key: str) -> PdfObject | None:
    """The entry as written (a reference stays one), None if there is none."""
    return dictionary.raw_get(key) if key in dictionary else None


def _ref(value: PdfObject | None) -> IndirectObject:
    if not isinstance(value, IndirectObject):
        raise NotMergeable("a font's part written in place, not as an object")
    return value


def _dictionary(ref: IndirectObject) -> DictionaryObject:
    found = ref.get_object()
    if not isinstance(found, DictionaryObject):
        raise NotMergeable("not a dictionary")
    return found


def _data(ref: IndirectObject) -> bytes:
    found = ref.get_object()
    if not isinstance(found, StreamObject):
        raise NotMergeable("not a stream")
    return found.get_data()


def _number(value: PdfObject) -> float:
    if not isinstance(value, (NumberObject, FloatObject)):
        raise NotMergeable("a width that is not a number")
    return float(value)


def _widths(arrays: list[PdfObject | None]) -> dict[int, PdfObject]:
    """Each glyph's width from `/W` arrays of the form WeasyPrint writes (`first [w w ...]`)."""
    widths: dict[int, PdfObject] = {}
    for array in arrays:
        items = array.get_object() if array is not None else None
        if not isinstance(items, ArrayObject) or len(items) % 2:
            raise NotMergeable("a /W array not of pairs")
        for first, run in zip(items[::2], items[1::2], strict=True):
            run = run.get_object()
            if not isinstance(first, NumberObject) or not isinstance(run, ArrayObject):
                raise NotMergeable("a /W range of one width")
            for offset, width in enumerate(run):
                _number(width)
                widths.setdefault(int(first) + offset, width)
    if not widths:
        raise NotMergeable("no widths")
    return widths


def _widths_array(widths: dict[int, PdfObject]) -> ArrayObject:
    array = ArrayObject()
    run = ArrayObject()
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            run = ArrayObject()
            array.extend([NumberObject(glyph), run])
        run.append(widths[glyph])
    return array


def _cmap(texts: dict[int, bytes]) -> bytes:
    lines = list(_CMAP_HEAD)
    glyphs = sorted(texts)
    for start in range(0, len(glyphs), 100):
        batch = glyphs[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, texts[glyph].lower()) for glyph in batch]
        lines.append(b"endbfchar")
    lines += _CMAP_TAIL
    return b"\n".join(lines)


def _stream(data: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()
