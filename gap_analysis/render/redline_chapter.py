"""One chapter of the newer snapshot as redline HTML, for the PDF (`diff --format pdf`).

The chapter is laid out from its structure, block by block: unchanged blocks
as they read, changed ones with `<del>`/`<ins>` and a change bar in the
margin (`.cb`), removed blocks where they stood. Text is shown plain (no
emphasis or links), as a redline is read for its words. With `changed_only`
only the sections with a change are shown, each under its number.
"""

from __future__ import annotations

from collections import defaultdict

from markupsafe import escape

from gap_analysis.diff.words import word_diff
from gap_analysis.model.diff import CHAPTER_BLOCK, SECTION_BLOCK, Change, ChangeKind, ChapterDiff
from gap_analysis.model.structure import Block, BlockKind, ChapterStructure, Section
from gap_analysis.render.redline_html import change_html, ops_html

STYLE = """<style>
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
ins { color: #14632b; text-decoration: underline; } del { color: #b42318; text-decoration: line-through; }
.cb { border-left: 2.5pt solid #b42318; margin-left: -9pt; padding-left: 6.5pt; }
.redline-note { font-size: 85%; color: #555; font-style: italic; }
pre.redline { white-space: pre-wrap; }
</style>"""


def legend(old_label: str, removed: list[str]) -> str:
    gone = ""
    if removed:
        gone = (
            "<p>Chapters removed since then: "
            + ", ".join(str(escape(r)) for r in removed)
            + ".</p>"
        )
    return (
        f'{STYLE}<section class="redline-legend"><p class="legend">Redline against '
        f"{escape(old_label)}: inserted text is <ins>underlined</ins>, deleted text "
        f"<del>struck through</del>, and a bar in the margin marks each change.</p>{gone}</section>"
    )


def _cell_html(block: Block, change: Change | None) -> list[str]:
    cells = [str(escape(c)) for c in block.cells]
    if change is None or change.kind is ChangeKind.ADDED:
        if change is not None:
            cells = [f"<ins>{c}</ins>" if c else c for c in cells]
        return cells
    for cell in change.cells:
        if cell.column < len(cells):
            cells[cell.column] = str(ops_html(word_diff(cell.old, cell.new).ops))
    return cells


class _Writer:
    def __init__(self, structure: ChapterStructure, chapter: ChapterDiff) -> None:
        self.structure, self.chapter = structure, chapter
        self.at: dict[int, list[Change]] = defaultdict(list)
        self.removed: dict[int, list[Change]] = defaultdict(list)
        self.notes: dict[int, list[Change]] = defaultdict(list)
        for change in chapter.changes:
            if change.block in (SECTION_BLOCK, CHAPTER_BLOCK):
                self.notes[change.new_line or 0].append(change)
            elif change.kind is ChangeKind.REMOVED or change.moved_to:
                self.removed[change.at_line].append(change)
            elif change.new_line is not None:
                self.at[change.new_line].append(change)
        self.out: list[str] = []
        self.open = ""
        self.ids: dict[str, int] = {}

    def close(self) -> None:
        if self.open:
            self.out.append(f"</{self.open}>")
            self.open = ""

    def ensure(self, tag: str, opening: str) -> None:
        if self.open != tag:
            self.close()
            self.out.append(opening)
            self.open = tag

    def element_id(self, anchor: str, first: bool) -> str:
        if first:
            return self.structure.chapter_id
        count = self.ids.get(anchor, 0) + 1
        self.ids[anchor] = count
        return f"{self.structure.chapter_id}--{anchor if count == 1 else f'{anchor}-{count}'}"

    def section_changed(self, section: Section, end: int) -> bool:
        lines = [n for n in (*self.at, *self.removed, *self.notes) if section.line <= n < end]
        return bool(lines)

    def removed_before(self, line: int) -> None:
        for change in self.removed.pop(line, []):
            self.close()
            if change.moved_to:
                self.out.append(
                    f'<div class="cb"><p class="redline-note">A {escape(change.block)} moved from '
                    f"here to {escape(change.moved_to)}.</p></div>"
                )
            else:
                self.out.append(f'<div class="cb">{change_html(change)}</div>')

    def block(self, block: Block, first_heading: bool) -> None:
        self.removed_before(block.line)
        changes = self.at.get(block.line, [])
        main = next((c for c in changes if c.kind is not ChangeKind.FORMATTING), None)
        mark = ' class="cb"' if changes else ""
        body = (
            change_html(main)
            if main is not None and main.kind is not ChangeKind.ADDED
            else escape(block.text)
        )
        if main is not None and main.kind is ChangeKind.ADDED:
            body = change_html(main)
        if block.kind is BlockKind.HEADING:
            self.close()
            level = min(block.level, 6)
            number = self.heading_number(block, first_heading)
            element = self.element_id(block.anchor, first_heading)
            self.out.append(
                f'<h{level} id="{escape(element)}" class="numbered{" cb" if changes else ""}">'
                f'<span class="number">{escape(number)}</span> {body}</h{level}>'
            )
            for note in self.notes.pop(block.line, []):
                origin = f" from {note.old_section}" if note.old_section else ""
                self.out.append(
                    f'<p class="redline-note">This {note.block} moved here{escape(origin)}.</p>'
                )
            return
        if block.kind is BlockKind.LIST_ITEM:
            self.ensure("ul", "<ul>")
            self.out.append(f"<li{mark}>{body}</li>")
        elif block.kind is BlockKind.TABLE_ROW:
            self.ensure("table", '<table class="content">')
            cells = _cell_html(block, main)
            self.out.append(f"<tr{mark}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        elif block.kind in (BlockKind.CODE, BlockKind.GAP):
            self.close()
            text = body if main is not None else escape(block.text)
            self.out.append(f'<pre class="redline{" cb" if changes else ""}">{text}</pre>')
        elif block.kind is BlockKind.RULE:
            self.close()
            self.out.append("<hr>")
        else:
            self.close()
            tag = "blockquote" if block.kind is BlockKind.QUOTE else "p"
            self.out.append(f"<{tag}{mark}>{body}</{tag}>")

    def heading_number(self, block: Block, first: bool) -> str:
        for section in self.structure.sections:
            if section.line == block.line:
                number = section.number
                break
        else:
            number = self.structure.number
        annex = first and not self.structure.number.isdigit()
        return f"Annex {number}" if annex else number


def chapter_redline(
    structure: ChapterStructure, chapter: ChapterDiff, *, changed_only: bool = False
) -> str:
    """The redline HTML body of one chapter of the newer snapshot."""
    writer = _Writer(structure, chapter)
    sections = structure.sections
    has_title = bool(
        sections
        and sections[0].blocks
        and sections[0].blocks[0].kind is BlockKind.HEADING
        and sections[0].blocks[0].level == 1
    )
    if not has_title:
        label = f"Annex {structure.number}" if not structure.number.isdigit() else structure.number
        writer.out.append(
            f'<h1 id="{escape(structure.chapter_id)}" class="numbered">'
            f'<span class="number">{escape(label)}</span> {escape(structure.title)}</h1>'
        )
    for index, section in enumerate(sections):
        end = sections[index + 1].line if index + 1 < len(sections) else 10**9
        keep = not changed_only or index == 0 or writer.section_changed(section, end)
        if not keep:
            for block in section.blocks:
                writer.removed.pop(block.line, None)
                writer.at.pop(block.line, None)
            continue
        for position, block in enumerate(section.blocks):
            first = index == 0 and position == 0 and has_title
            if (
                changed_only
                and index == 0
                and not first
                and not writer.section_changed(section, end)
            ):
                continue
            writer.block(block, first)
    writer.close()
    for line in sorted(writer.removed):
        for change in writer.removed[line]:
            writer.out.append(f'<div class="cb">{change_html(change)}</div>')
    return "\n".join(writer.out)
