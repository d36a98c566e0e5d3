"""One chapter's changes indexed by block identity, for the HTML renderer to mark as it renders.

The renderer of `build` (`markdown/html.py`) draws a redline by rendering the
newer chapter as usual and asking, at each block, what this index says about
the block's first file line: words to mark, a whole block inserted or moved,
blocks of the older chapter to draw (struck) before it. Keys are file lines of
the newer snapshot (the older one's for `old_line` spans), the identity the
document structure (`markdown/structure.py`) gives every block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from gap_analysis.model.diff import CHAPTER_BLOCK, SECTION_BLOCK, Change, ChangeKind, ChapterDiff


@dataclass(frozen=True, slots=True)
class OldPlace:
    """Blocks of the older chapter to draw, struck, before a block of the newer one.

    `note` is the stub's label ("moved to 6.3"); a plain removal has none.
    """

    old_line: int
    old_end_line: int
    note: str = ""
    section: bool = False
    """The whole span (a moved section), not one block."""


@dataclass(frozen=True, slots=True)
class MovedSection:
    """A section drawn at its new place (lines of the newer file) with a note where it came from."""

    new_line: int
    new_end_line: int
    note: str


@dataclass(frozen=True)
class ChapterMarks:
    """What to mark in one chapter of the newer snapshot, by block line."""

    blocks: dict[int, tuple[Change, ...]] = field(default_factory=dict)
    """Changes shown on a block of the newer chapter (added, modified, renamed, moved here, link)."""
    before: dict[int, tuple[OldPlace, ...]] = field(default_factory=dict)
    """Blocks of the older chapter drawn struck before the newer block at that line."""
    sections: tuple[MovedSection, ...] = ()
    chapter_note: str = ""
    """A note under the chapter's title (the chapter moved)."""
    sections_changed: frozenset[str] = frozenset()
    """Numbers of the sections of the newer chapter that show a change (for `--changed-only`)."""

    @property
    def old_lines(self) -> tuple[tuple[int, int], ...]:
        """Spans of the older chapter the redline draws, so the renderer captures only those."""
        return tuple((p.old_line, p.old_end_line) for ps in self.before.values() for p in ps)

    @classmethod
    def of(cls, chapter: ChapterDiff) -> ChapterMarks:
        blocks: dict[int, list[Change]] = defaultdict(list)
        before: dict[int, list[OldPlace]] = defaultdict(list)
        sections: list[MovedSection] = []
        touched: set[str] = set()
        note = ""
        for change in chapter.changes:
            touched.add(change.section)
            if change.block == CHAPTER_BLOCK:
                note = f"moved from {_chapter_word(change.old_section)} {change.old_section}"
                continue
            if change.block == SECTION_BLOCK:
                assert change.new_line is not None and change.old_line is not None
                sections.append(
                    MovedSection(
                        change.new_line,
                        change.new_end_line or change.new_line,
                        f"moved from {change.old_section}",
                    )
                )
                if change.from_line:
                    before[change.from_line].append(
                        OldPlace(
                            change.old_line,
                            change.old_end_line or change.old_line,
                            f"moved from here to {change.section}",
                            section=True,
                        )
                    )
                continue
            if change.kind is ChangeKind.REMOVED or change.moved_to:
                assert change.old_line is not None
                label = f"moved from here to {change.moved_to}" if change.moved_to else ""
                end = change.old_end_line or change.old_line
                before[change.at_line].append(OldPlace(change.old_line, end, label))
                continue
            if change.new_line is None:
                continue
            blocks[change.new_line].append(change)
            if change.kind is ChangeKind.MOVED and change.from_line and change.old_line:
                end = change.old_end_line or change.old_line
                before[change.from_line].append(
                    OldPlace(change.old_line, end, f"moved from here to {change.section}")
                )
        spans = [p for places in before.values() for p in places if p.section]

        def inside_another(place: OldPlace) -> bool:
            """A block (or subsection) of a moved section is drawn in that section's stub."""
            return any(
                s is not place and s.old_line <= place.old_line <= s.old_end_line for s in spans
            )

        kept = {line: [p for p in ps if not inside_another(p)] for line, ps in before.items()}
        return cls(
            {line: tuple(changes) for line, changes in blocks.items()},
            {line: tuple(places) for line, places in kept.items() if places},
            tuple(sections),
            note,
            frozenset(touched),
        )


def _chapter_word(number: str) -> str:
    return "annex" if number.isalpha() else "chapter"
