"""A chapter as a flow of printable blocks, for writers that are not HTML (the DOCX writer).

`markdown/flow.py` fills it from the same markdown-it tokens the HTML renderer
walks, with links, images and gap entries resolved by the same rules; a
writer only lays the blocks out. Ids are the HTML renderer's element ids
(`method--scope`, `G-AA-01`), so cross-references mean the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from gap_analysis.model.build import ExtraAnnex, HistoryRow, Reference, TocEntry
from gap_analysis.model.gap import Gap
from gap_analysis.model.languages import WORDS, Words
from gap_analysis.model.people import Person


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one formatting; or a footnote reference, an image, a line break."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    link: str = ""
    """An external URL, or `#id` for a place in the document; "" for no link."""
    footnote: int = 0
    """A reference to the chapter's footnote N (1-based); `text` is empty."""
    image: str = ""
    """Repository path of an image standing here (`text` is its alt text)."""
    image_title: str = ""
    line_break: bool = False
    footnote_label: str = ""
    """The footnote's label as written (`[^src]`), so a redline can find it in diff text."""
    diff_text: str | None = None
    """The words the diff engine counts for this run (`markdown.structure.inline_text`) where
    they are not `text`: "" for a link with no text, printed as its target's number or URL;
    `@fig-x` for a cross-reference printed as `Figure 2`; an image's alt text as written
    (`An *old* chart`) where it has emphasis or code. A redline lays the diff's words
    onto the runs by them."""


class ParaStyle(StrEnum):
    BODY = "body"
    BULLET = "bullet"
    NUMBERED = "numbered"
    CONTINUED = "continued"
    """A later paragraph of a list item."""
    QUOTE = "quote"
    CODE = "code"
    TERM = "term"
    DEFINITION = "definition"


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: ParaStyle = ParaStyle.BODY
    level: int = 0
    """List nesting depth (1 for a top-level item)."""
    number: int = 0
    """Numbered list items: the item's number."""
    line: int = 0
    """The file line where the block starts (the diff engine's block line), for redlines."""
    id: str = ""
    """A numbered figure's element id (`method--fig-x`), bookmarked for references."""


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    number: str
    label: str
    """What is printed before the title: the number, or `Annex A`."""
    runs: tuple[Run, ...]
    id: str
    """The element id (`method--scope`; the chapter id for the chapter title)."""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Table:
    rows: tuple[tuple[tuple[Run, ...], ...], ...]
    header_rows: int = 1
    lines: tuple[int, ...] = ()
    """The file line of each row."""
    caption: tuple[Run, ...] = ()
    """A numbered table's caption, "Table 2: " first."""
    id: str = ""
    """A numbered table's element id, bookmarked for references."""


@dataclass(frozen=True, slots=True)
class GapBox:
    gap: Gap
    line: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    line: int = 0


FlowBlock = Paragraph | Heading | Table | GapBox | Rule


@dataclass(frozen=True, slots=True)
class Footnote:
    number: int
    paragraphs: tuple[Paragraph, ...]
    label: str = ""


@dataclass(frozen=True, slots=True)
class FlowChapter:
    id: str
    number: str
    title: str
    is_annex: bool
    blocks: tuple[FlowBlock, ...]
    footnotes: tuple[Footnote, ...] = ()
    gaps: tuple[Gap, ...] = ()
    images: tuple[Reference, ...] = ()
    problems: tuple[tuple[str, int, str], ...] = field(default=())
    """(file, line, message) of content that could not be used as written."""
    figures: tuple[TocEntry, ...] = ()
    """Numbered figures for the list of figures, as the PDF's (`RenderedChapter.figures`)."""
    tables: tuple[TocEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class FlowDocument:
    """A whole report for a non-HTML writer: the ITU TD cover's facts, then the chapters.

    Built by the build service from `report.toml`, the snapshot and the
    version's record, as the PDF's cover is.
    """

    title: str
    group: str
    label: str
    """The version name, or the working-draft label."""
    date: datetime
    """The snapshot's commit date: the document's dates, never the wall clock."""
    commit: str
    chapters: tuple[FlowChapter, ...]
    gaps: tuple[Gap, ...] = ()
    document: str = ""
    meeting: str = ""
    study_period: str = ""
    questions: str = ""
    purpose: str = ""
    status: str = ""
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    editors: tuple[Person, ...] = ()
    language: str = "en"
    subject: str = ""
    creator: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    """Further (label, value) rows for the cover table."""
    history: tuple[HistoryRow, ...] = ()
    annexes: tuple[ExtraAnnex, ...] = ()
    """The tool's annexes after the gap register, as the PDF prints them (change summary, comments)."""
    words: Words = WORDS["en"]
    """The words the document prints around the report's text (`ReportSettings.words`)."""
