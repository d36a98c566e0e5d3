"""Per-element languages in tagged PDFs (PDF/UA-1, PDF/A-3u).

WeasyPrint tags the structure tree and writes the document's language in the
catalog, but gives no structure element a `/Lang` of its own. A chapter in
another language than the report (front matter `lang: ar`) must say so for a
screen reader to switch voices, so while a tagged PDF is written, the tag
builder is wrapped: every structure element made for an HTML element with a
`lang` attribute gets that language. The wrapper is installed only for the
duration of one write and only if WeasyPrint still has the builder it wraps;
tests read the `/Lang` entries back, so a WeasyPrint that changes this is
noticed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pydyf  # type: ignore[import-untyped]


@contextmanager
def element_languages() -> Iterator[None]:
    """Within this block, tagged PDFs carry `/Lang` on elements that have a `lang` attribute."""
    try:
        from weasyprint.pdf import tags
    except ImportError:  # pragma: no cover - an engine without tagging
        yield
        return
    original: Callable[..., Iterator[Any]] | None = getattr(tags, "_build_box_tree", None)
    if original is None:  # pragma: no cover - WeasyPrint changed; the tests say so
        yield
        return

    def build(box: Any, parent: Any, *args: Any) -> Iterator[Any]:
        element = getattr(box, "element", None)
        lang = None
        if element is not None and hasattr(element, "get") and element.tag != "html":
            lang = element.get("lang")  # the document's own language is in the catalog
        for made in original(box, parent, *args):
            if lang and isinstance(made, pydyf.Dictionary) and "Lang" not in made:
                made["Lang"] = pydyf.String(lang)
            yield made

    tags._build_box_tree = build
    try:
        yield
    finally:
        tags._build_box_tree = original
