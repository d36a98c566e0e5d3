"""HTML -> PDF with WeasyPrint: deterministic, fetching only through `SnapshotFetcher`.

Determinism: dates come from the document model (the commit date), the PDF
identifier is derived from the content, WeasyPrint's own messages are captured
rather than printed, and the only attachments are the ones passed in here.
`<link rel="attachment">` and `<a rel="attachment">` in the HTML are dropped
after layout, whatever produced them.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

import pydyf  # type: ignore[import-untyped]
import weasyprint

from gap_analysis.errors import RenderError
from gap_analysis.render.cffi_types import types_parsed_once
from gap_analysis.render.fetcher import SnapshotFetcher, snapshot_path
from gap_analysis.render.hyphenation import patterns_kept
from gap_analysis.render.leaders import leaders_in_one_run
from gap_analysis.render.pdf_tags import element_languages
from gap_analysis.render.resources import SNAPSHOT_BASE

if TYPE_CHECKING:
    from gap_analysis.render.document import Document, PdfOutput

patterns_kept()  # each process parses a language's hyphenation patterns once per machine
leaders_in_one_run()  # a contents line's dots drawn as one text run, not fifteen
types_parsed_once()  # the C types WeasyPrint asks for, parsed in one run of cffi's parser

TAGGED_VARIANTS = ("pdf/ua-1", "pdf/a-3u")
"""Variants written with a structure tree: PDF/UA must be; PDF/A-3u is too, for the same readers."""


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.failed_images: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if str(record.msg).startswith("Failed to load image") and len(record.args or ()) == 2:
            url, exception = record.args  # type: ignore[misc]
            path = snapshot_path(str(url))
            if path is not None:
                self.failed_images.append((path, _reason(exception)))


def _reason(exception: object) -> str:
    """WeasyPrint's reason in one line (its `ImageLoadingError` often carries it as the cause)."""
    cause = exception if str(exception) else getattr(exception, "__cause__", None) or exception
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    text = re.sub(r"\s*<[^<>]* object at 0x[0-9a-f]+>", "", text)  # Pillow names its buffer
    name = type(cause).__name__
    return f"{name}: {text}" if text else name


_ONCE: dict[type, type] = {}


def _serialize_once(cls: type) -> type:
    """A subclass of a pydyf stream class whose bytes are computed (and compressed) once.

    pydyf computes the content-derived PDF identifier by serialising every
    object a second time, recompressing every stream at level 9; caching the
    bytes makes a deterministic identifier cost a hash instead of a second
    compression of the whole document.
    """
    if cls not in _ONCE:
        compute = cls.data.fget  # type: ignore[attr-defined]

        class Once(cls):  # type: ignore[misc]
            @cached_property
            def data(self) -> bytes:
                return bytes(compute(self))

        _ONCE[cls] = Once
    return _ONCE[cls]


def finish_streams(_document: object, pdf: pydyf.PDF) -> None:
    """Called by WeasyPrint just before the PDF is written: cache every stream's bytes."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and type(obj) not in _ONCE.values():
            obj.__class__ = _serialize_once(type(obj))


@contextmanager
def captured() -> Iterator[_Capture]:
    """WeasyPrint logs to the `weasyprint` logger; collect instead of printing."""
    logger = logging.getLogger("weasyprint")
    handler = _Capture()
    saved = (logger.handlers[:], logger.propagate, logger.level)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.WARNING)
    try:
        yield handler
    finally:
        logger.handlers, logger.propagate = saved[0], saved[1]
        logger.setLevel(saved[2])


def render_pdf(
    document: Document,
    html: str,
    read: Callable[[str], bytes],
    variant: str | None = None,
    laid_out_pages: Callable[[int], None] | None = None,
) -> PdfOutput:
    """Lay out `html` (made from `document` by `assemble.to_html`) and write the PDF bytes.

    `laid_out_pages` is told the page count between layout and writing (for progress).
    """
    # Here, not at the top: the layout workers import this module, not the document model.
    from gap_analysis.render.document import VARIANTS, PdfOutput

    if variant is not None and variant not in VARIANTS:
        raise RenderError(f"unknown PDF variant '{variant}' (known: {', '.join(VARIANTS)})")
    fetcher = SnapshotFetcher(read)
    with captured() as capture:
        try:
            laid_out = weasyprint.HTML(
                string=html, base_url=SNAPSHOT_BASE, url_fetcher=fetcher
            ).render()
        except Exception as exc:  # noqa: BLE001 - WeasyPrint raises many types; report one line
            raise RenderError(
                f"the PDF could not be laid out: {type(exc).__name__}: {exc}"
            ) from None
        if laid_out_pages is not None:
            laid_out_pages(len(laid_out.pages))
        laid_out.metadata.attachments = []
        for page in laid_out.pages:
            page.links[:] = [link for link in page.links if link[0] != "attachment"]
        attachments = (
            [
                weasyprint.Attachment(
                    string=item.data,
                    name=item.name,
                    description=item.description or None,
                    created=document.metadata.date,
                    modified=document.metadata.date,
                    relationship="Source",
                    url_fetcher=fetcher,
                )
                for item in document.attachments
            ]
            if variant == "pdf/a-3u"
            else []
        )
        identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode()
        try:
            with element_languages():
                pdf = laid_out.write_pdf(
                    pdf_variant=variant,
                    pdf_identifier=identifier,
                    pdf_tags=variant in TAGGED_VARIANTS,
                    custom_metadata=True,
                    attachments=attachments,
                    finisher=finish_streams,
                )
        except Exception as exc:  # noqa: BLE001
            raise RenderError(
                f"the PDF could not be written: {type(exc).__name__}: {exc}"
            ) from None
    return PdfOutput(
        bytes(pdf),
        len(laid_out.pages),
        tuple(fetcher.refused),
        tuple(capture.messages),
        tuple(dict.fromkeys(capture.failed_images)),
    )
