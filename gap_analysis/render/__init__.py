"""The only importer of weasyprint and jinja2: a document model -> HTML -> PDF.

`render/` never touches git or Markdown: it takes a `Document` (chapters
already rendered to HTML by `markdown/html.py`) and a `read(path)` function
for the snapshot's files, which the URL fetcher is the only user of.

WeasyPrint and Jinja2 are imported only when they are used: importing
WeasyPrint costs about half a second, far more than serving a cached build.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.metadata import version
from typing import TYPE_CHECKING

from gap_analysis.render.document import VARIANTS, Annex, Attachment, Cover, Document, Metadata
from gap_analysis.render.resources import template_hash

if TYPE_CHECKING:
    from gap_analysis.render.pdf import PdfOutput

__all__ = [
    "VARIANTS", "Annex", "Attachment", "Cover", "Document", "Metadata", "engine_version",
    "render_pdf", "template_hash", "to_html",
]


@cache
def engine_version() -> str:
    """WeasyPrint's version, without importing it (part of the cache key)."""
    return version("weasyprint")


def to_html(document: Document) -> str:
    """The whole document as one HTML string; see `render.assemble.to_html`."""
    from gap_analysis.render.assemble import to_html as _to_html

    return _to_html(document)


def render_pdf(document: Document, html: str, read: Callable[[str], bytes],
               variant: str | None = None, laid_out_pages: Callable[[int], None] | None = None) -> PdfOutput:
    """Lay out `html` and write the PDF; see `render.pdf.render_pdf`."""
    from gap_analysis.render.pdf import render_pdf as _render_pdf

    return _render_pdf(document, html, read, variant, laid_out_pages)
