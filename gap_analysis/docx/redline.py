"""The body writer with revision marks: NEW's blocks as written, OLD -> NEW as Word revisions.

It only follows `model.revisions` (filled by the build service from the diff
engine's changes); it compares nothing itself. Changed paragraphs, cells and
footnotes are NEW's runs with the diff's word runs laid onto them
(`docx.word_marks`), gap fields their word runs; added and removed
paragraphs, rows and gap entries are whole revisions (their paragraph marks
and rows too), moved blocks are moves.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from gap_analysis.docx.blocks import BodyWriter, TocLine
from gap_analysis.docx.ooxml import (
    Element,
    add_row,
    append_linked,
    element,
    paragraph_style,
    row_cells,
    run,
    table_style,
)
from gap_analysis.docx.parts import reference_run
from gap_analysis.docx.tracked import DEL, INS, Tracker
from gap_analysis.docx.word_marks import KEPT, Piece, plan_runs
from gap_analysis.model.diff import EQUAL, WordOp
from gap_analysis.model.flow import FlowBlock, FlowChapter, Heading, Paragraph, Run, Table
from gap_analysis.model.revisions import (
    BlockRevision,
    ChapterRevisions,
    Mark,
    Revisions,
    changes,
)

_DELETED_STYLES = {
    "paragraph": "Normal",
    "code": "Macro Text",
    "quote": "Quote",
    "footnote": "Footnote Text",
    "definition": "List Continue",
    "caption": "Caption",
}
_INSERTED = BlockRevision(Mark.INSERTED, "")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARAGRAPH, _TEXT, _DELETED_TEXT = f"{_W}p", f"{_W}t", f"{_W}delText"


def _line(block: FlowBlock) -> int:
    return (block.lines[0] if block.lines else 0) if isinstance(block, Table) else block.line


class RedlineWriter(BodyWriter):
    def __init__(self, *args: Any, revisions: Revisions) -> None:
        super().__init__(*args)
        self.revisions = revisions
        self.tracker = Tracker(revisions.author, revisions.date)
        self.revs = ChapterRevisions()
        self.last_table: DocxTable | None = None
        self.gap_keys: set[str] = set()
        self.replaced: list[tuple[Run, str]] = []
        """The pictures of the last changed paragraph shown replaced, with their older alt text."""

    def chapter_blocks(self, chapter: FlowChapter) -> None:
        self.revs = self.revisions.chapters.get(chapter.id, ChapterRevisions())
        self.last_table = None
        super().chapter_blocks(chapter)

    def caption_entry(self, caption: DocxParagraph, kind: str) -> None:
        """None: the lists are plain entries here, their changes marked (`docx.captions`)."""

    def rev(self, line: int) -> BlockRevision | None:
        return _INSERTED if self.revs.inserted else self.revs.at.get(line)

    def footnote_reference(self, label: str) -> Element | None:
        number = self.note_labels.get(label)
        return reference_run(number) if number else None

    # -- hooks -------------------------------------------------------------

    def before(self, block: FlowBlock) -> None:
        gone = self.revs.before.get(_line(block), ())
        if isinstance(block, Table):
            gone = tuple(r for r in gone if r.block != "table-row")
        self.write_deleted(gone)

    def finish_chapter(self) -> None:
        self.write_deleted(self.revs.end)

    def note_paragraph(self, para: Paragraph) -> Element:
        rev = self.rev(para.line)
        if rev is None or (rev.mark is Mark.CHANGED and not rev.ops):
            return super().note_paragraph(para)
        holder = element("w:p")
        paragraph_style(holder, "FootnoteText")
        if rev.mark is Mark.CHANGED:
            note = DocxParagraph(holder, self.footnotes)  # type: ignore[arg-type]
            self.marked(note, para.runs, rev.ops, self.footnotes.part)
            return holder
        self.runs(DocxParagraph(holder, self.footnotes), para.runs, self.footnotes.part)  # type: ignore[arg-type]
        self.tracker.whole(holder, INS, rev.moved)
        return holder

    def paragraph_content(self, para: DocxParagraph, runs: tuple[Run, ...], line: int) -> None:
        rev = self.rev(line)
        self.replaced = []
        if rev is not None and rev.mark is Mark.CHANGED and rev.ops:
            self.marked(para, runs, rev.ops)
            return
        super().paragraph_content(para, runs, line)

    def marked(
        self, para: DocxParagraph, runs: tuple[Run, ...], ops: tuple[WordOp, ...], part: Any = None
    ) -> None:
        """A changed block's runs as written, its words marked (`docx.word_marks`); where the
        runs do not hold the diff's words (they should), the diff's words as plain runs."""
        pieces = plan_runs(runs, ops)
        if pieces is None:
            for made in self.tracker.ops(ops, self.footnote_reference):
                para._p.append(made)
            return
        made = ((p.link, self.piece_element(para, runs, p)) for p in pieces)
        append_linked(para._p, part or self.document.part, made)
        self.replaced = [(runs[p.run], p.alt) for p in pieces if p.alt is not None]

    def piece_element(self, para: DocxParagraph, runs: tuple[Run, ...], piece: Piece) -> Element:
        if piece.run < 0:
            return self.tracker.wrap(DEL, [run(piece.text or "")])
        item = runs[piece.run]
        if piece.alt is not None:
            item = replace(item, text=piece.alt)
        elif piece.text is not None:
            item = replace(item, text=piece.text)
        made = self.run_element(para, item)
        return made if piece.status == KEPT else self.tracker.wrap(piece.status, [made])

    def after_paragraph(self, para: DocxParagraph, line: int) -> None:
        self.last_table = None
        rev = self.rev(line)
        if rev is not None and rev.mark is Mark.INSERTED:
            self.tracker.whole(para._p, INS, rev.moved)
            self.move_range(para._p, INS, rev)

    def toc_line(self, line: TocLine, at: int) -> TocLine:
        rev = self.rev(at)
        if rev is not None and rev.mark is Mark.INSERTED:
            return replace(line, mark="ins")
        ops = rev.ops if rev is not None and rev.mark is Mark.CHANGED else ()
        return replace(line, old_label=self.revs.labels.get(at, ""), ops=ops)

    def after_caption(self, caption: DocxParagraph, line: int) -> None:
        """A caption is made from the image: new where its paragraph is new, replaced where the
        picture's alt text changed (`marked`), else as it stands."""
        rev = self.rev(line)
        if rev is None:
            return
        if rev.mark is not Mark.CHANGED:
            self.tracker.whole(caption._p, INS)
            return
        if len(self.replaced) == 1:
            picture, alt = self.replaced[0]
            new = picture.image_title or picture.text
            old = alt
            if picture.image_title:
                kept = picture.text and picture.image_title.endswith(picture.text)
                stem = picture.image_title[: len(picture.image_title) - len(picture.text)]
                old = stem + alt if kept else picture.image_title
            if old != new:
                self.tracker.replaced(caption._p, old)

    def heading_label(self, para: DocxParagraph, block: Heading) -> None:
        old = self.revs.labels.get(block.line)
        rev = self.rev(block.line)
        if not old or (rev is not None and rev.mark is Mark.INSERTED):
            super().heading_label(para, block)
            return
        para._p.append(self.tracker.wrap(DEL, [run(old)]))
        para._p.append(self.tracker.wrap(INS, [run(block.label)]))
        para._p.append(run("\t"))

    def fill_row(
        self,
        table: DocxTable,
        index: int,
        cells: tuple[tuple[Run, ...], ...],
        header: bool,
        line: int,
    ) -> None:
        rev = self.rev(line)
        if rev is not None and rev.mark is Mark.CHANGED and rev.cells:
            for column, cell in enumerate(row_cells(table, table._tbl.tr_lst[index])):
                ops = rev.cells[column] if column < len(rev.cells) else ()
                if changes(ops):
                    written = cells[column] if column < len(cells) else ()
                    self.marked(cell.paragraphs[0], written, ops)
                elif column < len(cells):
                    self.runs(cell.paragraphs[0], cells[column])
        else:
            super().fill_row(table, index, cells, header, line)
        if rev is not None and rev.mark is Mark.INSERTED:
            self.insert_row(table._tbl.tr_lst[index], rev.moved)
            self.move_range(table._tbl.tr_lst[index], INS, rev)
        for gone in self.revs.before.get(line, ()):
            if gone.block == "table-row":
                self.deleted_row(table, gone, before=table._tbl.tr_lst[index])

    def gap_head(self, para: DocxParagraph, gap_id: str, line: int) -> None:
        rev = self.rev(line)
        ops = dict(rev.fields).get("id", ()) if rev is not None else ()
        if rev is None or rev.mark is not Mark.CHANGED or not changes(ops):
            super().gap_head(para, gap_id, line)
            return
        para._p.append(run("Gap ", bold=True))
        for made in self.tracker.ops(ops):
            para._p.append(made)

    def fill_field(self, cell: Any, key: str, value: str, line: int) -> None:
        self.gap_keys.add(key)
        rev = self.rev(line)
        ops = dict(rev.fields).get(key, ()) if rev is not None else ()
        if rev is not None and rev.mark is Mark.CHANGED and changes(ops):
            for made in self.tracker.ops(ops):
                cell.paragraphs[0]._p.append(made)
            return
        super().fill_field(cell, key, value, line)

    def after_table(self, table: DocxTable, line: int, is_gap: bool) -> None:
        self.last_table = None if is_gap else table
        if not is_gap:
            return
        rev = self.rev(line)
        if rev is not None and rev.mark is Mark.INSERTED:
            for row in table._tbl.tr_lst:
                self.insert_row(row, rev.moved)
            self.move_range(table._tbl, INS, rev)
        elif rev is not None and rev.mark is Mark.CHANGED:
            for key, ops in rev.fields:
                if key != "id" and key not in self.gap_keys:
                    self.deleted_row(
                        table,
                        BlockRevision(
                            Mark.DELETED, "", cells=((WordOp("-", key.capitalize()),), ops)
                        ),
                    )
        self.gap_keys = set()

    # -- revisions ---------------------------------------------------------

    def move_range(self, written: Element, kind: str, rev: BlockRevision) -> None:
        """The range of a moved block around what was written for it (a paragraph, row or table)."""
        if rev.move:
            paragraphs = [written] if written.tag == _PARAGRAPH else list(written.iter(_PARAGRAPH))
            self.tracker.move_range(paragraphs, kind, rev.move)

    def insert_row(self, row: Element, moved: bool) -> None:
        self.tracker.mark_row(row, INS)
        for paragraph in row.iter(_PARAGRAPH):
            self.tracker.whole(paragraph, INS, moved)

    def deleted_row(
        self, table: DocxTable, rev: BlockRevision, before: Element | None = None
    ) -> None:
        """A row of the older table, deleted, before `before` (else at the end)."""
        row = add_row(table)
        if before is not None:
            before.addprevious(row)
        cells = row_cells(table, row)
        values = list(rev.cells)
        if len(values) > len(cells) and cells:
            merged = tuple(op for ops in values[len(cells) - 1 :] for op in ops)
            values = [*values[: len(cells) - 1], merged]
        for cell, ops in zip(cells, values, strict=False):
            for made in self.tracker.ops(ops):
                if made.tag.endswith("}del") and rev.moved:
                    _as_moved(made)
                cell.paragraphs[0]._p.append(made)
        self.tracker.mark_row(row, DEL)
        self.move_range(row, DEL, rev)

    def write_deleted(self, revisions: tuple[BlockRevision, ...]) -> None:
        rows: list[BlockRevision] = []
        for rev in revisions:
            if rev.block == "table-row":
                rows.append(rev)
                continue
            self._deleted_rows(rows)
            rows = []
            self.deleted_block(rev)
        self._deleted_rows(rows)

    def _deleted_rows(self, rows: list[BlockRevision]) -> None:
        if not rows:
            return
        table = self.last_table
        if table is None:
            columns = max(len(r.cells) for r in rows) or 1
            table = self.add_table(0, columns)
            table_style(table)
            self.paragraph("Normal")
            self.last_table = table
        for rev in rows:
            self.deleted_row(table, rev)

    def deleted_block(self, rev: BlockRevision) -> None:
        """An older block, gone: written where it stood, every run and its mark deleted."""
        if rev.block == "rule":
            return
        if rev.block == "gap":
            self.deleted_gap(rev)
            return
        if rev.block == "heading":
            style = f"Heading {min(max(rev.level, 1), 9)}"
            title = " ".join(op.text for op in rev.ops)
            self.toc.append(TocLine(rev.level, "", rev.label, title, mark="del"))
        elif rev.block == "list-item":
            style = ("List Bullet", "List Bullet 2", "List Bullet 3")[min(max(rev.level, 1), 3) - 1]
        else:
            style = _DELETED_STYLES.get(rev.block, "Normal")
        para = self.paragraph(style)
        if rev.old is not None:
            self.runs(para, tuple(self.older_run(r) for r in rev.old.runs))
            self.tracker.whole(para._p, DEL, rev.moved)
            self.move_range(para._p, DEL, rev)
            self.last_table = None
            self.deleted_caption(rev.old)
            return
        runs: list[Element] = [run(f"{rev.label}\t")] if rev.label else []
        text = " ".join(op.text for op in rev.ops)
        runs.extend(self.tracker.ops((WordOp(EQUAL, text),)))
        holder = self.tracker.wrap(DEL, runs, rev.moved)
        para._p.append(holder)
        self.tracker.mark_paragraph(para._p, DEL, rev.moved)
        self.move_range(para._p, DEL, rev)
        self.last_table = None

    def deleted_caption(self, old: Paragraph) -> None:
        """An older figure's caption, deleted with it (a plain deletion even for a move: the
        newer caption is a plain insertion, `after_caption`)."""
        images = [r for r in old.runs if r.image and (r.image_title or r.text)]
        if len(images) == 1 and len(old.runs) == 1:
            caption = self.paragraph("Caption")
            caption._p.append(run(images[0].image_title or images[0].text))
            self.tracker.whole(caption._p, DEL)

    def older_run(self, item: Run) -> Run:
        """A run of an older paragraph: its footnote reference by label (numbers are NEW's)."""
        if not item.footnote:
            return item
        number = next(
            (
                n
                for n, doc_id in self.notes.items()
                if self.note_labels.get(item.footnote_label) == doc_id
            ),
            0,
        )
        return replace(item, footnote=number, text="" if number else f"[{item.footnote}]")

    def deleted_gap(self, rev: BlockRevision) -> None:
        fields = dict(rev.fields)
        gap_id = " ".join(op.text for op in fields.get("id", ()))
        table = self.add_table(0, 2)
        table_style(table)
        self.deleted_row(
            table,
            BlockRevision(
                Mark.DELETED,
                "",
                cells=((WordOp("-", f"Gap {gap_id} register"),), ()),
                moved=rev.moved,
            ),
        )
        for key, ops in rev.fields:
            if key != "id":
                self.deleted_row(
                    table,
                    BlockRevision(
                        Mark.DELETED,
                        "",
                        cells=((WordOp("-", key.capitalize()),), ops),
                        moved=rev.moved,
                    ),
                )
        self.move_range(table._tbl, DEL, rev)
        self.paragraph("Normal")
        self.last_table = None


def _as_moved(deleted: Element) -> None:
    """A `w:del` of runs turned into a `w:moveFrom`: moved text keeps `w:t`, as Word writes it."""
    deleted.tag = deleted.tag.replace("}del", "}moveFrom")
    for text in deleted.iter(_DELETED_TEXT):
        text.tag = _TEXT
