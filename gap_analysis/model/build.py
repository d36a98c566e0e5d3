"""Value objects shared by the Markdown renderer, the PDF renderer and the build service.

They live in `model/` so that `markdown/` (which produces them) and `render/`
(which consumes them) need not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gap_analysis.model.finding import Finding
from gap_analysis.model.gap import Gap

VARIANTS = ("pdf/ua-1", "pdf/a-3u")
"""PDF variants `build --variant` offers (here, so the command's options need no renderer)."""


@dataclass(frozen=True, slots=True)
class TocEntry:
    """A heading as the contents page lists it."""

    anchor: str
    """The element id in the assembled HTML (`method--scope`)."""
    number: str
    title: str
    level: int


@dataclass(frozen=True, slots=True)
class Reference:
    """An image a chapter names, with where it is named.

    `path` is the repository-relative file the renderer may fetch, or "" when
    the reference was refused before rendering (`reason` says why).
    """

    target: str
    """As written in the Markdown."""
    path: str
    file: str
    line: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class RenderedChapter:
    """One chapter as HTML, with what the document around it needs to know."""

    id: str
    number: str
    title: str
    is_annex: bool
    html: str
    toc: tuple[TocEntry, ...] = ()
    gaps: tuple[Gap, ...] = ()
    images: tuple[Reference, ...] = ()
    problems: tuple[tuple[str, int, str], ...] = ()
    """(file, line, message) of content the renderer could not use as written."""
    figures: tuple[TocEntry, ...] = ()
    """Numbered figures, for the list of figures (`number` as printed: `3`, `A.1`)."""
    tables: tuple[TocEntry, ...] = ()
    lang: str = ""
    """The chapter's own language (front matter `lang`), "" for the report's."""
    rtl: bool = False
    """Laid out right to left (a chapter in Arabic, for instance)."""


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One row of the document-history table on the page after the cover."""

    version: str
    date: str
    """As it should be printed, e.g. `2025-04-17`."""
    event: str
    """What happened, e.g. `Agreed by SG17, Geneva`."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ExtraAnnex:
    """An annex another service adds (changes since a version, comment disposition)."""

    title: str
    html: str
    """Trusted HTML produced by this tool (never user Markdown passed through unrendered)."""
    id: str
    """Element id, unique in the document (e.g. `comments-disposition`)."""


@dataclass(frozen=True, slots=True)
class BuildExtras:
    """What other use cases add to a build: standing, history, annexes, overrides.

    Every field is part of the cache key, so a change here rebuilds the PDF.
    """

    cover_status: str = ""
    """The version's standing, e.g. `Agreed by SG17, Geneva, 8-17 April 2025`."""
    state: str = ""
    """The review state named in the PDF subject (default: `draft`)."""
    history: tuple[HistoryRow, ...] = ()
    annexes: tuple[ExtraAnnex, ...] = ()
    watermark: bool | None = None
    """None: follow `[pdf] watermark` in report.toml; False turns it off (published versions)."""
    document: str = ""
    """Document number; overrides `[report] document`."""
    meeting: str = ""
    """Meeting; overrides `[report] meeting`."""
    review_path_svg: str = ""
    """Trusted SVG of the review path with the version's stage marked, for the cover."""
    body_html_before: str = ""
    """Trusted HTML placed before the first chapter (e.g. a redline legend)."""
    labels: dict[str, str] = field(default_factory=dict)
    """Free-form key/values shown on the cover under the standing (e.g. `Previous version`)."""
    chapter_html: tuple[tuple[str, str], ...] = ()
    """(chapter id, trusted HTML) replacing that chapter's rendered body: a redline of it."""
    only_chapters: tuple[str, ...] | None = None
    """When set, only these chapters are laid out (a redline of the changed ones)."""
    files: tuple[tuple[str, bytes], ...] = ()
    """Further files the renderer may fetch, by path: a redline's images of the older snapshot."""
    warnings: tuple[Finding, ...] = ()
    """Problems found while making the extras (a redline's unreadable old image), reported by the build."""
    file_tag: str = ""
    """Added to the default file name: a version's state and its record's last change
    (`sg17-20250410T090000Z`), so two PDFs of one version that differ never share a name."""
