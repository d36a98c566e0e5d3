"""What changed between two snapshots: the value objects of a structure-aware diff.

A `DiffResult` holds one `ChapterDiff` per chapter of either snapshot, each
with its `Change`s in reading order of the newer snapshot. Every renderer
(text, CriticMarkup, JSON, HTML and PDF redlines, the change summary) reads
these objects only, so they cannot disagree about what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from gap_analysis.model.wording import counted


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    MOVED = "moved"
    """A section or block that changed place, with or without edits (see `ops`)."""
    RENAMED = "renamed"
    """A chapter or section whose heading changed."""
    FORMATTING = "formatting"
    """Emphasis changed, the visible text did not."""
    LINK = "link"
    """A link or image now points elsewhere (`links` names both targets); the words may be the same."""


class ChapterChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    UNCHANGED = "unchanged"


SECTION_BLOCK = "section"
"""`Change.block` of a moved section (the change spans the whole section)."""
CHAPTER_BLOCK = "chapter"
"""`Change.block` of a chapter that changed place in the report."""

EQUAL, DELETE, INSERT = "=", "-", "+"


@dataclass(frozen=True, slots=True)
class WordOp:
    """One run of a word diff inside a block: kept (`=`), deleted (`-`) or inserted (`+`) words."""

    op: str
    text: str


@dataclass(frozen=True, slots=True)
class CellChange:
    """One changed table cell: its column (0-based), the column header and both texts."""

    column: int
    header: str
    old: str
    new: str
    ops: tuple[WordOp, ...] = ()
    """The word diff of the cell, filled by the diff engine (for redlines)."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field of a gap entry (None: the field is absent on that side)."""

    name: str
    old: str | None
    new: str | None
    ops: tuple[WordOp, ...] = ()
    """The word diff of the field, filled by the diff engine (for redlines)."""


@dataclass(frozen=True, slots=True)
class Change:
    section: str
    """Number of the section the change is in (the newer snapshot's, unless the section was removed)."""
    section_title: str
    kind: ChangeKind
    block: str
    """The block kind (`paragraph`, `table-row`, `gap`, ...), `section` or `chapter`."""
    old_line: int | None
    new_line: int | None
    old_end_line: int | None = None
    new_end_line: int | None = None
    removed: tuple[str, ...] = ()
    """Exactly the words deleted."""
    added: tuple[str, ...] = ()
    """Exactly the words inserted."""
    old_text: str = ""
    new_text: str = ""
    ops: tuple[WordOp, ...] = ()
    """The word diff of the block, for redlines (empty for added, removed, unedited moves)."""
    cells: tuple[CellChange, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    gap_id: str = ""
    old_section: str = ""
    """Moves: the section number in the older snapshot."""
    moved_to: str = ""
    """A block moved out of this chapter: the section (in the newer snapshot) it moved to."""
    at_line: int = 0
    """The newer snapshot's file line where the change shows (removed blocks: the next block's line)."""
    from_line: int = 0
    """Moves inside a chapter: the newer snapshot's file line where the block or section stood
    (the line of what now follows its old place), so a redline can leave a stub there."""
    links: tuple[tuple[str, str], ...] = ()
    """Link changes: (old target, new target) of each link or image that points elsewhere."""

    @property
    def old_span(self) -> tuple[int, int] | None:
        if self.old_line is None:
            return None
        return self.old_line, self.old_end_line or self.old_line

    @property
    def new_span(self) -> tuple[int, int] | None:
        if self.new_line is None:
            return None
        return self.new_line, self.new_end_line or self.new_line

    @property
    def describe(self) -> str:
        """One line saying what happened where, e.g. `modified table-row, line 12 -> 14`."""
        what = {SECTION_BLOCK: "section", CHAPTER_BLOCK: "chapter"}.get(self.block, self.block)
        if self.kind is ChangeKind.MOVED and self.moved_to:
            return f"moved {what} to {self.moved_to}, old line {self.old_line}"
        if self.kind is ChangeKind.MOVED:
            origin = f" from {self.old_section}" if self.old_section else ""
            return f"moved {what}{origin}, line {self.old_line} -> {self.new_line}"
        if self.kind is ChangeKind.ADDED:
            return f"added {what}, line {self.new_line}"
        if self.kind is ChangeKind.REMOVED:
            return f"removed {what}, old line {self.old_line}"
        if self.kind is ChangeKind.LINK:
            targets = "; ".join(f"{old} -> {new}" for old, new in self.links)
            return f"link target changed in {what}, line {self.new_line}: {targets}"
        return f"{self.kind} {what}, line {self.old_line} -> {self.new_line}"

    def as_json(self) -> dict[str, object]:
        return {
            "section": self.section,
            "kind": str(self.kind),
            "block": self.block,
            "old_line": self.old_line,
            "new_line": self.new_line,
            "removed": list(self.removed),
            "added": list(self.added),
            "old_text": self.old_text,
            "new_text": self.new_text,
        }


@dataclass(frozen=True, slots=True)
class ChapterDiff:
    id: str
    title: str
    """The newer title (the older one for a removed chapter)."""
    number: str
    status: ChapterChangeKind
    changes: tuple[Change, ...] = ()
    old_title: str = ""
    old_number: str = ""
    old_path: str = ""
    new_path: str = ""

    @property
    def heading(self) -> str:
        """`Chapter 2 Method`, `Annex A Terms (was: Words)`."""
        prefix = "Annex" if self.number.isalpha() else "Chapter"
        renamed = (
            f" (was: {self.old_title})" if self.old_title and self.old_title != self.title else ""
        )
        return f"{prefix} {self.number} {self.title}{renamed}"

    @property
    def words_added(self) -> int:
        return sum(len(c.added) for c in self.changes)

    @property
    def words_removed(self) -> int:
        return sum(len(c.removed) for c in self.changes)

    @property
    def sections_touched(self) -> tuple[tuple[str, str], ...]:
        """(number, title) of each section with a change, in reading order, once each."""
        seen: dict[tuple[str, str], None] = {}
        for change in self.changes:
            seen.setdefault((change.section, change.section_title), None)
        return tuple(seen)

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "status": str(self.status),
            "changes": [c.as_json() for c in self.changes],
        }


@dataclass(frozen=True, slots=True)
class SnapshotRef:
    """Which snapshot a side of the diff is: what the user named and the commit it resolved to."""

    ref: str
    commit: str | None
    label: str = ""
    version: str = ""
    """The version the name resolved to (a baseline such as `@published` names one)."""

    def as_json(self) -> dict[str, object]:
        """`ref` and `commit`, and `version` when the name resolved to one."""
        data: dict[str, object] = {"ref": self.ref, "commit": self.commit}
        if self.version:
            data["version"] = self.version
        return data

    @property
    def side_label(self) -> str:
        """How the side is named to a reader: `v0.2`, `HEAD (1a2b3c4d5e)`, `working tree`;
        a name that resolved to a version says which: `@published (v0.2, 68c18fcb64)`."""
        if self.ref and self.commit and not self.commit.startswith(self.ref):
            version = f"{self.version}, " if self.version and self.version != self.ref else ""
            return f"{self.ref} ({version}{self.commit[:10]})"
        if self.ref:
            return self.ref
        return self.label or "working tree"


@dataclass(frozen=True, slots=True)
class DiffStats:
    words_added: int
    words_removed: int
    chapters_changed: int

    @property
    def line(self) -> str:
        """`2 chapters changed, 14 words added, 1 word removed`."""
        return (
            f"{counted(self.chapters_changed, 'chapter')} changed, "
            f"{counted(self.words_added, 'word')} added, "
            f"{counted(self.words_removed, 'word')} removed"
        )


@dataclass(frozen=True, slots=True)
class DiffResult:
    old: SnapshotRef
    new: SnapshotRef
    chapters: tuple[ChapterDiff, ...] = field(default=())

    @property
    def changed_chapters(self) -> tuple[ChapterDiff, ...]:
        return tuple(c for c in self.chapters if c.status is not ChapterChangeKind.UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_chapters)

    @property
    def heading(self) -> str:
        return f"Changes from {self.old.side_label} to {self.new.side_label}"

    @property
    def headline(self) -> str:
        return self.stats.line

    @property
    def stats(self) -> DiffStats:
        return DiffStats(
            sum(c.words_added for c in self.chapters),
            sum(c.words_removed for c in self.chapters),
            len(self.changed_chapters),
        )

    def as_json(self) -> dict[str, object]:
        stats = self.stats
        return {
            "old": self.old.as_json(),
            "new": self.new.as_json(),
            "stats": {
                "words_added": stats.words_added,
                "words_removed": stats.words_removed,
                "chapters_changed": stats.chapters_changed,
            },
            "chapters": [c.as_json() for c in self.changed_chapters],
        }


@dataclass(frozen=True, slots=True)
class GapChange:
    """A gap entry that came, went or changed between two snapshots."""

    id: str
    status: str
    """`added`, `removed` or `changed`."""
    chapter: str
    section: str
    title: str = ""
    """The entry's `gap` field (the newer one), so a listing says what the gap is."""
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ChapterSummary:
    id: str
    number: str
    title: str
    status: ChapterChangeKind
    words_added: int
    words_removed: int
    sections: tuple[tuple[str, str], ...]
    """(number, title) of each section touched."""


@dataclass(frozen=True, slots=True)
class SummaryEvent:
    """A review event recorded between the two snapshots (copied from the review records)."""

    date: str
    version: str
    action: str
    from_state: str
    to_state: str
    actor: str
    note: str = ""
    meeting: str = ""


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    old: SnapshotRef
    new: SnapshotRef
    stats: DiffStats
    chapters: tuple[ChapterSummary, ...]
    gaps: tuple[GapChange, ...] = ()
    events: tuple[SummaryEvent, ...] | None = None
    """None when review events were not looked up (as opposed to: there were none)."""
