"""A `DiffResult` as terminal text or CriticMarkup Markdown (pure: strings in, strings out).

The text form is styled through a callable the command line passes in (roles
`title`, `chapter`, `section`, `meta`, `del`, `ins`), so colour stays a
matter of the terminal and this module knows nothing of click.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from gap_analysis.model.diff import (
    CHAPTER_BLOCK,
    DELETE,
    EQUAL,
    INSERT,
    SECTION_BLOCK,
    Change,
    ChangeKind,
    ChapterDiff,
    DiffResult,
    DiffStats,
    SnapshotRef,
    WordOp,
)

Style = Callable[[str, str], str]
"""(role, text) -> text as shown."""

CONTEXT_WORDS = 8
"""Text output: kept runs longer than twice this are shortened around an ellipsis."""


def plain(role: str, text: str) -> str:
    return text


def side_label(ref: SnapshotRef) -> str:
    return ref.side_label


def headline(result: DiffResult) -> str:
    return result.headline


def stats_line(stats: DiffStats) -> str:
    return stats.line


def describe(change: Change) -> str:
    return change.describe


def text(result: DiffResult, style: Style = plain) -> str:
    """Grouped by chapter and section, with their numbers; `[-deleted-]` and `{+inserted+}` words."""
    colour = style is not plain
    lines = [
        style("title", f"Changes from {side_label(result.old)} to {side_label(result.new)}"),
        headline(result),
    ]
    for chapter in result.changed_chapters:
        lines.append("")
        lines.append(style("chapter", f"{chapter_heading(chapter)} ({chapter.status})"))
        section: tuple[str, str] | None = None
        for change in chapter.changes:
            if (change.section, change.section_title) != section:
                section = (change.section, change.section_title)
                lines.append(style("section", f"  {change.section} {change.section_title}"))
            lines.append(style("meta", f"    {describe(change)}"))
            for body in _text_body(change, style, colour):
                lines.extend(f"      {line}" for line in body.split("\n"))
    if not result.changed_chapters:
        lines.append("No changes.")
    return "\n".join(lines) + "\n"


def chapter_heading(chapter: ChapterDiff) -> str:
    return chapter.heading


def _text_body(change: Change, style: Style, colour: bool) -> Iterator[str]:
    if change.kind is ChangeKind.ADDED:
        yield style("ins", change.new_text if colour else "{+" + change.new_text + "+}")
    elif change.kind is ChangeKind.REMOVED:
        yield style("del", change.old_text if colour else "[-" + change.old_text + "-]")
    elif change.cells:
        for cell in change.cells:
            name = f'"{cell.header}"' if cell.header else str(cell.column + 1)
            yield f"column {name}: " + _inline(cell.ops, style, colour)
    elif change.fields:
        for changed in change.fields:
            yield f"{changed.name}: " + _inline(changed.ops, style, colour)
    elif change.block in (SECTION_BLOCK, CHAPTER_BLOCK):
        yield change.new_text
    elif change.ops:
        yield _inline(change.ops, style, colour, shorten=True)
    else:
        yield change.new_text


def _inline(ops: tuple[WordOp, ...], style: Style, colour: bool, shorten: bool = False) -> str:
    parts = []
    for index, op in enumerate(ops):
        if op.op == EQUAL:
            parts.append(_shorten(op.text, index, len(ops)) if shorten else op.text)
        elif op.op == DELETE:
            parts.append(style("del", op.text if colour else f"[-{op.text}-]"))
        else:
            parts.append(style("ins", op.text if colour else "{+" + op.text + "+}"))
    return " ".join(p for p in parts if p).replace(" \n ", "\n")


def _shorten(run: str, index: int, count: int) -> str:
    words = run.split(" ")
    if len(words) <= 2 * CONTEXT_WORDS + 1:
        return run
    head = words[:CONTEXT_WORDS] if index else []
    tail = words[-CONTEXT_WORDS:] if index < count - 1 else []
    return " ".join([*head, "...", *tail])


# CriticMarkup -----------------------------------------------------------------


def critic(ops: tuple[WordOp, ...]) -> str:
    """Word runs as CriticMarkup: a deletion followed by an insertion is one substitution."""
    parts: list[str] = []
    index = 0
    while index < len(ops):
        op = ops[index]
        following = ops[index + 1] if index + 1 < len(ops) else None
        if op.op == DELETE and following is not None and following.op == INSERT:
            parts.append("{~~" + op.text + "~>" + following.text + "~~}")
            index += 2
            continue
        if op.op == DELETE:
            parts.append("{--" + op.text + "--}")
        elif op.op == INSERT:
            parts.append("{++" + op.text + "++}")
        else:
            parts.append(op.text)
        index += 1
    return " ".join(parts).replace(" \n ", "\n")


def markdown(result: DiffResult) -> str:
    """Changes as Markdown with CriticMarkup, one heading per changed chapter and section."""
    out = [
        f"# Changes from {side_label(result.old)} to {side_label(result.new)}",
        "",
        headline(result) + ".",
    ]
    for chapter in result.changed_chapters:
        out += ["", f"## {chapter_heading(chapter)}", "", f"Status: {chapter.status}."]
        section: tuple[str, str] | None = None
        for change in chapter.changes:
            if (change.section, change.section_title) != section:
                section = (change.section, change.section_title)
                out += ["", f"### {change.section} {change.section_title}"]
            out += ["", f"{{>>{describe(change)}<<}}", "", _critic_body(change)]
    if not result.changed_chapters:
        out += ["", "No changes."]
    return "\n".join(out) + "\n"


def _critic_body(change: Change) -> str:
    if change.kind is ChangeKind.ADDED:
        return "{++" + change.new_text + "++}"
    if change.kind is ChangeKind.REMOVED:
        return "{--" + change.old_text + "--}"
    if change.block in (SECTION_BLOCK, CHAPTER_BLOCK):
        return change.new_text
    if change.ops:
        return critic(change.ops)
    return change.new_text
