"""One worker process of the parallel layout: parts laid out now, numbered and written later.

WeasyPrint lays out all pages of a document, then makes the margin boxes (the
running header, "Page X of Y") in a last pass over the pages
(`weasyprint.layout.layout_document`). Here that last pass is held back:
`layout` records what `make_margin_boxes` was called with and keeps the laid-out
document in this process (its pages hold Pango objects, which cannot leave
it); `finish` makes the margin boxes once the part's first page number and the
document's page count are known, with WeasyPrint's own function and page
state, the page counter set to the page's number in the whole document, then
writes the part's PDF. A part's body never depends on its page numbers (the
stylesheet is checked for that by `render.parts.why_serial`), so this is the
page the serial build lays out.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import weasyprint
import weasyprint.layout
from weasyprint.css.targets import anchor_name_from_token
from weasyprint.layout.background import layout_box_backgrounds

from gap_analysis.render.fetcher import SNAPSHOT_BASE, Refused, SnapshotFetcher
from gap_analysis.render.pdf import captured, finish_streams

SCALE = 0.75
"""PDF points per CSS pixel (WeasyPrint's, at zoom 1)."""


@dataclass(frozen=True, slots=True)
class Laid:
    """What the coordinator learns from a part's layout."""

    pages: int
    anchors: tuple[tuple[str, ...], ...]
    """The anchors of each page, in the order WeasyPrint resolves them (the first of a name wins)."""
    missing: tuple[str, ...]
    """Anchors a page reference (`target-counter`) named that the part does not hold."""
    refused: tuple[Refused, ...]
    messages: tuple[str, ...]
    failed_images: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Written:
    pdf: bytes
    links: tuple[tuple[int, str, tuple[float, float, float, float]], ...]
    """(page index, anchor, PDF rectangle) of each link to an anchor outside the part."""
    messages: tuple[str, ...]


@dataclass
class _Held:
    document: Any
    margins: list[tuple[Any, Any, Any]]


class Worker:
    """The laid-out parts this process holds, by the key the coordinator gave them."""

    def __init__(self, images: dict[str, bytes]) -> None:
        self._read = images.__getitem__
        self._held: dict[str, _Held] = {}

    def layout(self, key: str, html: str) -> Laid:
        fetcher = SnapshotFetcher(self._read)
        margins: list[tuple[Any, Any, Any]] = []
        missing: list[str] = []
        with captured() as capture, _deferred_margins(margins), _missing_targets(missing):
            document = weasyprint.HTML(
                string=html, base_url=SNAPSHOT_BASE, url_fetcher=fetcher
            ).render()
        self._held[key] = _Held(document, margins)
        return Laid(
            len(document.pages),
            tuple(tuple(page.anchors) for page in document.pages),
            tuple(dict.fromkeys(missing)),
            tuple(fetcher.refused),
            tuple(capture.messages),
            tuple(dict.fromkeys(capture.failed_images)),
        )

    def finish(self, key: str, first_page: int, total: int, identifier: bytes) -> Written:
        """Margin boxes numbered from `first_page` of `total`, then the part's PDF."""
        held = self._held.pop(key)
        for index, (context, page, state) in enumerate(held.margins):
            numbered = copy.deepcopy(state)
            numbered[1]["page"] = [first_page + index]
            numbered[1]["pages"] = [total]
            context.current_page = index + 1
            boxes = list(_MAKE_MARGIN_BOXES(context, page, numbered))
            page.children = (*page.children, *boxes)
            for box in boxes:
                layout_box_backgrounds(page, box, context.get_image_from_uri)
        document = held.document
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
        with captured() as capture:
            pdf = document.write_pdf(
                pdf_identifier=identifier, custom_metadata=True, finisher=finish_streams
            )
        messages = tuple(m for m in capture.messages if not m.startswith("No anchor #"))
        return Written(bytes(pdf), tuple(links), messages)

    def drop(self, key: str) -> None:
        self._held.pop(key, None)


_MAKE_MARGIN_BOXES: Callable[..., Iterator[Any]] = weasyprint.layout.make_margin_boxes


@contextmanager
def _deferred_margins(into: list[tuple[Any, Any, Any]]) -> Iterator[None]:
    """During one layout, margin boxes are not made; their arguments are kept, in page order."""

    def record(context: Any, page: Any, state: Any) -> list[Any]:
        into.append((context, page, state))
        return []

    weasyprint.layout.make_margin_boxes = record
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
