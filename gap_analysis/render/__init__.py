"""The only importer of weasyprint and jinja2: a document model -> HTML -> PDF.

`render/` never touches git or Markdown: it takes a `Document` (chapters
already rendered to HTML by `markdown/html.py`) and a `read(path)` function
for the snapshot's files, which the URL fetcher is the only user of.

WeasyPrint and Jinja2 are imported only when they are used: importing
WeasyPrint costs about half a second, far more than serving a cached build.
Its import is made cheaper first (`render.engine_start`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gap_analysis.render.engine_start import prepare_engine_import

if TYPE_CHECKING:
    from gap_analysis.render.document import (
        VARIANTS,
        Attachment,
        Cover,
        Document,
        Metadata,
        PdfOutput,
    )
    from gap_analysis.render.resources import template_hash
else:
    _HOMES = {
        "VARIANTS": "document",
        "Attachment": "document",
        "Cover": "document",
        "Document": "document",
        "Metadata": "document",
        "template_hash": "resources",
    }

    def __getattr__(name: str) -> Any:
        """The document model and the templates' hash, imported when first asked for: a
        cached build imports `render.chunks` (the size of a chunk is in the cache key) and
        nothing else of `render/`, and pays for nothing else."""
        if name not in _HOMES:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)


prepare_engine_import()

__all__ = [
    "VARIANTS",
    "Attachment",
    "Cover",
    "Document",
    "Metadata",
    "engine_version",
    "render_pdf",
    "template_hash",
    "to_html",
]


@cache
def engine_version() -> str:
    """WeasyPrint's version, without importing it (part of the cache key).

    Read from its `__init__.py` (a cached rebuild must not pay for
    `importlib.metadata`), with the package metadata as the fallback.
    """
    spec = find_spec("weasyprint")
    if spec is not None and spec.origin:
        found = re.search(
            r"^VERSION = __version__ = ['\"]([^'\"]+)['\"]",
            Path(spec.origin).read_text(encoding="utf-8"),
            re.MULTILINE,
        )
        if found:
            return found.group(1)
    from importlib.metadata import version

    return version("weasyprint")


def to_html(document: Document) -> str:
    """The whole document as one HTML string; see `render.assemble.to_html`."""
    from gap_analysis.render.assemble import to_html as _to_html

    return _to_html(document)


def render_pdf(
    document: Document,
    html: str,
    read: Callable[[str], bytes],
    variant: str | None = None,
    laid_out_pages: Callable[[int], None] | None = None,
) -> PdfOutput:
    """Lay out `html` and write the PDF; see `render.pdf.render_pdf`."""
    from gap_analysis.render.pdf import render_pdf as _render_pdf

    return _render_pdf(document, html, read, variant, laid_out_pages)
