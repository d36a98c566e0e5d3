"""Flow blocks -> WordprocessingML in the body of a python-docx document.

Real Word styles throughout (Heading N, Normal, List Bullet, List, List
Continue, Quote, Macro Text, Table Grid, Caption, Footnote Text), so a
secretariat can apply its own template over them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Emu
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from gap_analysis.docx.captions import entry_field
from gap_analysis.docx.ooxml import (
    Bookmarks,
    Element,
    add_paragraph,
    add_table,
    append_linked,
    element,
    hyperlink,
    line_break,
    paragraph_style,
    row_cells,
    run,
    table_style,
)
from gap_analysis.docx.parts import Footnotes, reference_run
from gap_analysis.model.flow import (
    FlowBlock,
    FlowChapter,
    GapBox,
    Heading,
    Paragraph,
    ParaStyle,
    Rule,
    Run,
    Table,
)
from gap_analysis.model.gap import Gap

if TYPE_CHECKING:
    from gap_analysis.docx.numbering import HeadingNumbers
    from gap_analysis.model.diff import WordOp

CODE_FONT = "Courier New"
_LIST_STYLES = {
    ParaStyle.BULLET: ("List Bullet", "List Bullet 2", "List Bullet 3"),
    ParaStyle.NUMBERED: ("List", "List 2", "List 3"),
    ParaStyle.CONTINUED: ("List Continue", "List Continue 2", "List Continue 3"),
}
_STYLES = {
    ParaStyle.BODY: "Normal",
    ParaStyle.QUOTE: "Quote",
    ParaStyle.CODE: "Macro Text",
    ParaStyle.TERM: "Normal",
    ParaStyle.DEFINITION: "List Continue",
}


@dataclass
class TocLine:
    """A heading as the contents list shows it; a redline adds how it changed."""

    level: int
    id: str
    label: str
    title: str
    mark: str = ""
    """"" (as it is), `ins` (a new heading) or `del` (a heading gone)."""
    old_label: str = ""
    ops: tuple[WordOp, ...] = ()
    """The title's word runs when it changed."""


class BodyWriter:
    """Appends one chapter's blocks to the document; footnotes and bookmarks are document-wide."""

    def __init__(
        self,
        document: Any,
        footnotes: Footnotes,
        bookmarks: Bookmarks,
        image: Callable[[str], bytes | None],
        text_width: int,
    ) -> None:
        self.document = document
        self.footnotes = footnotes
        self.bookmarks = bookmarks
        self.image = image
        self.text_width = text_width
        self.notes: dict[int, int] = {}
        self.chapter: FlowChapter | None = None
        self.missing_images: list[str] = []
        self.toc: list[TocLine] = []
        self.note_labels: dict[str, int] = {}
        self.last_heading: Element | None = None
        self.numbers: HeadingNumbers | None = None
        """Word's heading numbering, when the document uses it (a plain build)."""
        self.in_annex = False
        """Whether the headings being written are an annex's (`Annex A`, `A.1`)."""

    def add_table(self, rows: int, columns: int) -> DocxTable:
        made: DocxTable = add_table(self.document, rows, columns, self.text_width)
        return made

    # -- runs --------------------------------------------------------------

    def runs(self, paragraph: DocxParagraph, runs: tuple[Run, ...], part: Any = None) -> None:
        """Runs into `paragraph` (a python-docx paragraph); links grouped into hyperlinks."""
        made = ((item.link, self.run_element(paragraph, item)) for item in runs)
        append_linked(paragraph._p, part or self.document.part, made)

    def run_element(self, paragraph: DocxParagraph, item: Run) -> Element:
        if item.line_break:
            return line_break()
        if item.footnote:
            number = self.notes.get(item.footnote)
            return reference_run(number) if number else run(f"[{item.footnote}]")
        if item.image:
            return self.picture(paragraph, item)
        return run(
            item.text,
            bold=item.bold,
            italic=item.italic,
            strike=item.strike,
            font=CODE_FONT if item.code else "",
        )

    def picture(self, paragraph: DocxParagraph, item: Run) -> Element:
        """The image at its own size (made smaller only to fit the text width)."""
        data = self.image(item.image)
        if data is None:
            self.missing_images.append(item.image)
            return run(f"[image omitted: {item.text or item.image}]")
        made = paragraph.add_run()
        try:
            shape = made.add_picture(io.BytesIO(data))
        except (UnrecognizedImageError, ValueError, ZeroDivisionError):
            made._r.getparent().remove(made._r)
            self.missing_images.append(item.image)
            return run(f"[image omitted: {item.text or item.image}]")
        if shape.width and shape.width > self.text_width:
            shape.height = Emu(int(shape.height * self.text_width / shape.width))
            shape.width = Emu(self.text_width)
        if item.text:  # the alt text, as the HTML's `alt` (Word's "Alt Text"; pandoc reads it)
            shape._inline.docPr.set("descr", item.text)
        element_ = made._r
        element_.getparent().remove(element_)
        return element_

    # -- blocks ------------------------------------------------------------

    def paragraph(self, style: str) -> DocxParagraph:
        made: DocxParagraph = add_paragraph(self.document, style)
        return made

    def chapter_blocks(self, chapter: FlowChapter) -> None:
        self.chapter = chapter
        self.in_annex = chapter.is_annex
        self.notes = {}
        self.note_labels = {}
        for note in chapter.footnotes:
            paragraphs = [self.note_paragraph(para) for para in note.paragraphs]
            self.notes[note.number] = self.footnotes.add(paragraphs)
            if note.label:
                self.note_labels[note.label] = self.notes[note.number]
        for index, block in enumerate(chapter.blocks):
            self.before(block)
            self.block(block)
            if index == 0 and isinstance(block, Heading) and self.last_heading is not None:
                # links to the chapter file itself point at the chapter id
                self.bookmarks.wrap(self.last_heading, chapter.id)
        self.finish_chapter()

    # -- hooks for a redline (revision marks); plain documents do nothing ----

    def before(self, block: FlowBlock) -> None:
        """Called before each block is written."""

    def finish_chapter(self) -> None:
        """Called after the chapter's last block."""

    def paragraph_content(self, para: DocxParagraph, runs: tuple[Run, ...], line: int) -> None:
        self.runs(para, runs)

    def after_paragraph(self, para: DocxParagraph, line: int) -> None:
        """Called after a heading or paragraph is written."""

    def after_caption(self, caption: DocxParagraph, line: int) -> None:
        """Called after the caption of an image paragraph is written."""

    def caption_entry(self, caption: DocxParagraph, kind: str) -> None:
        """The caption's entry field for the list of figures (`fig`) or tables (`tbl`)."""
        for made in entry_field(kind, caption.text):
            caption._p.append(made)

    def fill_row(
        self,
        table: DocxTable,
        index: int,
        cells: tuple[tuple[Run, ...], ...],
        header: bool,
        line: int,
    ) -> None:
        for cell, runs in zip(row_cells(table, table._tbl.tr_lst[index]), cells, strict=False):
            self.runs(cell.paragraphs[0], tuple(_bold(r) for r in runs) if header else runs)

    def after_table(self, table: DocxTable, line: int, is_gap: bool) -> None:
        """Called after a table or gap entry is written, with its first line."""

    def gap_head(self, para: DocxParagraph, gap_id: str, line: int) -> None:
        para._p.append(run(f"Gap {gap_id}", bold=True))

    def fill_field(self, cell: Any, key: str, value: str, line: int) -> None:
        cell.paragraphs[0]._p.append(run(value))

    # -- blocks ----------------------------------------------------------------

    def note_paragraph(self, para: Paragraph) -> Element:
        holder = DocxParagraph(element("w:p"), self.footnotes)  # type: ignore[arg-type]
        paragraph_style(holder._p, "FootnoteText")
        self.runs(holder, para.runs, self.footnotes.part)
        return holder._p

    def block(self, block: FlowBlock) -> None:
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Paragraph):
            self.body_paragraph(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, GapBox):
            self.gap_box(block.gap, block.line)
        elif isinstance(block, Rule):
            para = self.paragraph("Normal")
            borders = element(
                "w:pBdr",
                None,
                element(
                    "w:bottom", {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "auto"}
                ),
            )
            para._p.get_or_add_pPr().append(borders)

    def heading(self, block: Heading) -> None:
        para = self.paragraph(f"Heading {min(block.level, 9)}")
        self.heading_label(para, block)
        self.paragraph_content(para, block.runs, block.line)
        self.bookmarks.wrap(para._p, block.id)
        self.last_heading = para._p
        self.after_paragraph(para, block.line)
        title = "".join(r.text for r in block.runs)
        self.toc.append(
            self.toc_line(TocLine(block.level, block.id, block.label, title), block.line)
        )

    def toc_line(self, line: TocLine, at: int) -> TocLine:
        """The contents line of a heading just written (a redline marks its changes)."""
        return line

    def heading_label(self, para: DocxParagraph, block: Heading) -> None:
        """The heading's number: Word's list numbering where it prints the same, else text."""
        numbers = self.numbers
        if numbers is not None and numbers.number(para._p, block.level, block.label, self.in_annex):
            return
        if block.label:
            para._p.append(run(f"{block.label}\t"))

    def body_paragraph(self, block: Paragraph) -> None:
        if block.style in _LIST_STYLES:
            styles = _LIST_STYLES[block.style]
            style = styles[min(max(block.level, 1), len(styles)) - 1]
        else:
            style = _STYLES[block.style]
        para = self.paragraph(style)
        if block.style is ParaStyle.NUMBERED:
            para._p.append(run(f"{block.number}.\t"))
        runs = block.runs
        if block.style is ParaStyle.TERM:
            runs = tuple(_bold(r) for r in runs)
        self.paragraph_content(para, runs, block.line)
        self.after_paragraph(para, block.line)
        captions = [r for r in block.runs if r.image and (r.image_title or r.text)]
        if len(captions) == 1 and len(block.runs) == 1:
            caption = self.paragraph("Caption")
            caption.add_run(captions[0].image_title or captions[0].text)
            if block.id:
                self.caption_entry(caption, "fig")
                self.bookmarks.wrap(caption._p, block.id)
            self.after_caption(caption, block.line)

    def table(self, block: Table) -> None:
        columns = max((len(row) for row in block.rows), default=0)
        if not columns:
            return
        if block.caption:
            caption = self.paragraph("Caption")
            self.runs(caption, block.caption)
            self.caption_entry(caption, "tbl")
            self.bookmarks.wrap(caption._p, block.id)
        table = self.add_table(len(block.rows), columns)
        table_style(table)
        lines = block.lines or (0,) * len(block.rows)
        for row in table._tbl.tr_lst[: block.header_rows]:
            row.get_or_add_trPr().append(element("w:tblHeader"))
        # rows are filled last to first, so a redline's deleted rows shift nothing still to fill
        for index in reversed(range(len(block.rows))):
            header = index < block.header_rows
            self.fill_row(table, index, block.rows[index], header, lines[index])
        self.after_table(table, lines[0] if lines else 0, False)
        self.paragraph("Normal")

    def gap_box(self, gap: Gap, line: int = 0) -> None:
        """A bordered table: the id (bookmarked) and a link to its register row, then the fields."""
        rows = gap_rows(gap)
        table = self.add_table(len(rows) + 1, 2)
        table_style(table)
        para = _merged_head(table).paragraphs[0]
        self.gap_head(para, gap.id, line)
        para._p.append(run("  "))
        para._p.append(hyperlink(self.document.part, f"#gap-register--{gap.id}", [run("register")]))
        self.bookmarks.wrap(para._p, gap.id)
        for (name, value), row in zip(rows, table._tbl.tr_lst[1:], strict=True):
            cells = row_cells(table, row)
            cells[0].paragraphs[0]._p.append(run(name, bold=True))
            self.fill_field(cells[1], name.lower(), value, line)
        self.after_table(table, line, True)
        self.paragraph("Normal")


def gap_rows(gap: Gap) -> list[tuple[str, str]]:
    rows = [
        ("Area", gap.area),
        ("Existing", gap.existing),
        ("Gap", gap.gap),
        ("Action", gap.action),
        ("Lead", gap.lead),
    ]
    if gap.priority:
        rows.append(("Priority", gap.priority))
    if gap.status:
        rows.append(("Status", gap.status))
    return rows


def _merged_head(table: DocxTable) -> Any:
    """The first row's two cells as one (what python-docx's `merge` makes, without its grid walk)."""
    first, second = row_cells(table, table._tbl.tr_lst[0])
    width = (first.width or 0) + (second.width or 0)
    second._tc.getparent().remove(second._tc)
    first._tc.grid_span = 2
    first.width = Emu(width)
    return first


def _bold(item: Run) -> Run:
    return replace(item, bold=True)
