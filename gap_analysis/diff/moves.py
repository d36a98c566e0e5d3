"""Blocks that moved from one chapter to another.

The chapter differ finds moves inside a chapter. A block cut from one chapter
and pasted into another first shows as removed there and added here; this
pass, over the whole report, turns such a pair into two `moved` changes that
name each other's section, so the words are not counted as deleted and
inserted and a reader sees where the text went.

Only exact, unambiguous pairs are taken: the same kind of block with the same
text (white space folded), removed once and added once in the whole report,
and long enough to mean something (three words or more; any heading, gap
entry or table row).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from gap_analysis.model.diff import Change, ChangeKind, ChapterDiff
from gap_analysis.model.structure import BlockKind

_ALWAYS = {str(BlockKind.HEADING), str(BlockKind.GAP), str(BlockKind.TABLE_ROW)}
MIN_WORDS = 3

Key = tuple[str, str]
BlockIndex = tuple[int, int]
"""(index of the chapter diff, index of the change in it)."""


def _key(block: str, text: str) -> Key | None:
    if block in _ALWAYS or len(text.split()) >= MIN_WORDS:
        return block, " ".join(text.split())
    return None


def _unique(places: list[tuple[Key, BlockIndex]]) -> dict[Key, BlockIndex]:
    counts = Counter(key for key, _ in places)
    return {key: place for key, place in places if counts[key] == 1}


def cross_chapter_moves(chapters: tuple[ChapterDiff, ...]) -> tuple[ChapterDiff, ...]:
    removed: list[tuple[Key, BlockIndex]] = []
    added: list[tuple[Key, BlockIndex]] = []
    for c, chapter in enumerate(chapters):
        for i, change in enumerate(chapter.changes):
            if change.kind is ChangeKind.REMOVED:
                key = _key(change.block, change.old_text)
                if key:
                    removed.append((key, (c, i)))
            elif change.kind is ChangeKind.ADDED:
                key = _key(change.block, change.new_text)
                if key:
                    added.append((key, (c, i)))
    gone, came = _unique(removed), _unique(added)
    edits: dict[BlockIndex, Change] = {}
    for key, (old_c, old_i) in gone.items():
        target = came.get(key)
        if target is None or target[0] == old_c:
            continue
        new_c, new_i = target
        out, into = chapters[old_c].changes[old_i], chapters[new_c].changes[new_i]
        edits[(old_c, old_i)] = replace(
            out, kind=ChangeKind.MOVED, removed=(), new_text=out.old_text, moved_to=into.section
        )
        edits[(new_c, new_i)] = replace(
            into,
            kind=ChangeKind.MOVED,
            added=(),
            old_text=into.new_text,
            old_line=out.old_line,
            old_end_line=out.old_end_line,
            old_section=out.section,
        )
    if not edits:
        return chapters
    result = []
    for c, chapter in enumerate(chapters):
        changes = tuple(edits.get((c, i), change) for i, change in enumerate(chapter.changes))
        result.append(replace(chapter, changes=changes) if changes != chapter.changes else chapter)
    return tuple(result)
