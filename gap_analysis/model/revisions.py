"""A diff laid onto the newer snapshot's blocks, for writers of native revision marks (DOCX).

The build service fills it from a `DiffResult` (word runs of paragraphs,
table cells and gap fields; blocks removed, added, moved), keyed by the file
line of each block of the newer snapshot, which is the line `model/flow`
blocks carry. A writer then needs no diff engine: it marks what it is told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a plain DOCX build imports this module, not the diff's
    from gap_analysis.model.diff import WordOp
    from gap_analysis.model.flow import Paragraph


class Mark(StrEnum):
    INSERTED = "inserted"
    DELETED = "deleted"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class BlockRevision:
    mark: Mark
    block: str
    """The block kind as the diff names it (`paragraph`, `list-item`, `table-row`, `gap`, ...)."""
    ops: tuple[WordOp, ...] = ()
    """Changed text as word runs; a deleted block's text as one `-` run."""
    cells: tuple[tuple[WordOp, ...], ...] = ()
    """Table rows: each column's word runs (changed or deleted rows)."""
    fields: tuple[tuple[str, tuple[WordOp, ...]], ...] = ()
    """Gap entries: (field name, word runs) of every field."""
    moved: bool = False
    """Inserted here / deleted there because the block moved (Word's move marks)."""
    move: str = ""
    """A moved block: the name its two ends share (Word pairs a move's ranges by it)."""
    level: int = 0
    """Deleted headings and list items: their level or depth."""
    label: str = ""
    """Deleted headings: the number as printed in the older snapshot."""
    old: Paragraph | None = None
    """Deleted paragraphs: the older paragraph as written (emphasis, links, images kept)."""


@dataclass(frozen=True, slots=True)
class ChapterRevisions:
    at: dict[int, BlockRevision] = field(default_factory=dict)
    """New file line -> what happened to the block standing there."""
    before: dict[int, tuple[BlockRevision, ...]] = field(default_factory=dict)
    """New file line -> older blocks, gone from here, shown (deleted) before that block."""
    end: tuple[BlockRevision, ...] = ()
    """Older blocks gone from the end of the chapter."""
    inserted: bool = False
    """The whole chapter is new."""
    labels: dict[int, str] = field(default_factory=dict)
    """New file line of a heading -> its older number, where the number changed."""


def changes(ops: tuple[WordOp, ...]) -> bool:
    """Whether word runs hold any insertion or deletion (any op but `model.diff.EQUAL`)."""
    return any(op.op != "=" for op in ops)


REGISTER_COLUMNS = ("section", "area", "gap", "lead", "priority", "status")
"""The gap register's columns after the id, as both the PDF and the DOCX print them."""


@dataclass(frozen=True, slots=True)
class RegisterRevision:
    """One row of the gap register: new, gone or changed (word runs per column)."""

    gap_id: str
    mark: Mark
    cells: tuple[tuple[WordOp, ...], ...] = ()
    """Changed and deleted rows: the runs of each of `REGISTER_COLUMNS`."""
    after: str = ""
    """Deleted rows: the id of the row they follow in the older register ("" = first)."""


@dataclass(frozen=True, slots=True)
class Revisions:
    author: str
    date: datetime
    chapters: dict[str, ChapterRevisions] = field(default_factory=dict)
    removed_chapters: tuple[tuple[BlockRevision, ...], ...] = ()
    """Chapters of the older snapshot that are gone: their blocks, heading first, all deleted."""
    register: tuple[RegisterRevision, ...] = ()
    had_register: bool = True
    """Whether the older snapshot had gap entries (else the whole register is new)."""
    old_lists: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """The older document's list of figures and of tables: `Figure 3: caption` entries."""
