"""One chapter's two structures -> its changes, section by section.

Sections are matched by anchor, then by title or content similarity; a
matched section outside the longest run kept in order has moved. Blocks are
matched inside each pair of sections by key (hash of kind and text), then by
similarity; what is left over anywhere in the chapter is matched once more
across sections, so a paragraph moved from one section to another is a move,
not a deletion and an insertion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from gap_analysis.diff import align
from gap_analysis.diff.blocks import BlockPlace, GapFields, block_key, compare, whole, with_headers
from gap_analysis.diff.words import similarity, title_similarity
from gap_analysis.model.diff import SECTION_BLOCK, Change, ChangeKind
from gap_analysis.model.structure import Block, BlockKind, ChapterStructure, Section

SortKey = tuple[float, float, int]
_PROSE = {
    BlockKind.PARAGRAPH,
    BlockKind.LIST_ITEM,
    BlockKind.QUOTE,
    BlockKind.DEFINITION,
}
"""Kinds of block that may be one edited block though their kind changed (a paragraph made a
list item). A footnote is not among them: it is drawn among the notes, not where it stands in
the file, so a footnote paired with a paragraph would show the old note's words in the text."""
SIMILAR = 0.5
"""Two blocks at the same place are one edited block when at least half their words agree."""
MOVED_SIMILAR = 0.6
"""Blocks at different places must agree more before they are called one moved block."""
MAX_POOL = 40_000
"""Largest (removed x added) product for which moved-and-edited blocks are looked for."""


def _family(kind: BlockKind) -> str:
    return "prose" if kind in _PROSE else str(kind)


def block_similarity(old: Block, new: Block, *, in_place: bool = False) -> float:
    """0..1; table rows of one width also count their equal cells (one changed cell of two).

    `in_place`: the blocks stand at the same place, so a block that keeps the
    other's words and adds to them is one edited block (see `similarity`).
    """
    if _family(old.kind) != _family(new.kind):
        return 0.0
    words = similarity(old.text, new.text, containment=in_place)
    if old.kind is BlockKind.TABLE_ROW and len(old.cells) == len(new.cells) > 1:
        same = sum(1 for x, y in zip(old.cells, new.cells, strict=True) if x == y)
        return max(words, same / len(old.cells))
    return words


def _heading(section: Section) -> Block | None:
    first = section.blocks[0] if section.blocks else None
    return first if first is not None and first.kind is BlockKind.HEADING else None


def _body(section: Section) -> tuple[Block, ...]:
    return section.blocks[1:] if _heading(section) is not None else section.blocks


def _content(section: Section) -> set[tuple[str, str]]:
    return {block_key(b) for b in _body(section)}


def match_sections(old: tuple[Section, ...], new: tuple[Section, ...]) -> list[align.Pair]:
    """Preamble to preamble; then by anchor (n-th occurrence to n-th); then by similarity."""
    pairs: list[align.Pair] = [(0, 0)] if old and new else []
    by_anchor: dict[str, list[int]] = defaultdict(list)
    for j, section in enumerate(new[1:], 1):
        by_anchor[section.anchor].append(j)
    for i, section in enumerate(old[1:], 1):
        if by_anchor.get(section.anchor):
            pairs.append((i, by_anchor[section.anchor].pop(0)))
    used_old = {i for i, _ in pairs}
    used_new = {j for _, j in pairs}
    rest_old = [i for i in range(len(old)) if i not in used_old]
    rest_new = [j for j in range(len(new)) if j not in used_new]
    if rest_old and rest_new and len(rest_old) * len(rest_new) <= 10_000:
        scored = []
        for i in rest_old:
            content = _content(old[i])
            for j in rest_new:
                other = _content(new[j])
                overlap = len(content & other) / len(content | other) if content | other else 0.0
                score = max(title_similarity(old[i].title, new[j].title), overlap)
                if score >= 0.6 and old[i].level == new[j].level:
                    scored.append((score, i, j))
        for _score, i, j in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
            if i not in used_old and j not in used_new:
                pairs.append((i, j))
                used_old.add(i)
                used_new.add(j)
    return sorted(pairs, key=lambda p: p[1])


def _parents(sections: tuple[Section, ...]) -> list[int]:
    parents: list[int] = []
    stack: list[int] = []
    for index, section in enumerate(sections):
        while stack and sections[stack[-1]].level >= section.level:
            stack.pop()
        parents.append(stack[-1] if stack else -1)
        stack.append(index)
    return parents


def _subtree_end(sections: tuple[Section, ...], index: int) -> int:
    """The last file line of a section and its subsections."""
    level = sections[index].level
    last = index
    while last + 1 < len(sections) and sections[last + 1].level > level:
        last += 1
    blocks = [b for s in sections[index : last + 1] for b in s.blocks]
    return max((b.end_line for b in blocks), default=sections[index].line)


class ChapterDiffer:
    """Collects one chapter's changes with the keys that put them in reading order."""

    def __init__(self, old: ChapterStructure, new: ChapterStructure, gap_fields: GapFields | None):
        self.old, self.new, self.gap_fields = old, new, gap_fields
        self.out: list[tuple[SortKey, Change]] = []
        self.pool_old: list[tuple[SortKey, BlockPlace, Block]] = []
        self.pool_new: list[tuple[SortKey, BlockPlace, Block, Block | None]] = []
        self.seq = 0

    def key(self, section: float, block: float) -> SortKey:
        self.seq += 1
        return (section, block, self.seq)

    def run(self) -> list[Change]:
        old, new = self.old.sections, self.new.sections
        pairs = match_sections(old, new)
        moved = align.moved(pairs)
        new_of = {i: j for i, j in pairs}
        old_of = {j: i for i, j in pairs}
        old_parent, new_parent = _parents(old), _parents(new)
        for j, section in enumerate(new):
            place = BlockPlace(section.number, section.title, section.line)
            i = old_of.get(j)
            if i is None:
                for k, block in enumerate(section.blocks):
                    self.pool_new.append((self.key(j, k), place, block, None))
                continue
            if (i, j) in moved:
                parent = new_parent[j]
                carried = (
                    parent >= 0
                    and (old_of.get(parent), parent) in moved
                    and old_of.get(parent) == old_parent[i]
                )
                if not carried:
                    self.out.append(
                        (
                            self.key(j, -1),
                            Change(
                                section.number,
                                section.title,
                                ChangeKind.MOVED,
                                SECTION_BLOCK,
                                old[i].line,
                                section.line,
                                _subtree_end(old, i),
                                _subtree_end(new, j),
                                old_text=old[i].title,
                                new_text=section.title,
                                old_section=old[i].number,
                                at_line=section.line,
                                from_line=self.stub_line(i, j, new_of, moved),
                            ),
                        )
                    )
            self.section_pair(old[i], section, j)
        for i, section in enumerate(old):
            if i in new_of:
                continue
            # after the last older section before it that kept its place: a section that
            # moved away would carry the removed one along (and rejecting would misplace it)
            before = max(
                (new_of[p] for p in range(i) if p in new_of and (p, new_of[p]) not in moved),
                default=0,
            )
            at = new[before + 1].line if before + 1 < len(new) else self.end_line()
            place = BlockPlace(section.number, section.title, at)
            for k, block in enumerate(section.blocks):
                self.pool_old.append((self.key(before + 0.5, k), place, block))
        self.match_pools()
        return [change for _key, change in sorted(self.out, key=lambda item: item[0])]

    def stub_line(self, i: int, j: int, new_of: dict[int, int], moved: set[align.Pair]) -> int:
        """Where old section `i` (now `j`) stood, as a line of the newer file: the start of the
        section that now follows the newer place of the old section before it."""
        old, new = self.old.sections, self.new.sections
        end = i
        while end + 1 < len(old) and old[end + 1].level > old[i].level:
            end += 1
        after = [
            new_of[p]
            for p in range(end + 1, len(old))
            if p in new_of and (p, new_of[p]) not in moved
        ]
        after = [k for k in after if k != j]
        if after:
            return new[min(after)].line
        return self.end_line()

    def end_line(self) -> int:
        blocks = [b for s in self.new.sections for b in s.blocks]
        return max((b.end_line for b in blocks), default=1) + 1

    def section_pair(self, old: Section, new: Section, j: int) -> None:
        place = BlockPlace(new.number, new.title, new.line, old.number)
        old_head, new_head = _heading(old), _heading(new)
        if old_head is not None and new_head is not None:
            for change in compare(old_head, new_head, place, kind=ChangeKind.RENAMED):
                self.out.append((self.key(j, -0.5), change))
        elif old_head is not None:
            self.out.append(
                (self.key(j, -0.5), whole(ChangeKind.REMOVED, old_head, place, old=True))
            )
        elif new_head is not None:
            self.out.append(
                (self.key(j, -0.5), whole(ChangeKind.ADDED, new_head, place, old=False))
            )
        a, b = _body(old), _body(new)
        if [(x.text, x.formatting, x.kind) for x in a] == [
            (y.text, y.formatting, y.kind) for y in b
        ]:
            return
        pairs = align.equal_runs([block_key(x) for x in a], [block_key(y) for y in b])
        headers = _table_headers(b)
        for ia, jb in pairs:
            self.emit(compare(a[ia], b[jb], place, gap_fields=self.gap_fields), j, jb, headers)
        for old_range, new_range in align.gaps_between(pairs, len(a), len(b)):

            def score(x: int, y: int) -> float:
                return block_similarity(a[x], b[y], in_place=True)

            similar = align.pair_similar(old_range, new_range, score, SIMILAR)
            for ia, jb in similar:
                self.emit(compare(a[ia], b[jb], place, gap_fields=self.gap_fields), j, jb, headers)
            taken_old = {ia for ia, _ in similar}
            taken_new = {jb for _, jb in similar}
            start = new_range.start
            stop = new_range.stop
            end_at = b[stop].line if stop < len(b) else new.line if not b else b[-1].end_line + 1
            for ia in old_range:
                if ia not in taken_old:
                    # Drawn before the first kept block that stood after it (else at the
                    # region's end), so a redline keeps the older order.
                    later = [jb for x, jb in similar if x > ia]
                    at = b[min(later)].line if later else end_at
                    removed_place = replace(place, at_line=at)
                    self.pool_old.append((self.key(j, start - 0.5), removed_place, a[ia]))
            for jb in new_range:
                if jb not in taken_new:
                    self.pool_new.append((self.key(j, jb), place, b[jb], headers[jb]))

    def emit(self, changes: list[Change], j: int, jb: int, headers: list[Block | None]) -> None:
        for change in changes:
            self.out.append((self.key(j, jb), with_headers(change, headers[jb])))

    def match_pools(self) -> None:
        """Left-over blocks: the same block elsewhere in the chapter moved; the rest came or went."""
        waiting: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, (_key, _place, block) in enumerate(self.pool_old):
            waiting[block_key(block)].append(index)
        used: set[int] = set()
        unmatched_new = []
        for sort_key, place, block, header in self.pool_new:
            candidates = waiting.get(block_key(block))
            if candidates and block.kind is not BlockKind.HEADING:
                index = candidates.pop(0)
                used.add(index)
                self._moved(sort_key, place, self.pool_old[index], block, header)
            else:
                unmatched_new.append((sort_key, place, block, header))
        rest_old = [i for i in range(len(self.pool_old)) if i not in used]
        if rest_old and unmatched_new and len(rest_old) * len(unmatched_new) <= MAX_POOL:
            still_new = []
            for sort_key, place, block, header in unmatched_new:
                best, best_index = MOVED_SIMILAR, -1
                if len(block.text.split()) >= 5 and block.kind is not BlockKind.HEADING:
                    for index in rest_old:
                        other = self.pool_old[index][2]
                        if index in used or _family(other.kind) != _family(block.kind):
                            continue
                        value = block_similarity(other, block)
                        if value > best:
                            best, best_index = value, index
                if best_index >= 0:
                    used.add(best_index)
                    self._moved(sort_key, place, self.pool_old[best_index], block, header)
                else:
                    still_new.append((sort_key, place, block, header))
            unmatched_new = still_new
        for sort_key, place, block, _header in unmatched_new:
            self.out.append((sort_key, whole(ChangeKind.ADDED, block, place, old=False)))
        for index, (sort_key, place, block) in enumerate(self.pool_old):
            if index not in used:
                self.out.append((sort_key, whole(ChangeKind.REMOVED, block, place, old=True)))

    def _moved(
        self,
        sort_key: SortKey,
        place: BlockPlace,
        old: tuple[SortKey, BlockPlace, Block],
        block: Block,
        header: Block | None,
    ) -> None:
        moved_place = replace(place, old_section=old[1].section)
        for change in compare(
            old[2],
            block,
            moved_place,
            kind=ChangeKind.MOVED,
            force=True,
            gap_fields=self.gap_fields,
        ):
            if change.kind is ChangeKind.MOVED:
                change = replace(change, from_line=old[1].at_line)
            self.out.append((sort_key, with_headers(change, header)))


def _table_headers(blocks: tuple[Block, ...]) -> list[Block | None]:
    """For each block, the first row of the table it belongs to (None outside tables).

    One pass: walking back from every row of a 6,000-row table was quadratic.
    """
    headers: list[Block | None] = []
    for index, block in enumerate(blocks):
        if block.kind is not BlockKind.TABLE_ROW:
            headers.append(None)
        elif (
            index > 0
            and blocks[index - 1].kind is BlockKind.TABLE_ROW
            and block.line - blocks[index - 1].end_line <= 2
        ):
            headers.append(headers[index - 1])
        else:
            headers.append(block)
    return headers
