"""The contents field and the gap register, each with revision marks when the body has them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docx.shared import Cm
from docx.text.paragraph import Paragraph as DocxParagraph

from gap_analysis.docx.blocks import TocLine
from gap_analysis.docx.ooxml import (
    Bookmarks,
    Element,
    add_paragraph,
    add_row,
    field_end,
    field_start,
    hyperlink,
    row_cells,
    run,
    table_style,
)
from gap_analysis.model.flow import FlowDocument
from gap_analysis.model.revisions import Mark, RegisterRevision, Revisions, changes

if TYPE_CHECKING:  # revision marks are written by a redline only, which imports them
    from gap_analysis.docx.tracked import Tracker

_INS, _DEL = "ins", "del"
"""`docx.tracked.INS`/`DEL`, spelled here so a plain build does not import the redline's modules."""

TOC_LEVELS = 3
_INSTRUCTION = f'TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u'
_COLUMNS = ("Gap", "Section", "Area", "Gap", "Lead", "Priority", "Status")


def contents_start(document: Any, title: str) -> DocxParagraph:
    """The heading and the field's first and last paragraphs; entries go before the one returned."""
    add_paragraph(document, "TOC Heading", title)
    begin = add_paragraph(document)
    for made in field_start(_INSTRUCTION):
        begin._p.append(made)
    end: DocxParagraph = add_paragraph(document)
    end._p.append(field_end())
    return end


def contents_end(document: Any) -> None:
    """The page break after the contents and the lists of figures and tables."""
    document.add_page_break()


def fill_contents(
    document: Any, end: DocxParagraph, lines: list[TocLine], tracker: Tracker | None
) -> None:
    """The field's shown result: one linked line per heading, until Word updates the field."""
    shown = [line for line in lines if line.level <= TOC_LEVELS]
    if not shown:
        end.insert_paragraph_before("Update this field to list the contents.")
        return
    for line in shown:
        para = end.insert_paragraph_before()
        para.paragraph_format.left_indent = Cm(0.6 * (line.level - 1))
        if tracker is None or (not line.mark and not line.old_label and not line.ops):
            target = f"#{line.id}" if line.id else ""
            made = [run(f"{line.label}\t{line.title}")]
            para._p.append(hyperlink(document.part, target, made) if target else made[0])
            continue
        if line.old_label and not line.mark:
            para._p.append(tracker.wrap(_DEL, [run(line.old_label)]))
            para._p.append(tracker.wrap(_INS, [run(line.label)]))
            para._p.append(run("\t"))
        else:
            para._p.append(run(f"{line.label}\t"))
        if line.ops and not line.mark:
            for piece in tracker.ops(line.ops):
                para._p.append(piece)
        else:
            para._p.append(run(line.title))
        if line.mark:
            tracker.whole(para._p, line.mark)


def write_register(
    document: Any,
    flow: FlowDocument,
    bookmarks: Bookmarks,
    revisions: Revisions | None,
    tracker: Tracker | None,
) -> None:
    """The gap register: one row per entry, its id linked to the entry and bookmarked for it."""
    marks = {r.gap_id: r for r in revisions.register} if revisions else {}
    gone = [r for r in revisions.register if r.mark is Mark.DELETED] if revisions else []
    if not flow.gaps and not gone:
        return
    title = add_paragraph(document, "Heading 1", flow.words.gap_register)
    bookmarks.wrap(title._p, "gap-register")
    table = document.add_table(rows=1, cols=len(_COLUMNS))
    table_style(table)
    for cell, name in zip(table.rows[0].cells, _COLUMNS, strict=True):
        cell.paragraphs[0]._p.append(run(name, bold=True))
    if revisions is not None and tracker is not None and not revisions.had_register:
        tracker.whole(title._p, _INS)
        _inserted_row(table.rows[0]._tr, tracker)
    for deleted in (r for r in gone if not r.after):
        _deleted_row(table, deleted, tracker)
    for gap in flow.gaps:
        row = add_row(table)
        cells = row_cells(table, row)
        first = cells[0].paragraphs[0]
        first._p.append(hyperlink(document.part, f"#{gap.id}", [run(gap.id)]))
        bookmarks.wrap(first._p, f"gap-register--{gap.id}")
        values = (gap.section, gap.area, gap.gap, gap.lead, gap.priority or "", gap.status or "")
        mark = marks.get(gap.id)
        for column, (cell, value) in enumerate(zip(cells[1:], values, strict=True)):
            ops = (
                mark.cells[column]
                if mark and mark.mark is Mark.CHANGED and column < len(mark.cells)
                else ()
            )
            if tracker is not None and changes(ops):
                for piece in tracker.ops(ops):
                    cell.paragraphs[0]._p.append(piece)
            else:
                cell.paragraphs[0]._p.append(run(value))
        if tracker is not None and mark is not None and mark.mark is Mark.INSERTED:
            _inserted_row(row, tracker)
        for deleted in (r for r in gone if r.after == gap.id):
            _deleted_row(table, deleted, tracker)


def _inserted_row(row: Element, tracker: Tracker) -> None:
    tracker.mark_row(row, _INS)
    for paragraph in row.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"):
        tracker.whole(paragraph, _INS)


def _deleted_row(table: Any, deleted: RegisterRevision, tracker: Tracker | None) -> None:
    if tracker is None:
        return
    row = add_row(table)
    cells = row_cells(table, row)
    cells[0].paragraphs[0]._p.append(tracker.wrap(_DEL, [run(deleted.gap_id)]))
    for cell, ops in zip(cells[1:], deleted.cells, strict=False):
        for piece in tracker.ops(ops):
            cell.paragraphs[0]._p.append(piece)
    tracker.mark_row(row, _DEL)
