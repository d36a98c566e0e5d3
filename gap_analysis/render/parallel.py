"""Parallel, incremental layout: parts laid out in worker processes, numbered, joined.

The plan (docs/architecture.md, "Parallel layout", says why and where it stops):

1. `render.parts` cuts the serial build's HTML into parts that each start on a
   new page (front matter, each chapter, each annex).
2. Every part is laid out in a worker (`render.part_worker`) with its margin
   boxes held back; the worker reports its page count, the anchors of each
   page, and the anchors its page references (`target-counter`) could not find.
3. A part that needs page numbers of other parts (the contents, the gap
   register) is laid out again with those numbers written in, until no page
   count changes (a fixed point, as WeasyPrint's own repagination).
4. Each part's first page number and the total are now known: its holder makes
   the margin boxes and writes its PDF; `render.join` joins them.

Incremental: what a layout teaches (`Facts`) is kept under the key of its
input, and each part's PDF under the key of its input, first page and total
(`PartStore`, a cache the caller keeps). A rebuild after an edit to one
chapter lays out that chapter, plus the parts whose page numbers moved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from gap_analysis.render.document import Document
from gap_analysis.render.fetcher import Refused
from gap_analysis.render.parts import Split, split, why_serial, with_numbers

if TYPE_CHECKING:
    from gap_analysis.render.pdf import PdfOutput

MAX_ROUNDS = 8
"""Rounds of re-laying out parts with page references before the build goes serial."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What a part's layout tells the others (kept by the input's key)."""

    pages: int
    anchors: tuple[tuple[str, ...], ...]
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PartPdf:
    """A part's PDF with its numbers written in, and what its layout reported."""

    pdf: bytes
    links: tuple[tuple[int, str, tuple[float, float, float, float]], ...]
    refused: tuple[Refused, ...]
    messages: tuple[str, ...]
    failed_images: tuple[tuple[str, str], ...]


class PartStore(Protocol):
    def facts(self, key: str) -> Facts | None: ...
    def put_facts(self, key: str, facts: Facts) -> None: ...
    def part(self, key: str) -> PartPdf | None: ...
    def put_part(self, key: str, part: PartPdf) -> None: ...


class NoStore:
    """No cache: every part laid out."""

    def facts(self, key: str) -> Facts | None:
        return None

    def put_facts(self, key: str, facts: Facts) -> None:
        return None

    def part(self, key: str) -> PartPdf | None:
        return None

    def put_part(self, key: str, part: PartPdf) -> None:
        return None


@dataclass
class _State:
    index: int
    html: str = ""
    key: str = ""
    facts: Facts | None = None
    needs: tuple[str, ...] | None = None
    report: tuple[tuple[Refused, ...], tuple[str, ...], tuple[tuple[str, str], ...]] = ((), (), ())
    held: bool = False
    numbers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Statistics:
    parts: int
    laid_out: int
    """Layouts done (a part laid out twice counts twice)."""
    reused: int
    """Parts whose PDF came from the store."""


def serial_reason(html: str, variant: str | None) -> str | None:
    """Why this document must be laid out serially, or None."""
    if variant is not None:
        return f"{variant} needs one structure tree of the whole document"
    return why_serial(html)


def render_parallel(
    document: Document,
    html: str,
    images: dict[str, bytes],
    jobs: int,
    store: PartStore,
    salt: str,
    laid_out_pages: Callable[[int], None] | None = None,
) -> tuple[PdfOutput, Statistics]:
    """The PDF `render_pdf(document, html, ...)` would write (no variant), laid out by `jobs` workers.

    `salt` is part of every key (the engine, the templates, the images: what the HTML does not say).
    """
    from gap_analysis.render.join import join
    from gap_analysis.render.part_pool import PartPool
    from gap_analysis.render.pdf import PdfOutput

    del document  # the HTML says everything; kept for the same signature as render_pdf
    cut = split(html)
    states = [_State(i) for i in range(len(cut.parts))]
    pool: PartPool | None = None
    laid = 0

    def key_of(text: str) -> str:
        return hashlib.sha256((salt + "\0" + text).encode("utf-8")).hexdigest()

    def ensure_pool() -> PartPool:
        nonlocal pool
        if pool is None:
            pool = PartPool(jobs, images)
        return pool

    def learn(state: _State, facts: Facts) -> None:
        state.facts = facts
        if not state.numbers:
            state.needs = facts.missing

    def lay_out(todo: list[_State], reuse: bool = True) -> None:
        nonlocal laid
        for state in todo if reuse else ():
            known = store.facts(state.key)
            if known is not None and not state.held:
                learn(state, known)
        missing = [state for state in todo if state.facts is None]
        if not missing:
            return
        by_key = {state.key: state for state in missing}

        def done(key: str, answer: object) -> None:
            state = by_key[key]
            facts = Facts(answer.pages, answer.anchors, answer.missing)  # type: ignore[attr-defined]
            state.held = True
            state.report = (answer.refused, answer.messages, answer.failed_images)  # type: ignore[attr-defined]
            store.put_facts(key, facts)
            learn(state, facts)

        requests = sorted(missing, key=lambda s: -len(s.html))
        laid += len(requests)
        ensure_pool().run("layout", [(s.key, (s.html,)) for s in requests], done)

    def set_input(state: _State, numbers: dict[str, int]) -> bool:
        text = with_numbers(cut, cut.parts[state.index], numbers)
        key = key_of(text)
        if key == state.key:
            return False
        if state.held and pool is not None:
            pool.run("drop", [(state.key, ())], lambda _k, _a: None)
        state.html, state.key, state.numbers = text, key, numbers
        state.facts, state.held = None, False
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
        firsts, total = _first_pages(states)
        if laid_out_pages is not None:
            laid_out_pages(total)
        pdfs: dict[int, PartPdf] = {}
        finals = {
            state.index: key_of(f"{state.key}\0{firsts[state.index]}\0{total}") for state in states
        }
        for state in states:
            cached = store.part(finals[state.index])
            if cached is not None:
                pdfs[state.index] = cached
        unheld = [s for s in states if s.index not in pdfs and not s.held]
        expected = {s.index: s.facts for s in unheld}
        for state in unheld:
            state.facts = None
        lay_out(unheld, reuse=False)
        if any(s.facts != expected[s.index] for s in unheld):
            raise NotSettled  # a stored layout that this engine no longer gives
        todo = [s for s in states if s.index not in pdfs]
        by_key = {state.key: state for state in todo}

        def written(key: str, answer: object) -> None:
            state = by_key[key]
            refused, messages, failed = state.report
            part = PartPdf(
                answer.pdf,  # type: ignore[attr-defined]
                answer.links,  # type: ignore[attr-defined]
                refused,
                messages + answer.messages,  # type: ignore[attr-defined]
                failed,
            )
            pdfs[state.index] = part
            state.held = False
            store.put_part(finals[state.index], part)

        if todo:
            ensure_pool().run(
                "finish",
                [(s.key, (firsts[s.index], total, s.key[:32].encode())) for s in todo],
                written,
            )
    finally:
        if pool is not None:
            pool.close()
    links = [
        (firsts[index] - 1 + page, anchor, rect)
        for index in sorted(pdfs)
        for page, anchor, rect in pdfs[index].links
    ]
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
    ordered = [pdfs[index] for index in range(len(states))]
    pdf = join([part.pdf for part in ordered], links, identifier)
    return (
        PdfOutput(
            pdf,
            total,
            tuple(dict.fromkeys(r for part in ordered for r in part.refused)),
            tuple(m for part in ordered for m in part.messages),
            tuple(dict.fromkeys(f for part in ordered for f in part.failed_images)),
        ),
        Statistics(len(states), laid, len(states) - len(todo)),
    )


class NotSettled(Exception):
    """Page references did not settle within MAX_ROUNDS: the caller lays the document out serially."""


def _first_pages(states: list[_State]) -> tuple[dict[int, int], int]:
    firsts, page = {}, 1
    for state in states:
        assert state.facts is not None
        firsts[state.index] = page
        page += state.facts.pages
    return firsts, page - 1


def _anchor_pages(states: list[_State]) -> dict[str, int]:
    """Each anchor's page in the whole document; the first of a name wins, as in WeasyPrint."""
    found: dict[str, int] = {}
    firsts, _total = _first_pages(states)
    for state in states:
        assert state.facts is not None
        for index, names in enumerate(state.facts.anchors):
            for name in names:
                found.setdefault(name, firsts[state.index] + index)
    return found


__all__ = [
    "Facts",
    "NoStore",
    "NotSettled",
    "PartPdf",
    "PartStore",
    "Split",
    "Statistics",
    "render_parallel",
    "serial_reason",
]
