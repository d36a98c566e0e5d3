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

The parts have no margin boxes; each page of the margins' PDFs (the running
header and "Page X of Y" of the page with that number, `render.part_worker`)
is stamped on its page as a form XObject drawn after the page's own content,
where WeasyPrint draws margin boxes, with the page's graphics state restored
first (WeasyPrint leaves its flip of the y axis in place at the end of a page).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import cast

import pypdf
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from gap_analysis.errors import RenderError
from gap_analysis.render.part_pdf import Link

_STATE_ONLY = re.compile(rb"cm|[\s0-9.qQ-]")
"""What is left of a content stream that only saves, transforms and restores: nothing."""


def join(
    parts: Sequence[bytes], margins: Sequence[bytes], links: Sequence[Link], identifier: bytes
) -> bytes:
    """One PDF of `parts` in order, `margins`' pages stamped on its pages in order;
    `links` are (page index in the whole, anchor, rectangle)."""
    writer = pypdf.PdfWriter()
    first = None
    for data in parts:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if first is None:
            first = reader
        writer.append(reader, import_outline=True)
    assert first is not None
    _stamp(writer, margins)
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
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _stamp(writer: pypdf.PdfWriter, margins: Sequence[bytes]) -> None:
    index = 0
    for data in margins:
        for margin in pypdf.PdfReader(io.BytesIO(data)).pages:
            page = writer.pages[index]
            index += 1
            content = margin.get_contents()
            drawn = content.get_data() if content is not None else b""
            if not _STATE_ONLY.sub(b"", drawn):
                continue
            form = DecodedStreamObject()
            form.set_data(drawn)
            form[NameObject("/Type")] = NameObject("/XObject")
            form[NameObject("/Subtype")] = NameObject("/Form")
            form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in margin.mediabox)
            form[NameObject("/Resources")] = margin["/Resources"].clone(writer)
            resources = DictionaryObject(cast(DictionaryObject, page["/Resources"].get_object()))
            forms = resources.get("/XObject")
            forms = DictionaryObject(forms.get_object() if forms is not None else {})
            forms[NameObject("/GAMargins")] = writer._add_object(form)  # noqa: SLF001
            resources[NameObject("/XObject")] = forms
            page[NameObject("/Resources")] = resources
            before, after = DecodedStreamObject(), DecodedStreamObject()
            before.set_data(b"q\n")
            after.set_data(b"\nQ\nq /GAMargins Do Q\n")
            contents = page["/Contents"].get_object()
            own = (
                list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
            )
            page[NameObject("/Contents")] = ArrayObject(
                [writer._add_object(before), *own, writer._add_object(after)]  # noqa: SLF001
            )
    if index != len(writer.pages):
        raise RenderError(f"the margins have {index} pages for {len(writer.pages)} pages")
