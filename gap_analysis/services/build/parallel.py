"""How a build lays its PDF out: serially, or in parts by several processes (`build --jobs`).

The parallel layout (`render.parallel`) is used when more than one job is
asked for and the document allows it; it gives the serial build's pages,
text, links, outline and metadata. It is not used for `--variant pdf/ua-1`
or `pdf/a-3u` (one structure tree and one set of PDF/A parts for the whole
document, which a join of parts does not make), nor for a stylesheet that
carries state from part to part (`render.parts.why_serial`): those are laid
out serially, whatever `--jobs` says. The mode is part of the build cache's
key, so each `--jobs` choice gives the same bytes on every run.

Memory: a document with a table too long to lay out at once (a disposition
annex of thousands of comments, `render.chunks`) takes the same path with one
worker even with `--jobs 1`, so no process holds more than a chunk's pages;
any other document keeps the serial path and its bytes. `GAP_ANALYSIS_CHUNK_ROWS`
sets the rows of a chunk (tests use it to cut small tables).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gap_analysis.services.build.cache import CACHE_FOLDER

if TYPE_CHECKING:
    from gap_analysis.render import Document
    from gap_analysis.render.document import PdfOutput

PARTS_FOLDER = CACHE_FOLDER / "parts"


def layout_mode(jobs: int, variant: str | None) -> str:
    """`serial` or `parallel`: what the build cache keys a PDF by (not the number of jobs,
    which does not change the bytes)."""
    return "parallel" if jobs > 1 and variant is None else "serial"


def layout_key(jobs: int, variant: str | None) -> str:
    """What the build cache keys a PDF's layout by: the mode and the rows of a chunk (which decide
    whether and where a long table is cut, so whose bytes the PDF has)."""
    return f"{layout_mode(jobs, variant)} chunks of {chunk_rows()} rows"


def warm_up(jobs: int, variant: str | None) -> None:
    """Before a layout that will be parallel: start its workers now (they import WeasyPrint
    while the snapshot is read and its Markdown rendered)."""
    if layout_mode(jobs, variant) == "parallel":
        from gap_analysis.render.part_pool import warm_up as start

        start(jobs)


def lay_out(
    document: Document,
    html: str,
    images: dict[str, bytes],
    variant: str | None,
    jobs: int,
    parts_folder: Path | None,
    laid_out_pages: Callable[[int], None] | None = None,
) -> PdfOutput:
    """The PDF of `html`: by `jobs` processes when the document allows, else serially.

    `parts_folder` keeps each part's layout for the next build (None: nothing kept).
    """
    rows = chunk_rows()
    if layout_mode(jobs, variant) == "parallel" or (variant is None and _too_long(html, rows)):
        from gap_analysis.render.parallel import NoStore, NotSettled, render_parallel, serial_reason

        if serial_reason(html, variant) is None:
            from gap_analysis.services.build.part_store import PartFolder, part_salt

            store = PartFolder(parts_folder) if parts_folder is not None else NoStore()
            try:
                output = render_parallel(
                    document,
                    html,
                    images,
                    max(jobs, 1),
                    store,
                    part_salt(images),
                    laid_out_pages,
                    rows,
                )
            except NotSettled:
                pass
            else:
                return output
    from gap_analysis.render import render_pdf

    return render_pdf(document, html, images.__getitem__, variant, laid_out_pages)


def chunk_rows() -> int:
    """Rows of a long table laid out at once: `render.chunks.CHUNK_ROWS`, or the environment's
    `GAP_ANALYSIS_CHUNK_ROWS` (a positive number; anything else is ignored)."""
    from gap_analysis.render.chunks import CHUNK_ROWS

    value = os.environ.get("GAP_ANALYSIS_CHUNK_ROWS", "")
    return int(value) if value.isdigit() and int(value) > 0 else CHUNK_ROWS


def _too_long(html: str, rows: int) -> bool:
    if "table-layout: fixed" not in html:
        return False  # the quick answer for nearly every report, without cutting it in parts
    from gap_analysis.render.parallel import needs_chunks

    return needs_chunks(html, rows)
