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
4. The margin boxes of every page are made on blank pages of the same names
   (`render.parts.margin_heads`): the running header once per page name (with
   step 2, for the names the stylesheet declares), "Page X of Y" numbered, in
   slices of `MARGIN_PAGES` (while step 3 runs, for the pages as they stand:
   checked after); `render.join` joins the parts and stamps the margins (the parts
   with no page references are joined while the others are laid out again).

Incremental: each part's PDF and what its layout taught are kept under the key
of its input (`PartStore`, a cache the caller keeps), which holds neither its
page numbers nor the running header; the numbers each part settled on are kept
too, and its next first layout takes them. A rebuild after an edit to one
chapter lays out that chapter, plus the parts whose page references moved (the
contents), once each; the page numbers in the margins are made again only when
the total changes, the running header (it names the commit) once per page name.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from gap_analysis.render.chunks import CHUNK_ROWS, chunkable
from gap_analysis.render.document import Document
from gap_analysis.render.part_pdf import Facts, PartPdf
from gap_analysis.render.parts import (
    Part,
    Split,
    declared_page_names,
    margin_heads,
    margins_html,
    split,
    why_serial,
    with_numbers,
)

if TYPE_CHECKING:
    from pypdf import PdfReader, PdfWriter

    from gap_analysis.render.document import PdfOutput
    from gap_analysis.render.part_pool import PartPool

MAX_ROUNDS = 8
"""Rounds of re-laying out parts with page references before the build goes serial."""

MARGIN_PAGES = 32
"""Pages whose page numbers one worker makes at once: small enough that the slices of a long
report keep every worker busy, large enough that each slice's own cost (a document, its fonts)
is small beside its pages'."""

Numbers = dict[str, int]
"""Page numbers written into a part, by anchor."""


class PartStore(Protocol):
    def part(self, key: str) -> PartPdf | None: ...
    def put_part(self, key: str, part: PartPdf) -> None: ...
    def margins(self, key: str) -> bytes | None: ...
    def put_margins(self, key: str, pdf: bytes) -> None: ...
    def numbers(self) -> dict[str, Numbers]:
        """The numbers each part (by name) settled on in the last build: a guess, checked."""
        ...

    def put_numbers(self, numbers: dict[str, Numbers]) -> None: ...


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

    def numbers(self) -> dict[str, Numbers]:
        return {}

    def put_numbers(self, numbers: dict[str, Numbers]) -> None:
        return None


_NO_FACTS = Facts(0, (), (), ())


@dataclass
class _State:
    index: int
    html: str = ""
    key: str = ""
    part: PartPdf | None = None
    previous: PartPdf | None = None
    """The part's last layout, while it waits to be laid out again."""
    needs: tuple[str, ...] | None = None
    numbers: Numbers = field(default_factory=dict)

    def laid_out(self) -> Facts:
        """What the part's layout, or its last while it waits for another, taught."""
        found = self.part or self.previous
        return found.facts if found is not None else _NO_FACTS


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
) -> PdfOutput:
    """The PDF `render_pdf(document, html, ...)` would write (no variant), laid out by `jobs` workers.

    `salt` is part of every key (the engine, the templates, the images: what the HTML does not say).
    """
    from gap_analysis.render.document import PdfOutput

    del document  # the HTML says everything; kept for the same signature as render_pdf
    run = _Run(split(html), images, jobs, store, salt, chunk_rows)
    try:
        run.settle()
        parts = [state.part for state in run.states if state.part is not None]
        total = sum(part.facts.pages for part in parts)
        if laid_out_pages is not None:
            laid_out_pages(total)
        requests, stamps = run.margins()
        run.batch([], requests)
        links, first = [], 0
        for part in parts:
            links += [(first + page, anchor, rect) for page, anchor, rect in part.links]
            first += part.facts.pages
        keys = dict.fromkeys(k for page in stamps for k, _i in page)
        numbered = {key: n for n, key in enumerate(keys)}
        identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
        pdfs = run.pdfs()
        writer = run.read.joined(run.early())
        readers = run.read.take([pdf for pdf, _late in pdfs] + [run.made[key] for key in keys])
        # Imported here, not before the workers have their first parts: pypdf's import (0.1 s)
        # would delay them (the reading thread has usually imported it by now).
        from gap_analysis.render.join import join

        pdf = join(
            readers[: len(pdfs)],
            readers[len(pdfs) :],
            [[(numbered[key], index) for key, index in page] for page in stamps],
            links,
            identifier,
            frozenset(index for index, (_pdf, late) in enumerate(pdfs) if late),
            writer,
        )
    finally:
        run.close()
    store.put_numbers({part.name: state.numbers for part, state in run.named() if state.numbers})
    return PdfOutput(
        pdf,
        total,
        tuple(dict.fromkeys(r for part in parts for r in part.refused)),
        tuple(m for part in parts for m in part.messages),
        tuple(dict.fromkeys(f for part in parts for f in part.failed_images)),
    )


MarginRequests = dict[str, tuple[str, int, int, tuple[int, ...]]]
"""Margins to make, by key: (a blank page of each page name in HTML, number of the first page,
total, the blank page each page is)."""


class _Run:
    """One parallel layout: the parts' states, the workers, the store."""

    def __init__(
        self,
        cut: Split,
        images: dict[str, bytes],
        jobs: int,
        store: PartStore,
        salt: str,
        chunk_rows: int,
    ) -> None:
        self.cut, self.images, self.jobs, self.store = cut, images, jobs, store
        self.salt, self.chunk_rows = salt, chunk_rows
        self.states = [_State(i) for i in range(len(cut.parts))]
        self.heads = margin_heads(cut)
        self.declared = declared_page_names(cut)
        self.made: dict[str, bytes] = {}
        """Margins PDFs by key."""
        self.read = _Reading()
        self._pool: PartPool | None = None

    def named(self) -> list[tuple[Part, _State]]:
        return list(zip(self.cut.parts, self.states, strict=True))

    def settle(self) -> None:
        """Lay every part out, and again with the page numbers of other parts' anchors written
        in, until no page count changes.

        A part's first layout takes the numbers its last build settled on (`PartStore.numbers`),
        so that after an edit the contents are usually laid out once; they are checked like any
        others. While parts are laid out again with their numbers, the margins are made for the
        pages as they stand (a part laid out again with its numbers nearly always keeps its
        pages), so that both keep the workers busy.
        """
        hints = self.store.numbers()
        for part, state in self.named():
            self._set_input(state, hints.get(part.name, {}))
        # The running header depends on page names only: made with the first layouts, for the
        # names the stylesheet declares (the pages' own, unless a part names one it does not).
        self.batch(self.states, self._fixed_margins(())[0])
        for _ in range(MAX_ROUNDS):
            anchors = _anchor_pages(self.states)
            changed = [
                state
                for state in self.states
                if state.needs
                and self._set_input(state, {a: anchors[a] for a in state.needs if a in anchors})
            ]
            if not changed:
                break
            if not self.read.joining():
                # The parts with no page references are final: joined while the others are
                # laid out again (`render.join.join`'s late parts), on the CPU they leave.
                self.read.start_join(self.early())
            self.batch(changed, self.margins()[0])
        else:
            raise NotSettled
        # A part whose references name an anchor no part holds settles unwritten (a draft).
        drafts = [state for state in self.states if state.part is not None and not state.part.pdfs]
        for state in drafts:
            state.part = None
        self.batch(drafts, {}, drafts=False)

    def batch(self, todo: list[_State], margins: MarginRequests, drafts: bool = True) -> None:
        """Lay out `todo` and make `margins`, taking what the store has; the largest first.

        With `drafts`, a part whose page references name anchors it was not given numbers for
        is not written (`Worker.layout`): it will be laid out again with them. Drafts are
        not kept in the store.
        """
        for state in todo:
            known = self.store.part(state.key)
            if known is not None:
                self._learn(state, known)
        for key in margins:
            cached = self.store.margins(key)
            if cached is not None:
                self.made[key] = cached
                self.read.queue(cached)
        layouts = {state.key: state for state in todo if state.part is None}
        wanted = {key: request for key, request in margins.items() if key not in self.made}
        if not layouts and not wanted:
            return

        def done(key: str, answer: object) -> None:
            if key in layouts:
                assert isinstance(answer, PartPdf)
                if answer.pdfs:
                    self.store.put_part(key, answer)
                self._learn(layouts[key], answer)
            else:
                assert isinstance(answer, bytes)
                self.made[key] = answer
                self.read.queue(answer)
                self.store.put_margins(key, answer)
            self.read.start()

        requests: list[tuple[str, str, tuple[object, ...]]] = [
            (s.key, "layout", (s.html, drafts))
            for s in sorted(layouts.values(), key=lambda s: -len(s.html))
        ]
        requests += [(key, "margins", request) for key, request in wanted.items()]
        self._workers().run(requests, done, self.read.start)

    def margins(self) -> tuple[MarginRequests, list[list[tuple[str, int]]]]:
        """The margins of the pages as laid out so far (a part waiting to be laid out again counts
        as it was): what to make, and each page's stamps (margins key, page in that PDF)."""
        names = [name for state in self.states for name in state.laid_out().names]
        total = len(names)
        requests: MarginRequests = {}
        stamps: list[list[tuple[str, int]]] = [[] for _ in names]
        fixed, distinct = self._fixed_margins(names)
        for key in fixed:
            for page, name in zip(stamps, names, strict=True):
                page.append((key, distinct.index(name)))
        for first in range(0, total, MARGIN_PAGES):
            page_names = names[first : first + MARGIN_PAGES]
            blank_names = sorted(set(page_names))  # a blank page of each, copied for each page
            html = margins_html(self.heads.numbered, blank_names)
            order = tuple(blank_names.index(name) for name in page_names)
            key = self._key(f"margins\0{first + 1}\0{total}\0{order}\0{html}")
            requests[key] = (html, first + 1, total, order)
            for index in range(first, min(total, first + MARGIN_PAGES)):
                stamps[index].append((key, index - first))
        # The running header, a page per page name, goes out after the slices of page numbers
        # (up to 32 pages each): a worker free early takes a long request first.
        return requests | fixed, stamps

    def _fixed_margins(self, names: Sequence[str]) -> tuple[MarginRequests, list[str]]:
        """The running header's request (none if it cannot be made apart: `MarginHeads`), a
        page for each of `names` and of the declared page names, and those names in order."""
        distinct = sorted(self.declared.union(names))
        if self.heads.fixed is None:
            return {}, distinct
        html = margins_html(self.heads.fixed, distinct)
        order = tuple(range(len(distinct)))
        return {self._key(f"margins\0fixed\0{html}"): (html, 1, 1, order)}, distinct

    def pdfs(self) -> list[tuple[bytes, bool]]:
        """Each part's PDFs in order, and whether the join takes it late (`_late`)."""
        return [(pdf, _late(state)) for state in self.states for pdf in _pdfs(state)]

    def early(self) -> list[bytes]:
        """The PDFs the join takes first, final once laid out (those of the late parts may be
        still to come)."""
        return [pdf for state in self.states if not _late(state) for pdf in _pdfs(state)]

    def close(self) -> None:
        self.read.close()
        if self._pool is not None:
            self._pool.close()

    def _key(self, text: str) -> str:
        return hashlib.sha256(
            (self.salt + "\0" + str(self.chunk_rows) + "\0" + text).encode()
        ).hexdigest()

    def _workers(self) -> PartPool:
        from gap_analysis.render.part_pool import PartPool

        if self._pool is None:
            self._pool = PartPool(self.jobs, self.images, self.chunk_rows)
        return self._pool

    def _learn(self, state: _State, part: PartPdf) -> None:
        state.part = part
        for pdf in part.pdfs:
            self.read.queue(pdf)
        state.needs = tuple(dict.fromkeys([*state.numbers, *part.facts.missing]))

    def _set_input(self, state: _State, numbers: Numbers) -> bool:
        text = with_numbers(self.cut, self.cut.parts[state.index], numbers)
        key = self._key(text)
        if key == state.key:
            return False
        state.previous = state.part or state.previous
        state.html, state.key, state.numbers, state.part = text, key, numbers, None
        return True


class _Reading:
    """Part and margins PDFs read for the join (`join.read_part`) in a thread of the lowest
    priority while the workers lay out others: it takes only the CPU they leave (a worker
    waiting for the last part of a batch, the margins), so that the join after the last part
    mostly copies. MASVS: parsing is 0.2 s of the join's 0.47 s of CPU. The join never waits
    for the thread (on a busy machine it may get no CPU at all): what it has not read by
    then is read by the join itself. Once the parts with no page references are final, it
    also begins the join with them (`start_join`), which the join waits for only if the
    thread is at it."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, initializer=_lowest_priority)
        self._started: dict[bytes, Future[PdfReader]] = {}
        self._queued: list[bytes] = []
        self._joining: tuple[list[bytes], Future[PdfWriter]] | None = None
        # pypdf's import (0.1 s), done while the coordinator waits for the workers to start,
        # when a CPU is free, rather than at the first read, while they lay out.
        self._pool.submit(importlib.import_module, "gap_analysis.render.join")

    def queue(self, pdf: bytes) -> None:
        """To be read once `start` is called: not at once, since the thread holds the GIL while
        it reads, and the coordinator's own work (looking parts up in the store, sending them
        out) would wait for it: 32 lookups took 0.35 s instead of 0.03 s."""
        self._queued.append(pdf)

    def start(self) -> None:
        """Read what is queued; called while the coordinator waits for the workers."""
        for pdf in self._queued:
            if pdf not in self._started:
                self._started[pdf] = self._pool.submit(_read_part, pdf)
        self._queued.clear()

    def start_join(self, early: list[bytes]) -> None:
        """Have the thread append `early` to a new join (`render.join.started`) once it has
        read them."""
        self.start()
        futures = [self._started.get(pdf) for pdf in early]
        self._joining = (early, self._pool.submit(_started, early, futures))

    def joining(self) -> bool:
        return self._joining is not None

    def joined(self, early: list[bytes]) -> PdfWriter | None:
        """The join `start_join` had made of these same PDFs (waited for if it is being made);
        None if it was of others or has not begun (the join then makes it)."""
        if self._joining is None:
            return None
        made, future = self._joining
        self._joining = None
        if (
            future.cancel()
            or len(made) != len(early)
            or any(a is not b for a, b in zip(made, early, strict=True))
        ):
            return None
        return future.result()

    def take(self, pdfs: list[bytes]) -> list[PdfReader]:
        """The PDFs read: by the thread if it has, else now; each reader taken once (a reader
        is joined once: two parts of equal bytes get two)."""
        for future in self._started.values():
            future.cancel()
        taken = []
        for pdf in pdfs:
            started = self._started.pop(pdf, None)
            if started is not None and started.done() and not started.cancelled():
                taken.append(started.result())
            else:
                taken.append(_read_part(pdf))
        return taken

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _late(state: _State) -> bool:
    """Whether the join takes the part late (`render.join.join`): a part with page references
    to other parts, laid out again once their pages are known.

    A part given numbers from the store's last build (`PartStore.numbers`) counts as referring
    until they are dropped, which happens once their anchors are gone; in a report the parts
    that refer (the contents, the lists) name every heading, so which parts refer does not
    depend on the store.
    """
    return bool(state.needs)


def _pdfs(state: _State) -> tuple[bytes, ...]:
    assert state.part is not None
    return state.part.pdfs


def _started(early: list[bytes], read: list[Future[PdfReader] | None]) -> PdfWriter:
    """The join's first step, of the PDFs as this thread has read them (a read cancelled by
    `take` before it began is made here)."""
    from gap_analysis.render.join import started

    return started(
        [
            future.result() if future is not None and not future.cancelled() else _read_part(pdf)
            for pdf, future in zip(early, read, strict=True)
        ]
    )


def _read_part(pdf: bytes) -> PdfReader:
    from gap_analysis.render.join import read_part

    return read_part(pdf)


def _lowest_priority() -> None:
    """On Linux a thread is a task with its own priority; elsewhere the thread keeps the process's."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class NotSettled(Exception):
    """Page references did not settle within MAX_ROUNDS: the caller lays the document out serially."""


def _anchor_pages(states: list[_State]) -> dict[str, int]:
    """Each anchor's page in the whole document; the first of a name wins, as in WeasyPrint."""
    found: dict[str, int] = {}
    first = 1
    for state in states:
        assert state.part is not None
        for index, names in enumerate(state.part.facts.anchors):
            for name in names:
                found.setdefault(name, first + index)
        first += state.part.facts.pages
    return found


__all__ = [
    "NoStore",
    "NotSettled",
    "PartStore",
    "Split",
    "needs_chunks",
    "render_parallel",
    "serial_reason",
]
