"""Parallel, incremental layout: parts laid out in worker processes, joined, margins stamped.

The plan (docs/architecture.md, "Parallel layout", says why and where it stops):

1. `render.parts` cuts the serial build's HTML into parts that each start on a
   new page (front matter, each chapter, each annex).
2. Every part is laid out in a worker (`render.part_worker`) without margin
   boxes and written to PDF at once (a part with a very long table, in chunks:
   `render.chunks`); the worker reports its page count, each page's anchors and
   name, and the anchors its page references (`target-counter`) could not find.
3. A part that needs page numbers of other parts (the contents, the gap
   register) is laid out again with those numbers written in, until no page
   count changes (a fixed point, as WeasyPrint's own repagination).
4. The total is now known: the margin boxes of every page (running header,
   "Page X of Y") are made on blank pages of the same names, numbered, in slices
   of `MARGIN_PAGES`; `render.join` joins the parts and stamps the margins.

Incremental: each part's PDF and what its layout taught are kept under the key
of its input (`PartStore`, a cache the caller keeps), which holds neither its
page numbers nor the running header: a rebuild after an edit to one chapter
lays out that chapter, plus the parts whose page references moved (the
contents); the margins are made again only when the total or the header changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from gap_analysis.render.chunks import CHUNK_ROWS, chunkable
from gap_analysis.render.document import Document
from gap_analysis.render.part_pdf import Facts, PartPdf
from gap_analysis.render.parts import Split, margins_html, split, why_serial, with_numbers

if TYPE_CHECKING:
    from gap_analysis.render.document import PdfOutput

MAX_ROUNDS = 8
"""Rounds of re-laying out parts with page references before the build goes serial."""

MARGIN_PAGES = 200
"""Pages whose margin boxes one worker makes at once (a blank page's boxes are small)."""


class PartStore(Protocol):
    def part(self, key: str) -> PartPdf | None: ...
    def put_part(self, key: str, part: PartPdf) -> None: ...
    def margins(self, key: str) -> bytes | None: ...
    def put_margins(self, key: str, pdf: bytes) -> None: ...


class NoStore:
    """No cache: every part laid out."""

    def part(self, key: str) -> PartPdf | None:
        return None

    def put_part(self, key: str, part: PartPdf) -> None:
        return None

    def margins(self, key: str) -> bytes | None:
        return None

    def put_margins(self, key: str, pdf: bytes) -> None:
        return None


@dataclass
class _State:
    index: int
    html: str = ""
    key: str = ""
    part: PartPdf | None = None
    needs: tuple[str, ...] | None = None
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Statistics:
    parts: int
    laid_out: int
    """Layouts done (a part laid out twice counts twice)."""
    reused: int
    """Parts whose last layout came from the store."""


def serial_reason(html: str, variant: str | None) -> str | None:
    """Why this document must be laid out serially, or None."""
    if variant is not None:
        return f"{variant} needs one structure tree of the whole document"
    return why_serial(html)


def needs_chunks(html: str, chunk_rows: int = CHUNK_ROWS) -> bool:
    """Whether a part of this document has a table too long to lay out at once (`render.chunks`),
    so that the serial layout would hold more pages than a chunk's; False if it must be serial."""
    if why_serial(html) is not None:
        return False
    return any(chunkable(part.body, chunk_rows) for part in split(html).parts)


def render_parallel(
    document: Document,
    html: str,
    images: dict[str, bytes],
    jobs: int,
    store: PartStore,
    salt: str,
    laid_out_pages: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> tuple[PdfOutput, Statistics]:
    """The PDF `render_pdf(document, html, ...)` would write (no variant), laid out by `jobs` workers.

    `salt` is part of every key (the engine, the templates, the images: what the HTML does not say).
    """
    from gap_analysis.render.document import PdfOutput
    from gap_analysis.render.join import join
    from gap_analysis.render.part_pool import PartPool

    del document  # the HTML says everything; kept for the same signature as render_pdf
    cut = split(html)
    states = [_State(i) for i in range(len(cut.parts))]
    pool: PartPool | None = None
    laid = 0
    stored: set[str] = set()

    def key_of(text: str) -> str:
        return hashlib.sha256((salt + "\0" + str(chunk_rows) + "\0" + text).encode()).hexdigest()

    def ensure_pool() -> PartPool:
        nonlocal pool
        if pool is None:
            pool = PartPool(jobs, images, chunk_rows)
        return pool

    def learn(state: _State, part: PartPdf) -> None:
        state.part = part
        if not state.numbers:
            state.needs = part.facts.missing

    def lay_out(todo: list[_State]) -> None:
        nonlocal laid
        for state in todo:
            known = store.part(state.key)
            if known is not None:
                stored.add(state.key)
                learn(state, known)
        missing = [state for state in todo if state.part is None]
        if not missing:
            return
        by_key = {state.key: state for state in missing}

        def done(key: str, part: object) -> None:
            assert isinstance(part, PartPdf)
            store.put_part(key, part)
            learn(by_key[key], part)

        requests = sorted(missing, key=lambda s: -len(s.html))
        laid += len(requests)
        ensure_pool().run("layout", [(s.key, (s.html,)) for s in requests], done)

    def set_input(state: _State, numbers: dict[str, int]) -> bool:
        text = with_numbers(cut, cut.parts[state.index], numbers)
        key = key_of(text)
        if key == state.key:
            return False
        state.html, state.key, state.numbers, state.part = text, key, numbers, None
        return True

    try:
        for state in states:
            set_input(state, {})
        lay_out(states)
        for _ in range(MAX_ROUNDS):
            anchors = _anchor_pages(states)
            changed = [
                state
                for state in states
                if state.needs
                and set_input(state, {a: anchors[a] for a in state.needs if a in anchors})
            ]
            if not changed:
                break
            lay_out(changed)
        else:
            raise NotSettled
        parts = [state.part for state in states if state.part is not None]
        firsts, total = _first_pages(states)
        if laid_out_pages is not None:
            laid_out_pages(total)
        margins = _margins(cut, parts, total, key_of, store, ensure_pool)
    finally:
        if pool is not None:
            pool.close()
    links = [
        (firsts[index] - 1 + page, anchor, rect)
        for index, part in enumerate(parts)
        for page, anchor, rect in part.links
    ]
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
    pdf = join([pdf for part in parts for pdf in part.pdfs], margins, links, identifier)
    return (
        PdfOutput(
            pdf,
            total,
            tuple(dict.fromkeys(r for part in parts for r in part.refused)),
            tuple(m for part in parts for m in part.messages),
            tuple(dict.fromkeys(f for part in parts for f in part.failed_images)),
        ),
        Statistics(len(states), laid, sum(1 for s in states if s.key in stored)),
    )


def _margins(
    cut: Split,
    parts: list[PartPdf],
    total: int,
    key_of: Callable[[str], str],
    store: PartStore,
    ensure_pool: Callable[[], object],
) -> list[bytes]:
    """The margin boxes of every page, one PDF per slice of `MARGIN_PAGES` pages, in order."""
    names = [name for part in parts for name in part.facts.names]
    slices: dict[str, tuple[str, int]] = {}
    found: dict[str, bytes] = {}
    order = []
    for first in range(0, total, MARGIN_PAGES):
        html = margins_html(cut, names[first : first + MARGIN_PAGES])
        key = key_of(f"margins\0{first + 1}\0{total}\0{html}")
        order.append(key)
        cached = store.margins(key)
        if cached is not None:
            found[key] = cached
        else:
            slices[key] = (html, first + 1)

    def done(key: str, answer: object) -> None:
        assert isinstance(answer, bytes)
        found[key] = answer
        store.put_margins(key, answer)

    if slices:
        pool = ensure_pool()
        pool.run(  # type: ignore[attr-defined]
            "margins",
            [(key, (html, first, total)) for key, (html, first) in slices.items()],
            done,
        )
    return [found[key] for key in order]


class NotSettled(Exception):
    """Page references did not settle within MAX_ROUNDS: the caller lays the document out serially."""


def _first_pages(states: list[_State]) -> tuple[dict[int, int], int]:
    firsts, page = {}, 1
    for state in states:
        assert state.part is not None
        firsts[state.index] = page
        page += state.part.facts.pages
    return firsts, page - 1


def _anchor_pages(states: list[_State]) -> dict[str, int]:
    """Each anchor's page in the whole document; the first of a name wins, as in WeasyPrint."""
    found: dict[str, int] = {}
    firsts, _total = _first_pages(states)
    for state in states:
        assert state.part is not None
        for index, names in enumerate(state.part.facts.anchors):
            for name in names:
                found.setdefault(name, firsts[state.index] + index)
    return found


__all__ = [
    "NoStore",
    "NotSettled",
    "PartStore",
    "Split",
    "Statistics",
    "needs_chunks",
    "render_parallel",
    "serial_reason",
]
