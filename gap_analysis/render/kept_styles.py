"""A layout worker's stylesheets, parsed once and kept from part to part (parallel layout).

Every part of a report is a whole HTML document with the same `<style>` (the
bundled fonts' `@font-face` rules and `report.css`). WeasyPrint parses a
document's `<style>` elements and registers their fonts on each render: on
this machine about 0.15 s of CPU a part, the most of what laying a report out
in 16 parts cost more than laying it out at once. A worker therefore renders
every part with one `FontConfiguration` (the fonts are registered once) and,
while `kept_styles` is active, WeasyPrint's `find_stylesheets` gives back the
`CSS` object it parsed for a `<style>` of the same text, base URL and medium
before.

What parsing a stylesheet does to the document besides making the `CSS`
object is done again on reuse, exactly: the `@page` rules are appended to
the document's own list (WeasyPrint shares that list between the document's
stylesheets; the object is pointed at it again, and at the layers' list), and the `@counter-style` and colour profile entries it added are added to the
document's; what parsing logged (an ignored declaration) is logged again and
what the fetcher refused is recorded again, so each part reports what its own
parse would have. A document with a `<link>` stylesheet, or a stylesheet with
`@import` or cascade layers (`@layer`, whose order depends on every sheet of
the document), is left to WeasyPrint.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import weasyprint.css
from weasyprint.css import CSS, find_stylesheets, get_child_text, media_queries


@dataclass(frozen=True, slots=True)
class _Parsed:
    css: Any
    page_rules: tuple[Any, ...]
    counter_styles: tuple[tuple[Any, Any], ...]
    color_profiles: tuple[tuple[Any, Any], ...]
    logged: tuple[logging.LogRecord, ...]
    refused: tuple[Any, ...]


Kept = dict[tuple[str, str | None, str], _Parsed]
"""Parsed stylesheets by (text, base URL, medium)."""


@contextmanager
def kept_styles(kept: Kept) -> Iterator[None]:
    """While active, `<style>` elements already parsed into `kept` are not parsed again."""

    def find(  # noqa: PLR0913 - WeasyPrint's signature
        wrapper_element: Any,
        device_media_type: str,
        url_fetcher: Any,
        base_url: str | None,
        font_config: Any,
        counter_style: Any,
        color_profiles: Any,
        page_rules: list[Any],
        layers: list[Any],
    ) -> Iterator[Any]:
        texts = _style_texts(wrapper_element, device_media_type)
        if texts is None or any("@layer" in text or "@import" in text for text in texts):
            yield from find_stylesheets(
                wrapper_element,
                device_media_type,
                url_fetcher,
                base_url,
                font_config,
                counter_style,
                color_profiles,
                page_rules,
                layers,
            )
            return
        keys = [(text, base_url, device_media_type) for text in texts]
        fresh = {key for key in keys if key not in kept}
        for key in fresh:
            kept[key] = _parse(key, url_fetcher, font_config)
        logger = logging.getLogger("weasyprint")
        for key in keys:
            parsed = kept[key]
            page_rules.extend(parsed.page_rules)
            counter_style.update(parsed.counter_styles)
            color_profiles.update(parsed.color_profiles)
            if key not in fresh:  # a fresh parse has logged and refused already
                for record in parsed.logged:
                    logger.handle(record)
                if parsed.refused:
                    url_fetcher.refused.extend(parsed.refused)
            parsed.css.page_rules, parsed.css.layers = page_rules, layers
            yield parsed.css

    weasyprint.css.find_stylesheets = find
    try:
        yield
    finally:
        weasyprint.css.find_stylesheets = find_stylesheets


def _style_texts(wrapper_element: Any, media_type: str) -> list[str] | None:
    """The text of each `<style>` that applies, in order; None if the document links a stylesheet."""
    texts = []
    for wrapper in wrapper_element.query_all("style", "link"):
        element = wrapper.etree_element
        if element.tag != "style":
            return None
        if element.get("type", "text/css").split(";", 1)[0].strip() != "text/css":
            continue
        media = [m.strip() for m in (element.get("media", "").strip() or "all").split(",")]
        if media_queries.evaluate_media_query(media, media_type):
            texts.append(get_child_text(element))
    return texts


def _parse(key: tuple[str, str | None, str], url_fetcher: Any, font_config: Any) -> _Parsed:
    """Parse one stylesheet, noting what the parse added to the document, logged and refused."""
    text, base_url, media_type = key
    page_rules: list[Any] = []
    layers: list[Any] = []
    counter_style: dict[Any, Any] = {}
    color_profiles: dict[Any, Any] = {}
    refused = getattr(url_fetcher, "refused", [])
    refused_before = len(refused)
    noted = _Noted()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(noted)
    try:
        css = CSS(
            string=text,
            base_url=base_url,
            url_fetcher=url_fetcher,
            media_type=media_type,
            font_config=font_config,
            counter_style=counter_style,
            page_rules=page_rules,
            color_profiles=color_profiles,
            layers=layers,
        )
    finally:
        logger.removeHandler(noted)
    return _Parsed(
        css,
        tuple(page_rules),
        tuple(counter_style.items()),
        tuple(color_profiles.items()),
        tuple(noted.records),
        tuple(refused[refused_before:]),
    )


class _Noted(logging.Handler):
    """The records logged while one stylesheet is parsed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
