"""Two snapshots' chapter structures -> a `DiffResult`.

Chapters are matched by id, then by a former id (`chapter rename`), then by
file, then by title. A chapter that did
not change is recognised by comparing its blocks (same objects when the
service parsed one body once), so an edit to one chapter of twenty costs one
chapter's work.
"""

from __future__ import annotations

from collections.abc import Sequence

from gap_analysis.diff import align
from gap_analysis.diff.blocks import BlockPlace, GapFields, whole
from gap_analysis.diff.moves import cross_chapter_moves
from gap_analysis.diff.sections import ChapterDiffer
from gap_analysis.diff.words import title_similarity, word_diff
from gap_analysis.model.diff import (
    CHAPTER_BLOCK,
    Change,
    ChangeKind,
    ChapterChangeKind,
    ChapterDiff,
    DiffResult,
    SnapshotRef,
)
from gap_analysis.model.structure import BlockKind, ChapterStructure

TITLE_SIMILAR = 0.8


MATCHES = (
    ("chapter_id", "chapter_id"),
    ("chapter_id", "former_ids"),  # `chapter rename` kept the old id in `former_ids`
    ("path", "path"),
    ("title", "title"),
)
"""In order: the attribute of an old chapter, and the attribute of a new one looked up by it."""


def match_chapters(
    old: Sequence[ChapterStructure], new: Sequence[ChapterStructure]
) -> list[align.Pair]:
    pairs: list[align.Pair] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for old_attribute, new_attribute in MATCHES:
        index = {
            getattr(c, old_attribute): i
            for i, c in reversed(list(enumerate(old)))
            if i not in used_old
        }
        for j, chapter in enumerate(new):
            value = getattr(chapter, new_attribute)
            for key in value if isinstance(value, tuple) else (value,):
                i = index.get(key)
                if j not in used_new and i is not None and i not in used_old:
                    pairs.append((i, j))
                    used_old.add(i)
                    used_new.add(j)
    for j, chapter in enumerate(new):
        if j in used_new:
            continue
        best, best_i = TITLE_SIMILAR, -1
        for i, other in enumerate(old):
            if (
                i not in used_old
                and (score := title_similarity(other.title, chapter.title)) >= best
            ):
                best, best_i = score, i
        if best_i >= 0:
            pairs.append((best_i, j))
            used_old.add(best_i)
            used_new.add(j)
    return sorted(pairs, key=lambda p: p[1])


def diff_chapter(
    old: ChapterStructure,
    new: ChapterStructure,
    gap_fields: GapFields | None = None,
    *,
    moved: bool = False,
) -> ChapterDiff:
    changes: list[Change] = []
    if moved:
        changes.append(
            Change(
                new.number,
                new.title,
                ChangeKind.MOVED,
                CHAPTER_BLOCK,
                _first_line(old),
                _first_line(new),
                old_text=old.title,
                new_text=new.title,
                old_section=old.number,
                at_line=_first_line(new),
            )
        )
    if old is not new and [s.blocks for s in old.sections] != [s.blocks for s in new.sections]:
        changes.extend(ChapterDiffer(old, new, gap_fields).run())
    if old.title != new.title and not any(
        c.kind is ChangeKind.RENAMED and c.section == new.number for c in changes
    ):
        diff = word_diff(old.title, new.title)
        changes.insert(
            int(moved),
            Change(
                new.number,
                new.title,
                ChangeKind.RENAMED,
                str(BlockKind.HEADING),
                _first_line(old),
                _first_line(new),
                removed=diff.removed,
                added=diff.added,
                old_text=old.title,
                new_text=new.title,
                ops=diff.ops,
                at_line=_first_line(new),
            ),
        )
    status = ChapterChangeKind.MODIFIED if changes else ChapterChangeKind.UNCHANGED
    return ChapterDiff(
        new.chapter_id,
        new.title,
        new.number,
        status,
        tuple(changes),
        old_title=old.title,
        old_number=old.number,
        old_path=old.path,
        new_path=new.path,
    )


def whole_chapter(structure: ChapterStructure, *, added: bool) -> ChapterDiff:
    """A chapter only one side has: every block of it added (or removed)."""
    kind = ChangeKind.ADDED if added else ChangeKind.REMOVED
    changes: list[Change] = []
    for section in structure.sections:
        place = BlockPlace(section.number, section.title, section.line)
        changes.extend(whole(kind, block, place, old=not added) for block in section.blocks)
    status = ChapterChangeKind.ADDED if added else ChapterChangeKind.REMOVED
    path = structure.path
    return ChapterDiff(
        structure.chapter_id,
        structure.title,
        structure.number,
        status,
        tuple(changes),
        old_title="" if added else structure.title,
        old_number="" if added else structure.number,
        old_path="" if added else path,
        new_path=path if added else "",
    )


def diff_reports(
    old: Sequence[ChapterStructure],
    new: Sequence[ChapterStructure],
    old_ref: SnapshotRef,
    new_ref: SnapshotRef,
    gap_fields: GapFields | None = None,
) -> DiffResult:
    """Every chapter of either side, in the newer order; removed chapters where they stood."""
    pairs = match_chapters(old, new)
    moved = align.moved(pairs)
    old_of = {j: i for i, j in pairs}
    matched_old = {i for i, _ in pairs}
    ordered: list[tuple[float, ChapterDiff]] = []
    for j, chapter in enumerate(new):
        i = old_of.get(j)
        if i is None:
            ordered.append((j, whole_chapter(chapter, added=True)))
        else:
            ordered.append((j, diff_chapter(old[i], chapter, gap_fields, moved=(i, j) in moved)))
    new_of = dict(pairs)
    for i, chapter in enumerate(old):
        if i not in matched_old:
            before = max((new_of[p] for p in range(i) if p in new_of), default=-1)
            ordered.append(
                (before + 0.5 + i / (len(old) + 1) / 2, whole_chapter(chapter, added=False))
            )
    chapters = tuple(d for _pos, d in sorted(ordered, key=lambda x: x[0]))
    return DiffResult(old_ref, new_ref, cross_chapter_moves(chapters))


def _first_line(structure: ChapterStructure) -> int:
    return structure.sections[0].line if structure.sections else 1
