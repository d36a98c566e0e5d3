"""A chapter parsed into sections and blocks: the unit of structure-aware diffs and checks."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list-item"
    TABLE_ROW = "table-row"
    CODE = "code"
    GAP = "gap"
    QUOTE = "quote"
    FOOTNOTE = "footnote"
    RULE = "rule"
    DEFINITION = "definition"


@dataclass(frozen=True, slots=True)
class Link:
    """A link or image in a chapter, with the line it stands on (in the chapter file)."""

    target: str
    line: int
    is_image: bool = False


@dataclass(frozen=True, slots=True)
class Label:
    """A numbered figure (`{#fig-x}` after an image) or table (`: Caption {#tbl-x}`)."""

    kind: str
    """`fig` or `tbl`: the label's prefix."""
    name: str
    """The whole label, `fig-x`: unique in the report, the target of `@fig-x`."""
    caption: str
    line: int


@dataclass(frozen=True, slots=True)
class CrossRef:
    """An `@name` reference (`@fig-x`, `@tbl-x`, `@sec-x`, `@G-AA-01`) on a line of the chapter file."""

    name: str
    line: int


@dataclass(frozen=True, slots=True)
class Block:
    """One leaf block.

    `text` is the visible text with white space folded, so re-wrapping a
    paragraph or changing line ends is no change. `formatting` records emphasis
    and link targets, so a change of formatting alone is told apart.
    """

    kind: BlockKind
    text: str
    line: int
    """1-based line in the chapter file."""
    end_line: int
    source: str = ""
    """The block's Markdown source lines."""
    cells: tuple[str, ...] = ()
    """Table rows: the text of each cell."""
    level: int = 0
    """Headings: 1-6; list items: nesting depth."""
    formatting: str = ""
    anchor: str = ""
    """Headings: the anchor; gap entries: the gap id."""


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the blocks up to the next heading. The chapter's preamble has level 1."""

    anchor: str
    title: str
    number: str
    level: int
    line: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading as numbered in the report."""

    anchor: str
    title: str
    number: str
    level: int
    line: int
    explicit_anchor: bool = False


@dataclass(frozen=True, slots=True)
class ChapterStructure:
    chapter_id: str
    path: str
    number: str
    title: str
    sections: tuple[Section, ...]
    links: tuple[Link, ...] = ()
    labels: tuple[Label, ...] = ()
    """Numbered figures and tables, in the order they stand."""
    refs: tuple[CrossRef, ...] = ()
    is_annex: bool = False
    former_ids: tuple[str, ...] = ()
    """The chapter's ids before it was renamed (`Chapter.former_ids`)."""

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(Heading(s.anchor, s.title, s.number, s.level, s.line) for s in self.sections)
