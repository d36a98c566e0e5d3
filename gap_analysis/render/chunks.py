"""A part with a very long table cut into chunks of rows, each laid out as its own document.

One WeasyPrint document keeps every page's boxes until it is written (about
1.2 MB a page for the comments annex), so a 2,500-page annex cannot be laid
out under 1 GB in one piece. A table can be cut where the serial layout cuts
it, because of how such a table is made (`render.comments_html`):
`table-layout: fixed` (the columns do not depend on the rows), the header
repeated on every page (`thead`), so each page of the table starts with the
header and then a row. A chunk of rows is laid out; its last page is dropped
(what follows the chunk could have shared it) and the next chunk starts with
the first row of that page, on a new page: the page breaks fall where the
serial build puts them. `render.part_worker` does the layout; this module is
the string work: which table can be cut, and the HTML of each chunk.

A continuation chunk is the part's section without its id (its anchor is in
the first chunk) and without what stands before the table (heading, intro),
then the table with its top margin set to 0: a table continued on a new page
has none (WeasyPrint slices it). The test suite compares the pages' text
and links with the serial build's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHUNK_ROWS = 600
"""Rows of a table laid out at once (about 150 pages of the comments annex, 180 MB of boxes);
a part whose table has more rows is laid out in chunks."""

CHUNK_MARK = "data-ga-chunk"
"""Attribute on the chunk's `<tbody>`, by which the worker finds the rows on each page."""

_FIXED_TABLE = re.compile(r"<table\b[^>]*\btable-layout:\s*fixed[^>]*>")
_SECTION_OPEN = re.compile(r"<section\b[^>]*>")
_ROW = re.compile(r"<tr[\s>]")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = {"br", "col", "hr", "img", "input", "link", "meta", "wbr", "source", "area", "base"}


@dataclass(frozen=True, slots=True)
class Chunkable:
    """A part's body around its long table: `start` + rows + `end` is the body."""

    section: str
    """What precedes the part's section (the watermark) and its opening tag without its id,
    which continuation chunks begin with."""
    start: str
    """The body up to and including the table's `<tbody>` (marked)."""
    table: str
    """The table's opening tag (top margin 0), colgroup, thead and marked `<tbody>`."""
    rows: tuple[str, ...]
    end: str
    """From `</tbody>` to the end of the body."""

    def html(self, head: str, first: int, last: int) -> str:
        """The document of rows `first` to `last` (exclusive); the first chunk keeps what precedes
        the table, every chunk keeps what follows it (its last page is dropped unless it is the last)."""
        opening = self.start if first == 0 else self.section + self.table
        return head + opening + "".join(self.rows[first:last]) + self.end + "</body>\n</html>\n"


def chunkable(body: str, rows_over: int) -> Chunkable | None:
    """The part's longest fixed-layout table cut into rows, if it has more than `rows_over` rows
    and stands directly in the part's section (so a continuation can be rebuilt); else None."""
    section = _SECTION_OPEN.search(body)
    if section is None or not _balanced(body[: section.start()]):
        return None
    best: Chunkable | None = None
    for table in _FIXED_TABLE.finditer(body):
        tbody = body.find("<tbody>", table.end())
        close = body.find("</tbody>", tbody)
        if tbody < 0 or close < 0 or "<table" in body[table.end() : close]:
            continue
        if not _balanced(body[section.end() : table.start()]):
            continue
        inner = body[tbody + len("<tbody>") : close]
        starts = [m.start() for m in _ROW.finditer(inner)]
        if len(starts) <= rows_over or inner[: starts[0]].strip():
            continue
        rows = tuple(inner[a:b] for a, b in zip(starts, [*starts[1:], len(inner)], strict=True))
        if best is not None and len(best.rows) >= len(rows):
            continue
        marked = f"<tbody {CHUNK_MARK}>"
        opening = _with_top_margin_zero(table.group(0))
        best = Chunkable(
            section=body[: section.start()] + re.sub(r'\s+id="[^"]*"', "", section.group(0)),
            start=body[:tbody] + marked,
            table=opening + body[table.end() : tbody] + marked,
            rows=rows,
            end=body[close:],
        )
    return best


def _with_top_margin_zero(tag: str) -> str:
    if 'style="' in tag:
        return tag.replace('style="', 'style="margin-top: 0; ', 1)
    return tag[:-1] + ' style="margin-top: 0">'


def _balanced(html: str) -> bool:
    """Whether `html` closes every element it opens (so the table is a child of the section)."""
    depth = 0
    for closing, name, self_closing in _TAG.findall(html):
        if name.lower() in _VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth < 0:
            return False
    return depth == 0
