"""Two blocks that stand for each other -> the change between them, or none.

Text is compared on the folded text, so re-wrapping and line ends are no
change. Table rows are compared cell by cell and gap entries field by field,
so `added`/`removed` hold the words of the changed cells or fields only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from gap_analysis.diff.words import WordDiff, word_diff
from gap_analysis.model.diff import (
    DELETE,
    EQUAL,
    INSERT,
    CellChange,
    Change,
    ChangeKind,
    FieldChange,
    WordOp,
)
from gap_analysis.model.structure import Block, BlockKind

GapFields = Callable[[Block], Mapping[str, str] | None]
"""Reads a gap block's fields (the service parses the YAML; the engine stays pure)."""

_LINK_TARGET = re.compile(r"\]\(([^)]*)\)")


@dataclass(frozen=True, slots=True)
class BlockPlace:
    """Where a change is shown: the section (number, title) and the newer file line."""

    section: str
    title: str
    at_line: int
    old_section: str = ""


def block_key(block: Block) -> tuple[str, str]:
    """What makes two blocks 'the same block': gap entries by id, everything else by kind and text."""
    if block.kind is BlockKind.GAP and block.anchor:
        return ("gap", block.anchor)
    return (str(block.kind), block.text)


def whole(kind: ChangeKind, block: Block, place: BlockPlace, *, old: bool) -> Change:
    """An added or removed block: every word of it is inserted or deleted."""
    words = tuple(block.text.split())
    span = (block.line, block.end_line)
    return Change(
        place.section,
        place.title,
        kind,
        str(block.kind),
        span[0] if old else None,
        None if old else span[0],
        span[1] if old else None,
        None if old else span[1],
        removed=words if old else (),
        added=() if old else words,
        old_text=block.text if old else "",
        new_text="" if old else block.text,
        gap_id=block.anchor if block.kind is BlockKind.GAP else "",
        at_line=place.at_line,
    )


def compare(
    old: Block,
    new: Block,
    place: BlockPlace,
    *,
    kind: ChangeKind = ChangeKind.MODIFIED,
    force: bool = False,
    gap_fields: GapFields | None = None,
) -> list[Change]:
    """The changes between two matched blocks: none, one, or a text change plus a formatting one.

    `kind` is what a text change is called (modified, renamed for headings,
    moved); `force` reports the pair even when nothing in it changed (a move).
    """
    if not force and old.text == new.text and old.formatting == new.formatting:
        return []  # the common case, before any Change is built
    base = Change(
        place.section,
        place.title,
        kind,
        str(new.kind),
        old.line,
        new.line,
        old.end_line,
        new.end_line,
        old_text=old.text,
        new_text=new.text,
        gap_id=new.anchor if new.kind is BlockKind.GAP else "",
        old_section=place.old_section,
        at_line=place.at_line,
    )
    links = _link_changes(old, new)
    if old.text == new.text:
        if old.formatting != new.formatting:
            fmt_kind = (
                ChangeKind.MOVED if force else ChangeKind.LINK if links else ChangeKind.FORMATTING
            )
            return [
                replace(
                    base,
                    kind=fmt_kind,
                    old_text=old.formatting,
                    new_text=new.formatting,
                    ops=word_diff(old.formatting, new.formatting).ops,
                    links=links,
                )
            ]
        return [base] if force else []
    cells: tuple[CellChange, ...] = ()
    fields: tuple[FieldChange, ...] = ()
    if old.kind is BlockKind.TABLE_ROW and new.kind is BlockKind.TABLE_ROW:
        diff, cells = _cells(old, new)
    elif old.kind is BlockKind.GAP and new.kind is BlockKind.GAP and gap_fields is not None:
        old_fields, new_fields = gap_fields(old), gap_fields(new)
        if old_fields is not None and new_fields is not None:
            diff, fields = _fields(old_fields, new_fields)
        else:
            diff = word_diff(old.text, new.text)
    else:
        diff = word_diff(old.text, new.text)
    changes = [
        replace(
            base, removed=diff.removed, added=diff.added, ops=diff.ops, cells=cells, fields=fields
        )
    ]
    if links:
        changes.append(
            replace(
                base,
                kind=ChangeKind.LINK,
                links=links,
                old_text=old.formatting,
                new_text=new.formatting,
                ops=word_diff(old.formatting, new.formatting).ops,
            )
        )
    return changes


def _link_changes(old: Block, new: Block) -> tuple[tuple[str, str], ...]:
    """(old, new) target of each link or image that points elsewhere (same number of links)."""
    old_targets = _LINK_TARGET.findall(old.formatting)
    new_targets = _LINK_TARGET.findall(new.formatting)
    if old_targets == new_targets or len(old_targets) != len(new_targets):
        return ()
    return tuple((a, b) for a, b in zip(old_targets, new_targets, strict=True) if a != b)


def _cells(old: Block, new: Block) -> tuple[WordDiff, tuple[CellChange, ...]]:
    """Cell by cell, by column; a row that gained or lost columns has its extra cells all
    inserted or all deleted (`CellChange.old` or `.new` empty), so every changed row names
    its cells and a redline can mark each one where it stands."""
    ops: list[WordOp] = []
    removed: list[str] = []
    added: list[str] = []
    cells: list[CellChange] = []
    width = max(len(old.cells), len(new.cells))
    padded_old = (*old.cells, *([""] * (width - len(old.cells))))
    padded_new = (*new.cells, *([""] * (width - len(new.cells))))
    for column, (a, b) in enumerate(zip(padded_old, padded_new, strict=True)):
        if column:
            in_old, in_new = column < len(old.cells), column < len(new.cells)
            ops.append(WordOp(EQUAL if in_old and in_new else DELETE if in_old else INSERT, "|"))
        if a == b:
            if a:
                ops.append(WordOp(EQUAL, a))
            continue
        diff = word_diff(a, b)
        ops.extend(diff.ops)
        removed.extend(diff.removed)
        added.extend(diff.added)
        cells.append(CellChange(column, "", a, b, diff.ops))
    return WordDiff(tuple(ops), tuple(removed), tuple(added)), tuple(cells)


def _fields(
    old: Mapping[str, str], new: Mapping[str, str]
) -> tuple[WordDiff, tuple[FieldChange, ...]]:
    ops: list[WordOp] = []
    removed: list[str] = []
    added: list[str] = []
    fields: list[FieldChange] = []
    names = [*old, *(n for n in new if n not in old)]
    for name in names:
        a, b = old.get(name), new.get(name)
        if ops:
            ops.append(WordOp(EQUAL, "\n"))
        ops.append(WordOp(EQUAL, f"{name}:"))
        if a == b:
            ops.append(WordOp(EQUAL, a or ""))
            continue
        diff = word_diff(a or "", b or "")
        ops.extend(diff.ops)
        removed.extend(diff.removed)
        added.extend(diff.added)
        fields.append(FieldChange(name, a, b, diff.ops))
    return WordDiff(tuple(ops), tuple(removed), tuple(added)), tuple(fields)


def with_headers(change: Change, header: Block | None) -> Change:
    """Name each changed cell after its column header (the table's first row), when known."""
    if not change.cells or header is None or header.kind is not BlockKind.TABLE_ROW:
        return change
    named = tuple(
        replace(c, header=header.cells[c.column] if c.column < len(header.cells) else "")
        for c in change.cells
    )
    return replace(change, cells=named)
