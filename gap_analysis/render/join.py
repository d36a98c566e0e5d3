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
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import cast

import pypdf
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

Link = tuple[int, str, tuple[float, float, float, float]]


def join(parts: Sequence[bytes], links: Sequence[Link], identifier: bytes) -> bytes:
    """One PDF of `parts` in order; `links` are (page index in the whole, anchor, rectangle)."""
    writer = pypdf.PdfWriter()
    first = None
    for data in parts:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if first is None:
            first = reader
        writer.append(reader, import_outline=True)
    assert first is not None
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
