"""A joined PDF written as WeasyPrint writes its own: objects packed in compressed object streams.

pypdf writes every object as plain text: a joined report's hundreds of link
annotations, page dictionaries and font dictionaries took 216 KB of the
31-page MASVS PDF (519 KB; the serial build's, whose objects WeasyPrint packs
into object streams, 271 KB). Here every object that is not a stream goes
into an object stream of at most `PER_STREAM` objects, compressed, and the
cross-reference table is a cross-reference stream, as PDF 1.5 allows and the
serial build does; each object is serialised by pypdf itself. Object numbers
are kept, so the same objects give the same bytes.
"""

from __future__ import annotations

import io
import struct
import zlib

import pypdf
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

PER_STREAM = 100
"""Objects in one object stream (WeasyPrint's writer, pydyf, packs them the same way)."""

_ENTRY = struct.Struct(">BIH")
"""One cross-reference entry: type, offset or object stream, generation or index (`/W [1 4 2]`)."""


def write_compact(writer: pypdf.PdfWriter) -> bytes:
    """The bytes of `writer`'s document, with object streams and a cross-reference stream."""
    writer._resolve_links()  # noqa: SLF001 - what pypdf's own write does first
    objects = writer._objects  # noqa: SLF001 - pypdf has no public list of its objects
    out = io.BytesIO()
    header = max(writer.pdf_header, "%PDF-1.5")  # object streams need 1.5
    out.write(header.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
    entries: list[tuple[int, int, int]] = [(0, 0, 0)] * (len(objects) + 1)
    free = [0]
    packed: list[int] = []
    for number, obj in enumerate(objects, start=1):
        if obj is None:
            free.append(number)
        elif isinstance(obj, StreamObject):
            entries[number] = (1, out.tell(), 0)
            _write_object(out, number, obj)
        else:
            packed.append(number)
    # The free objects, each naming the next (the last the first entry, as the format asks).
    for this, following in zip(free, [*free[1:], 0], strict=True):
        entries[this] = (0, following, 65535 if this == 0 else 1)
    next_number = len(objects) + 1
    for start in range(0, len(packed), PER_STREAM):
        batch = packed[start : start + PER_STREAM]
        body, offsets = io.BytesIO(), []
        for index, number in enumerate(batch):
            offsets.append(f"{number} {body.tell()}")
            objects[number - 1].write_to_stream(body)  # type: ignore[union-attr]
            body.write(b"\n")
            entries[number] = (2, next_number, index)
        head = " ".join(offsets).encode() + b"\n"
        data = zlib.compress(head + body.getvalue())
        entries.append((1, out.tell(), 0))
        _write_stream(out, next_number, f"/Type /ObjStm /N {len(batch)} /First {len(head)}", data)
        next_number += 1
    entries.append((1, out.tell(), 0))
    table = zlib.compress(b"".join(_ENTRY.pack(*entry) for entry in entries))
    trailer = DictionaryObject(
        {
            NameObject("/Root"): _reference(writer.root_object),
            NameObject("/W"): ArrayObject([NumberObject(n) for n in (1, 4, 2)]),
        }
    )
    if writer._info is not None:  # noqa: SLF001 - the document information, if any
        trailer[NameObject("/Info")] = writer._info.indirect_reference  # noqa: SLF001
    if writer._ID is not None:  # noqa: SLF001 - the identifier the join set
        trailer[NameObject("/ID")] = writer._ID  # noqa: SLF001
    keys = io.BytesIO()
    trailer.write_to_stream(keys)
    xref_at = entries[-1][1]
    _write_stream(
        out,
        next_number,
        f"/Type /XRef /Size {next_number + 1} {keys.getvalue()[2:-2].decode()}",
        table,
    )
    out.write(f"startxref\n{xref_at}\n%%EOF\n".encode())
    return out.getvalue()


def _write_object(out: io.BytesIO, number: int, obj: StreamObject) -> None:
    out.write(f"{number} 0 obj\n".encode())
    obj.write_to_stream(out)
    out.write(b"\nendobj\n")


def _write_stream(out: io.BytesIO, number: int, keys: str, data: bytes) -> None:
    out.write(
        f"{number} 0 obj\n<< {keys} /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode()
    )
    out.write(data + b"\nendstream\nendobj\n")


def _reference(obj: object) -> IndirectObject:
    found = getattr(obj, "indirect_reference", None)
    assert isinstance(found, IndirectObject)
    return found
