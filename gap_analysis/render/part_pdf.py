"""What a worker of the parallel layout answers for one part: its PDF(s) and what its layout taught.

Its own module so that the coordinator (`render.parallel`), the worker (`render.part_worker`)
and the part cache share it, and the coordinator reads answers without importing WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Refused:
    """A file the layout asked for and `render.fetcher` refused (named in the build's warnings).

    Here, not in `render.document`, so that the workers, which never see the document model,
    need not import it (and the report's model with it: 0.03 s of their start)."""

    url: str
    """The URL as WeasyPrint asked for it."""
    path: str
    """The repository path it named, or "" when it named none."""
    reason: str


Link = tuple[int, str, tuple[float, float, float, float]]
"""(page index, anchor, PDF rectangle) of a link to an anchor in another part."""


@dataclass(frozen=True, slots=True)
class Facts:
    """What a part's layout tells the others."""

    pages: int
    anchors: tuple[tuple[str, ...], ...]
    """The anchors of each page, in the order WeasyPrint resolves them (the first of a name wins)."""
    names: tuple[str, ...]
    """Each page's name (`@page cover`), "" for none: the margins are made on pages of that name."""
    missing: tuple[str, ...]
    """Anchors a page reference (`target-counter`) named that the part does not hold."""


@dataclass(frozen=True, slots=True)
class PartPdf:
    """A part's PDF(s) without margin boxes, and what its layout reported (kept by the input's key)."""

    facts: Facts
    pdfs: tuple[bytes, ...]
    """The part's pages without margin boxes: one PDF, or one per chunk."""
    links: tuple[Link, ...]
    """(page index in the part, anchor, PDF rectangle) of each link to an anchor outside its PDF."""
    refused: tuple[Refused, ...]
    messages: tuple[str, ...]
    failed_images: tuple[tuple[str, str], ...]
