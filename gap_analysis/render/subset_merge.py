"""Subsets of one TrueType font made one: the glyphs of every part of a parallel layout.

WeasyPrint embeds, in each PDF it writes, a subset of each font it used that
keeps every glyph at its original glyph id (HarfBuzz's `RETAIN_GIDS`): the
text draws glyph ids, and a glyph the part did not use is left empty. So the
subsets that the parts of one report embed differ only in which glyphs are
filled, and one font that fills each glyph any of them filled draws every
part's text as its own subset did, and as the serial build's one subset does.

The merge works on the font's bytes (the OpenType tables `glyf`, `loca`,
`hmtx`, `maxp`, `head`, `hhea`): fontTools decompiles every glyph of every
subset to do the same, which cost a 31-page report's join 0.8 s of CPU. A glyph
is copied as the bytes a subset holds (a composite glyph names its components
by glyph id, the same in every subset); the tables that summarise the glyphs
(`maxp`'s maxima, the bounding box in `head`, `hhea`'s extremes) take the
widest of the subsets', which is what summarising the union gives. The other
tables are the largest subset's; its `cmap` then maps that subset's characters
only, which no PDF reader uses for these fonts (CID-keyed TrueType is drawn by
glyph id; text is read from the PDF's `ToUnicode` map, merged with the fonts
by `render.joined_fonts`).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

_MAXP_FIELDS = 13
"""The 16-bit maxima of a version 1.0 `maxp` table after `numGlyphs` (maxPoints ...
maxComponentDepth)."""

_CHECKSUM_MAGIC = 0xB1B0AFBA


class NotMergeable(Exception):
    """The subsets are not TrueType subsets of one font with retained glyph ids."""


@dataclass(frozen=True)
class _Subset:
    tables: dict[bytes, bytes]
    sfnt_version: bytes
    glyphs: list[bytes]
    """Each glyph's `glyf` bytes, by glyph id (empty: not in this subset)."""
    metrics: list[tuple[int, int]]
    """Each glyph's advance width and left side bearing."""


def merge_subsets(subsets: Sequence[bytes]) -> bytes:
    """One font holding every glyph any of `subsets` holds, at the same glyph ids."""
    read = [_read(data) for data in subsets]
    base = max(read, key=lambda subset: len(subset.glyphs))
    for other in read:
        if other.tables[b"head"][18:36] != base.tables[b"head"][18:36]:  # unitsPerEm, dates
            raise NotMergeable("subsets of different fonts")
    glyphs, metrics = list(base.glyphs), list(base.metrics)
    for other in read:
        for gid, glyph in enumerate(other.glyphs):
            if glyph and not glyphs[gid]:
                glyphs[gid], metrics[gid] = glyph, other.metrics[gid]
    tables = dict(base.tables)
    glyf, offsets = bytearray(), []
    for glyph in glyphs:
        offsets.append(len(glyf))
        glyf += glyph + bytes(-len(glyph) % 4)
    offsets.append(len(glyf))
    tables[b"glyf"] = bytes(glyf)
    tables[b"loca"] = struct.pack(f">{len(offsets)}I", *offsets)
    tables[b"hmtx"] = b"".join(struct.pack(">Hh", *metric) for metric in metrics)
    tables[b"maxp"] = _widest_maxp([subset.tables[b"maxp"] for subset in read])
    tables[b"head"] = _widest_head([subset.tables[b"head"] for subset in read], base)
    tables[b"hhea"] = _widest_hhea([subset.tables[b"hhea"] for subset in read], len(metrics))
    return _write(base.sfnt_version, tables)


def _read(data: bytes) -> _Subset:
    try:
        version, count = data[:4], struct.unpack_from(">H", data, 4)[0]
        tables = {}
        for index in range(count):
            tag, _sum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
            tables[tag] = data[offset : offset + length]
        if version != b"\0\1\0\0" or not {b"glyf", b"loca", b"hmtx", b"hhea"} <= set(tables):
            raise NotMergeable("not a TrueType font with outlines")
        head, maxp, hhea = tables[b"head"], tables[b"maxp"], tables[b"hhea"]
        count = struct.unpack_from(">H", maxp, 4)[0]
        if len(maxp) < 6 + 2 * _MAXP_FIELDS or len(head) < 54 or len(hhea) < 36:
            raise NotMergeable("a table too short")
        long_loca = struct.unpack_from(">h", head, 50)[0] == 1
        loca = tables[b"loca"]
        if long_loca:
            offsets = list(struct.unpack_from(f">{count + 1}I", loca))
        else:
            offsets = [2 * o for o in struct.unpack_from(f">{count + 1}H", loca)]
        glyf = tables[b"glyf"]
        glyphs = [glyf[start:end] for start, end in pairwise(offsets)]
        long_metrics = struct.unpack_from(">H", hhea, 34)[0]
        hmtx = tables[b"hmtx"]
        if len(hmtx) < 4 * long_metrics:
            raise NotMergeable("a table too short")
        # One pass in C, not one call per glyph: the subsets keep every glyph id of the font.
        metrics = list(struct.iter_unpack(">Hh", hmtx[: 4 * long_metrics]))
        last = metrics[-1][0] if metrics else 0
        bearings = struct.unpack_from(f">{count - long_metrics}h", hmtx, 4 * long_metrics)
        metrics += [(last, bearing) for bearing in bearings]
    except struct.error as error:
        raise NotMergeable(f"a damaged font: {error}") from None
    return _Subset(tables, version, glyphs, metrics)


def _widest_maxp(tables: list[bytes]) -> bytes:
    fields = [struct.unpack_from(f">{_MAXP_FIELDS}H", table, 6) for table in tables]
    widest = [max(values) for values in zip(*fields, strict=True)]
    base = max(tables, key=lambda table: struct.unpack_from(">H", table, 4)[0])
    return base[:6] + struct.pack(f">{_MAXP_FIELDS}H", *widest) + base[6 + 2 * _MAXP_FIELDS :]


def _widest_head(tables: list[bytes], base: _Subset) -> bytes:
    boxes = [struct.unpack_from(">4h", table, 36) for table in tables]
    boxes = [box for box in boxes if box[0] < box[2]] or boxes  # a subset with no outline
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    head = bytearray(base.tables[b"head"])
    struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set by _write
    struct.pack_into(">4h", head, 36, *box)
    struct.pack_into(">h", head, 50, 1)  # long offsets in loca
    return bytes(head)


def _widest_hhea(tables: list[bytes], long_metrics: int) -> bytes:
    fields = [struct.unpack_from(">Hhhh", table, 10) for table in tables]
    hhea = bytearray(max(tables, key=lambda table: struct.unpack_from(">H", table, 10)[0]))
    struct.pack_into(
        ">Hhhh",
        hhea,
        10,
        max(f[0] for f in fields),
        min(f[1] for f in fields),
        min(f[2] for f in fields),
        max(f[3] for f in fields),
    )
    struct.pack_into(">H", hhea, 34, long_metrics)
    return bytes(hhea)


def _write(version: bytes, tables: dict[bytes, bytes]) -> bytes:
    """The font file: its table directory, then each table on a 4-byte boundary, with the
    checksums the OpenType format asks for."""
    tags = sorted(tables)
    power = 1 << (len(tags).bit_length() - 1)
    header = version + struct.pack(
        ">HHHH", len(tags), power * 16, power.bit_length() - 1, len(tags) * 16 - power * 16
    )
    offset = len(header) + 16 * len(tags)
    records, body = [], bytearray()
    for tag in tags:
        data = tables[tag]
        records.append(struct.pack(">4sIII", tag, _checksum(data), offset + len(body), len(data)))
        body += data + bytes(-len(data) % 4)
    font = bytearray(header + b"".join(records) + body)
    head_at = offset + sum(
        len(tables[t]) + (-len(tables[t]) % 4) for t in tags[: tags.index(b"head")]
    )
    struct.pack_into(
        ">I", font, head_at + 8, (_CHECKSUM_MAGIC - _checksum(bytes(font))) & 0xFFFFFFFF
    )
    return bytes(font)


def _checksum(data: bytes) -> int:
    padded = data + bytes(-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) & 0xFFFFFFFF
