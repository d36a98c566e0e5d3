"""One worker process of the parallel layout: parts laid out and written at once; margins apart.

WeasyPrint lays out all pages of a document, then makes the margin boxes (the
running header, "Page X of Y") in a last pass over the pages
(`weasyprint.layout.layout_document`). A part is laid out here with that pass
left out (`make_margin_boxes` replaced by one that only notes each page's
name, e.g. `cover`) and written to PDF at once, so no laid-out page is kept
after its part (or its chunk, `render.chunks`) is written: the part's PDF
does not depend on its page numbers, the running header or the total. The
margin boxes of all pages are made afterwards (`margins`): blank pages of the
same names and stylesheet, laid out with the same pass held back and then run
with WeasyPrint's own function on a page state whose `page` counter is the
page's number in the whole document and `pages` the total; `render.join`
stamps them on the parts' pages. A part's body never depends on its page
numbers (the stylesheet is checked for that by `render.parts.why_serial`), so
both are what the serial build draws.
"""

from __future__ import annotations

import copy
import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import weasyprint
import weasyprint.layout
from weasyprint.css.targets import anchor_name_from_token
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.layout.background import layout_box_backgrounds
from weasyprint.text.fonts import FontConfiguration

from gap_analysis.render.chunks import CHUNK_MARK, Chunkable, chunkable
from gap_analysis.render.fetcher import SnapshotFetcher
from gap_analysis.render.kept_styles import Kept, kept_styles
from gap_analysis.render.part_pdf import Facts, Link, PartPdf
from gap_analysis.render.pdf import captured, finish_streams
from gap_analysis.render.resources import SNAPSHOT_BASE

SCALE = 0.75
"""PDF points per CSS pixel (WeasyPrint's, at zoom 1)."""


class Worker:
    def __init__(self, images: dict[str, bytes], chunk_rows: int) -> None:
        self._read = images.__getitem__
        self._chunk_rows = chunk_rows
        # One font configuration and one parse of the stylesheet for all the worker's parts
        # (`render.kept_styles` says why and what keeps each part's layout the same).
        self._fonts = FontConfiguration()
        self._kept: Kept = {}

    def layout(self, key: str, html: str, draft: bool = False) -> PartPdf:
        """The part's pages, written now; a part with a long table in chunks (`render.chunks`).

        A `draft` whose page references name anchors the part does not hold is not written
        (`PartPdf.pdfs` empty): it is laid out again with their numbers, and only what its
        layout taught (pages, anchors, names) is read.
        """
        del key
        fetcher = SnapshotFetcher(self._read)
        names: list[str] = []
        missing: list[str] = []
        head, rest = html.split("<body>", 1)
        body = rest.rsplit("</body>", 1)[0]
        cut = chunkable(body, self._chunk_rows)

        def note_name(_context: Any, page: Any, _state: Any) -> None:
            names.append(str(page.page_type.name or ""))  # the margins are made on its name

        with captured() as capture, _no_margin_boxes(note_name), _missing_targets(missing):
            if cut is None:
                document = self._render(html, fetcher)
                written = [_write(document, None, write=not (draft and missing))]
            else:
                written = list(self._chunks(head + "<body>", cut, fetcher, names))
        anchors = tuple(page for one in written for page in one[1])
        links, offset = [], 0
        for _pdf, pages, own_links in written:
            links += [(offset + page, anchor, rect) for page, anchor, rect in own_links]
            offset += len(pages)
        messages = tuple(m for m in capture.messages if not m.startswith("No anchor #"))
        return PartPdf(
            Facts(
                len(anchors), anchors, tuple(names[: len(anchors)]), tuple(dict.fromkeys(missing))
            ),
            tuple(pdf for pdf, _pages, _links in written if pdf),
            tuple(links),
            tuple(fetcher.refused),
            messages,
            tuple(dict.fromkeys(capture.failed_images)),
        )

    def _render(self, html: str, fetcher: SnapshotFetcher) -> Any:
        with kept_styles(self._kept):
            return weasyprint.HTML(string=html, base_url=SNAPSHOT_BASE, url_fetcher=fetcher).render(
                font_config=self._fonts
            )

    def _chunks(
        self, head: str, cut: Chunkable, fetcher: SnapshotFetcher, names: list[str]
    ) -> Iterator[tuple[bytes, tuple[tuple[str, ...], ...], tuple[Link, ...]]]:
        """Chunk by chunk: lay out, keep the pages before the last page's first row, write, free.

        A chunk with no such page (its rows all on one page, or one row over all its pages) is
        laid out again with twice the rows.
        """
        first, size = 0, self._chunk_rows
        while True:
            last = min(len(cut.rows), first + size)
            before = len(names)
            document = self._render(cut.html(head, first, last), fetcher)
            if last == len(cut.rows):
                yield _write(document, None)
                return
            restart = _restart(document)
            if restart is None:
                del names[before:], document
                size *= 2
                continue
            page, row = restart
            del names[before + page :]
            yield _write(document, page)
            first, size = first + row, self._chunk_rows
            del document
            gc.collect()

    def margins(
        self, key: str, html: str, first_page: int, total: int, order: tuple[int, ...]
    ) -> bytes:
        """The margin boxes of pages numbered from `first_page` of `total`, the page of each
        being a copy of the blank page `order` names in `html` (one per page name: the blank
        pages of a name are laid out alike, so one is laid out and copied)."""
        del key
        held: list[tuple[Any, Any, Any]] = []
        with captured(), _no_margin_boxes(lambda *state: held.append(state)):
            document = self._render(html, SnapshotFetcher(self._read))
        pages = []
        for index, blank in enumerate(order):
            context, laid_out, state = held[blank]
            page = laid_out.copy()
            numbered = copy.deepcopy(state)
            numbered[1]["page"] = [first_page + index]
            numbered[1]["pages"] = [total]
            context.current_page = index + 1
            made = list(_MAKE_MARGIN_BOXES(context, page, numbered))
            page.children = (*laid_out.children, *made)
            for box in made:
                layout_box_backgrounds(page, box, context.get_image_from_uri)
            pages.append(Page(page))
        with captured():
            pdf = document.copy(pages).write_pdf(finisher=finish_streams)
        return bytes(pdf)


def _restart(document: Any) -> tuple[int, int] | None:
    """(page, row): the last page but the first that begins with a whole row of the chunked
    table (not the rest of a row split over a page break, nor the chunk's first row), and that
    row's index in the chunk."""
    found = None
    previous_last = None
    for index, page in enumerate(document.pages):
        rows = _chunk_rows_of(page._page_box)  # noqa: SLF001 - the laid-out boxes of the page
        if rows:
            if index > 0 and rows[0][0] is not previous_last and rows[0][0] is not rows[0][1][0]:
                found = (index, list(rows[0][1]).index(rows[0][0]))
            previous_last = rows[-1][0]
    return found


def _chunk_rows_of(page_box: Any) -> list[Any]:
    """(row element, tbody element) of each row of the marked table on the page, in order."""
    for box in page_box.descendants():
        element = box.element if isinstance(box, boxes.TableRowGroupBox) else None
        if element is not None and element.get(CHUNK_MARK) is not None:
            return [(row.element, box.element) for row in box.children]
    return []


def _write(
    document: Any, keep: int | None, write: bool = True
) -> tuple[bytes, tuple[tuple[str, ...], ...], tuple[Link, ...]]:
    """The PDF of the first `keep` pages (all for None), their anchors, and their links to
    anchors outside them (WeasyPrint drops those; the join adds them back); no PDF (empty
    bytes) unless `write`."""
    if keep is not None:
        document = document.copy(document.pages[:keep])
    document.metadata.attachments = []
    own = {name for page in document.pages for name in page.anchors}
    links = []
    for index, page in enumerate(document.pages):
        page.links[:] = [link for link in page.links if link[0] != "attachment"]
        height = page.height * SCALE
        for kind, target, (x1, y1, x2, y2), _box in page.links:
            if kind == "internal" and target not in own:
                rect = (x1 * SCALE, height - y1 * SCALE, x2 * SCALE, height - y2 * SCALE)
                links.append((index, str(target), rect))
    pdf = document.write_pdf(custom_metadata=True, finisher=finish_streams) if write else b""
    anchors = tuple(tuple(page.anchors) for page in document.pages)
    return bytes(pdf), anchors, tuple(links)


_MAKE_MARGIN_BOXES: Callable[..., Iterator[Any]] = weasyprint.layout.make_margin_boxes


@contextmanager
def _no_margin_boxes(instead: Callable[[Any, Any, Any], object]) -> Iterator[None]:
    """During one layout, no margin boxes are made; `instead(context, page, state)` is called
    for each page, in page order."""

    def call(context: Any, page: Any, state: Any) -> list[Any]:
        instead(context, page, state)
        return []

    weasyprint.layout.make_margin_boxes = call
    try:
        yield
    finally:
        weasyprint.layout.make_margin_boxes = _MAKE_MARGIN_BOXES


class _MissingTargets(logging.Filter):
    def __init__(self, into: list[str]) -> None:
        super().__init__()
        self.into = into

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Content discarded: target points to undefined anchor"):
            name = anchor_name_from_token(record.args[0]) if record.args else None  # type: ignore[index]
            if name:
                self.into.append(str(name))
        return True


@contextmanager
def _missing_targets(into: list[str]) -> Iterator[None]:
    """Page references to anchors outside the part, read from WeasyPrint's own error."""
    logger = logging.getLogger("weasyprint")
    found = _MissingTargets(into)
    for handler in logger.handlers:
        handler.addFilter(found)
    try:
        yield
    finally:
        for handler in logger.handlers:
            handler.removeFilter(found)
