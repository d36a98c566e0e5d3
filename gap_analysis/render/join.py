"""Part PDFs joined into one (pypdf): pages, named destinations, outline, links, metadata.

Each part's PDF is WeasyPrint's own; what joining must redo is what spans
parts: links to an anchor in another part (WeasyPrint drops a link whose
anchor is not in its document, so the worker reports it and it is added back
here as WeasyPrint writes one: a `/Link` with a named `/Dest`), the named
destinations (pypdf merges every part's), the outline (every part's
bookmarks, in order; each part starts with a level-1 heading, so the tree is
the serial one), and the document information (every part carries the same,
from the same `<head>`; the first part's is kept). The identifier is the one
the serial build would write, so the same HTML gives the same bytes.

The parts have no margin boxes; the margins' PDFs hold them (`render.part_worker`,
`render.parallel`): each page of the document gets its stamps, pages of those
PDFs, drawn after the page's own content in its content stream, in order,
where WeasyPrint draws margin boxes, with the page's graphics state restored
first (WeasyPrint leaves its flip of the y axis in place at the end of a page)
and the stamps' resources renamed apart. The resources of a stamp that several
pages share (the running header of every page of a name) are one copy.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import cast

import pypdf
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from gap_analysis.errors import RenderError
from gap_analysis.render.compact_pdf import write_compact
from gap_analysis.render.joined_fonts import merge_fonts
from gap_analysis.render.part_pdf import Link

_STATE_ONLY = re.compile(rb"cm|[\s0-9.qQ-]")
"""What is left of a content stream that only saves, transforms and restores: nothing."""


Stamp = tuple[int, int]
"""(index of a margins PDF, page index in it)."""


def read_part(data: bytes) -> pypdf.PdfReader:
    """A part's (or margins') PDF read with every object parsed, ready for `join`.

    Parsing is most of a join's work (pypdf reads objects lazily, when `append` copies
    them): `render.parallel` reads each part as it arrives, while the workers lay out
    the others, so the join after the last part mostly copies.
    """
    reader = pypdf.PdfReader(io.BytesIO(data))
    for generation, numbers in reader.xref.items():
        for number in numbers:
            reader.get_object(IndirectObject(number, generation, reader))
    for number in reader.xref_objStm:
        reader.get_object(IndirectObject(number, 0, reader))
    return reader


def started(early: Sequence[pypdf.PdfReader]) -> pypdf.PdfWriter:
    """The join's first step: the parts that are not late (see `join`) appended in order, with
    their outlines, named destinations and own links, and their fonts merged (the join merges
    these with the late parts' and the margins'); `render.parallel` has it made while the
    late ones are laid out again."""
    writer = pypdf.PdfWriter()
    for reader in early:
        writer.append(reader, import_outline=True)
    merge_fonts(writer)
    return writer


def join(
    parts: Sequence[pypdf.PdfReader],
    margins: Sequence[pypdf.PdfReader],
    stamps: Sequence[Sequence[Stamp]],
    links: Sequence[Link],
    identifier: bytes,
    late: frozenset[int] = frozenset(),
    writer: pypdf.PdfWriter | None = None,
) -> bytes:
    """One PDF of `parts` (`read_part`) in order; `stamps[i]` are the pages of `margins` drawn
    on page i, in order; `links` are (page index in the whole, anchor, rectangle).

    The parts not in `late` are appended first (`started`: `writer`, if given, holds them),
    then each of `late` is inserted at its place, and the outline put in the parts' order:
    the same document as all appended in order, and, since which parts are late is decided
    by their page references (`render.parallel`), not by when they were laid out, the same
    bytes on every run. Should a late part name a destination that another part names too
    (the first in the document wins), all are appended in order.
    """
    if writer is None:
        writer = started([part for index, part in enumerate(parts) if index not in late])
    if late:
        taken = _names(writer)
        if any(taken.intersection(parts[index].named_destinations) for index in late):
            writer = started(parts)
        else:
            _insert_late(writer, parts, late)
    first = parts[0]
    _stamp(writer, margins, stamps)
    merge_fonts(writer)
    if first.metadata is not None:
        writer.add_metadata(dict(first.metadata))
    root = cast(DictionaryObject, first.trailer["/Root"])
    for key in ("/Lang", "/PageMode", "/ViewerPreferences", "/MarkInfo"):
        if key in root:
            writer._root_object[NameObject(key)] = root[key]  # noqa: SLF001 - no public setter
    for page_index, anchor, (x1, y1, x2, y2) in links:
        page = writer.pages[page_index]
        annotation = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(FloatObject(v) for v in (x1, y1, x2, y2)),
                NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
                NameObject("/Dest"): TextStringObject(anchor),
            }
        )
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        annotations = cast(ArrayObject, page["/Annots"])
        annotations.append(writer._add_object(annotation))  # noqa: SLF001 - pypdf's way to add one
    writer._ID = ArrayObject([ByteStringObject(identifier), ByteStringObject(identifier)])  # noqa: SLF001
    with _names_written_once():
        return write_compact(writer)


@contextmanager
def _names_written_once() -> Iterator[None]:
    """While writing, each name's bytes are made once: pypdf escapes a name character by
    character every time it writes one (a fifth of a 250-page join's CPU), and a joined report
    writes the same few hundred names tens of thousands of times. The bytes are pypdf's own."""
    original = NameObject.renumber
    made: dict[str, bytes] = {}

    def renumber(self: NameObject) -> bytes:
        found = made.get(self)
        if found is None:
            found = made[str(self)] = original(self)
        return found

    NameObject.renumber = renumber  # type: ignore[method-assign]
    try:
        yield
    finally:
        NameObject.renumber = original  # type: ignore[method-assign]


def _stamp(
    writer: pypdf.PdfWriter,
    readers: Sequence[pypdf.PdfReader],
    stamps: Sequence[Sequence[Stamp]],
) -> None:
    if len(stamps) != len(writer.pages):
        raise RenderError(f"the margins have {len(stamps)} pages for {len(writer.pages)} pages")
    made: dict[Stamp, _Drawn | None] = {}
    for page, own_stamps in zip(writer.pages, stamps, strict=True):
        drawn = []
        for stamp in own_stamps:
            if stamp not in made:
                made[stamp] = _drawn(writer, readers, stamp, len(made))
            if made[stamp] is not None:
                drawn.append(made[stamp])
        if not drawn:
            continue
        resources = DictionaryObject(cast(DictionaryObject, page["/Resources"].get_object()))
        for one in drawn:
            assert one is not None
            for category, entries in one.resources.items():
                found = resources.get(category)
                merged = DictionaryObject(found.get_object() if found is not None else {})
                merged.update(entries)
                resources[NameObject(category)] = merged
        page[NameObject("/Resources")] = resources
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(b"\nQ\n" + b"".join(b"q\n" + one.content + b"\nQ\n" for one in drawn if one))
        contents = page["/Contents"].get_object()
        own = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        page[NameObject("/Contents")] = ArrayObject(
            [writer._add_object(before), *own, writer._add_object(after.flate_encode())]  # noqa: SLF001
        )


def _names(writer: pypdf.PdfWriter) -> set[str]:
    """The named destinations `writer` holds (read, not made: pypdf's getter adds the tree)."""
    names = writer.root_object.get("/Names")
    dests = names.get_object().get("/Dests") if names is not None else None
    array = dests.get_object().get("/Names") if dests is not None else None
    return {str(name) for name in array[::2]} if isinstance(array, ArrayObject) else set()


def _insert_late(
    writer: pypdf.PdfWriter, parts: Sequence[pypdf.PdfReader], late: frozenset[int]
) -> None:
    """Each late part's pages inserted where its place in the document is (after the parts
    before it), then the outline's top items ordered by the part their page is in (each part
    starts with a level-1 heading: its items are top items, in order, with their children)."""
    starts = [0]
    for part in parts:
        starts.append(starts[-1] + len(part.pages))
    for index in sorted(late):
        writer.merge(starts[index], parts[index], import_outline=True)
    outline = writer.root_object.get("/Outlines")
    if outline is None:
        return
    root = cast(pypdf.generic.TreeObject, outline.get_object())
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(writer.pages)}  # type: ignore[union-attr]
    items = list(root.children())

    def part_of(item: DictionaryObject) -> int:
        destination = item.get("/Dest")
        page = destination[0] if isinstance(destination, ArrayObject) and destination else None
        number = pages.get(page.idnum, 0) if isinstance(page, IndirectObject) else 0
        return bisect.bisect_right(starts, number) - 1

    ordered = sorted(items, key=part_of)
    if ordered == items:
        return
    references = [cast(IndirectObject, item.indirect_reference) for item in ordered]
    root[NameObject("/First")], root[NameObject("/Last")] = references[0], references[-1]
    for index, item in enumerate(ordered):
        item.pop(NameObject("/Prev"), None)
        item.pop(NameObject("/Next"), None)
        if index:
            item[NameObject("/Prev")] = references[index - 1]
        if index + 1 < len(ordered):
            item[NameObject("/Next")] = references[index + 1]


@dataclass(frozen=True, slots=True)
class _Drawn:
    """A margins page ready to be drawn on a page: its content, its resources renamed apart."""

    content: bytes
    resources: dict[str, dict[NameObject, PdfObject]]


def _drawn(
    writer: pypdf.PdfWriter, readers: Sequence[pypdf.PdfReader], stamp: Stamp, number: int
) -> _Drawn | None:
    """The margins page `stamp`, its resources named `/GA<number>-<name>` (so that they do not
    meet the page's own or another stamp's); None if it draws nothing.

    Drawn in the page's own content stream, as WeasyPrint draws margin boxes, not as a form
    XObject: text extraction reads one stream as one (a form is read as a block apart).
    The names are replaced in the content's bytes: WeasyPrint writes text as hex strings, so a
    resource's name there is an operand, never text.
    """
    margin = readers[stamp[0]].pages[stamp[1]]
    content = margin.get_contents()
    data = content.get_data() if content is not None else b""
    if not _STATE_ONLY.sub(b"", data):
        return None
    own = cast(DictionaryObject, margin["/Resources"].clone(writer).get_object())
    renamed: dict[bytes, bytes] = {}
    resources: dict[str, dict[NameObject, PdfObject]] = {}
    for category, entries in own.items():
        entries = cast(DictionaryObject, entries.get_object())
        resources[category] = {}
        for name, value in entries.items():
            new = f"/GA{number}-{name[1:]}"
            renamed[name.encode()] = new.encode()
            resources[category][NameObject(new)] = value
    if renamed:
        names = re.compile(
            b"(" + b"|".join(re.escape(n) for n in sorted(renamed, key=len, reverse=True)) + b")"
            rb"(?=[\s\[\]<>()/{}%]|$)"
        )
        data = names.sub(lambda found: renamed[found.group(1)], data)
    return _Drawn(data, resources)
