"""The document model the renderer takes: everything a PDF shows, already decided.

Services fill it; `render/` turns it into HTML and PDF without knowing where it
came from (no git, no Markdown parsing here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from gap_analysis.model.build import VARIANTS as VARIANTS  # re-exported: `render.VARIANTS`
from gap_analysis.model.build import ExtraAnnex, HistoryRow, RenderedChapter
from gap_analysis.model.gap import Gap
from gap_analysis.model.languages import WORDS, Words
from gap_analysis.model.people import Person
from gap_analysis.render.part_pdf import Refused


@dataclass(frozen=True, slots=True)
class Cover:
    title: str
    group: str
    label: str
    """The version name, or the working-draft label."""
    date: str
    """As printed, e.g. `1 April 2025`."""
    document: str = ""
    meeting: str = ""
    status: str = ""
    """The version's standing, e.g. `Agreed by SG17, Geneva, 8-17 April 2025`."""
    study_period: str = ""
    questions: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    editors: tuple[Person, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    """Further (label, value) rows for the cover table."""
    review_path_svg: str = ""
    """Trusted SVG made by `render.svg.review_path_svg` (a version's stage on the path)."""


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    authors: tuple[str, ...]
    subject: str
    keywords: tuple[str, ...]
    creator: str
    date: datetime
    custom: tuple[tuple[str, str], ...] = ()
    """Extra document-information entries, e.g. (`commit`, `3f2a...`)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the tool embeds in the PDF (PDF/A-3 sources). Content never adds one."""

    name: str
    data: bytes
    description: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    language: str
    running_title: str
    running_label: str
    footer: str
    """Left part of the footer (the document number, or the label when there is none)."""
    cover: Cover
    metadata: Metadata
    chapters: tuple[RenderedChapter, ...]
    gaps: tuple[Gap, ...] = ()
    history: tuple[HistoryRow, ...] = ()
    annexes: tuple[ExtraAnnex, ...] = ()
    watermark: bool = True
    watermark_text: str = "DRAFT"
    before_html: str = ""
    """Trusted HTML placed before the first chapter."""
    attachments: tuple[Attachment, ...] = field(default=())
    words: Words = WORDS["en"]
    """The words around the text (Contents, Annex, Page X of Y, the cover's labels)."""


@dataclass(frozen=True, slots=True)
class PdfOutput:
    """A laid-out PDF and what its layout reported (serial and parallel layout alike)."""

    pdf: bytes
    pages: int
    refused: tuple[Refused, ...]
    messages: tuple[str, ...]
    """WeasyPrint's own warnings and errors, for -v."""
    failed_images: tuple[tuple[str, str], ...] = ()
    """(repository path, WeasyPrint's reason) of each snapshot image it could not load
    (corrupt, truncated, too many pixels): left out of the PDF, so the build names it."""
