"""`FlowDocument` -> the bytes of a Word document: ITU TD cover, contents field, chapters, gap register.

The same snapshot gives the same bytes: every date is the snapshot's, zip
members are dated by it too, and ids (bookmarks, footnotes, parts) are
counted in document order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import TYPE_CHECKING, Any

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from gap_analysis.docx.blocks import BodyWriter
from gap_analysis.docx.captions import write_lists
from gap_analysis.docx.contents import (
    contents_end,
    contents_start,
    fill_contents,
    write_register,
)
from gap_analysis.docx.numbering import HeadingNumbers, unnumber_other_headings
from gap_analysis.docx.ooxml import (
    Bookmarks,
    add_paragraph,
    field,
    line_break,
    run,
    table_style,
)
from gap_analysis.docx.parts import Footnotes, add_custom_properties, ensure_styles, package_bytes
from gap_analysis.model.chapter import annex_letter
from gap_analysis.model.flow import FlowDocument
from gap_analysis.model.languages import words_for

if TYPE_CHECKING:
    from gap_analysis.model.revisions import Revisions

_LANGUAGES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "ru": "Russian",
    "ar": "Arabic",
    "zh": "Chinese",
}


def write_docx(
    flow: FlowDocument,
    image: Callable[[str], bytes | None],
    revisions: Revisions | None = None,
) -> tuple[bytes, list[str]]:
    """The DOCX bytes and the image paths that could not be embedded.

    With `revisions`, the chapters carry them as Word revision marks (a redline).
    """
    document = docx.Document()
    ensure_styles(document)
    _page_setup(document, flow)
    bookmarks = Bookmarks()
    parts = (document, Footnotes(document), bookmarks, image, _text_width(document))
    body = BodyWriter(*parts)
    if revisions is None:
        # the revision-marks document keeps numbers as text: a renumbered heading is a revision
        body.numbers = HeadingNumbers(document, words_for(flow.language).annex)
    else:
        from gap_analysis.docx.redline import RedlineWriter  # a plain build needs no revisions

        body = RedlineWriter(*parts, revisions=revisions)
    _cover(document, flow)
    _history(document, flow)
    contents = contents_start(document, flow.words.contents)
    if revisions is None:
        write_lists(document, flow)
    else:
        write_lists(document, flow, body.tracker, revisions.old_lists)  # type: ignore[attr-defined]
    contents_end(document)
    for chapter in flow.chapters:
        body.chapter_blocks(chapter)
    tracker = None
    if revisions is not None:
        tracker = body.tracker  # type: ignore[attr-defined]
        for removed in revisions.removed_chapters:
            body.write_deleted(removed)  # type: ignore[attr-defined]
    fill_contents(document, contents, body.toc, tracker)
    write_register(document, flow, bookmarks, revisions, tracker)
    _annexes(body, flow)
    if body.numbers is not None:
        unnumber_other_headings(document.element.body)
    _properties(document, flow)
    return package_bytes(document, flow.date.astimezone(UTC)), body.missing_images


def _annexes(body: BodyWriter, flow: FlowDocument) -> None:
    """The tool's annexes, lettered as in the PDF (after the report's annexes and the register)."""
    if not flow.annexes:
        return
    from gap_analysis.docx.annexes import annex_blocks  # its HTML parser only when there are some

    used = sum(1 for chapter in flow.chapters if chapter.is_annex)
    word = words_for(flow.language).annex
    body.in_annex = True
    for index, annex in enumerate(flow.annexes):
        for block in annex_blocks(annex, f"{word} {annex_letter(used + 1 + index)}"):
            body.block(block)


def _text_width(document: Any) -> int:
    section = document.sections[0]
    return int(section.page_width - section.left_margin - section.right_margin)


def _page_setup(document: Any, flow: FlowDocument) -> None:
    """A4, numbered in the header ("2 of 10") with the document number below; no footer."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for made in [run("- "), *field("PAGE", "2"), run(" of "), *field("NUMPAGES", "2"), run(" -")]:
        header._p.append(made)
    below = section.header.add_paragraph(flow.document or flow.label)
    below.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _cover(document: Any, flow: FlowDocument) -> None:
    """The ITU TD cover as a table: study period, document number, Question, meeting, Source, Title, ...

    Its labels are the PDF cover's, in the report's language (`flow.words`); those the
    PDF cover has no word for (Title, Purpose, Status, Original) stay as ITU writes them.
    """
    words = flow.words
    rows: list[tuple[str, str]] = [
        (
            f"{words.study_period} {flow.study_period}" if flow.study_period else flow.group,
            flow.document or flow.label,
        ),
        ("", f"Original: {_LANGUAGES.get(flow.language, flow.language)}"),
        (f"{words.questions}:", flow.questions),
        (f"{words.meeting}:", flow.meeting),
        (f"{words.source}:", flow.group),
        ("Title:", f"{flow.title} ({flow.label}, {flow.date.day} {flow.date:%B %Y})"),
        ("Purpose:", flow.purpose),
    ]
    if flow.status:
        rows.append(("Status:", flow.status))
    rows += [(f"{name}:", value) for name, value in flow.labels if name != "Purpose"]
    for editor in flow.editors:
        where = ", ".join(x for x in (editor.organization, editor.country) if x)
        rows.append(
            (
                f"{words.contact}:",
                f"{editor.name}{', ' + where if where else ''}\n{words.email}: {editor.email}",
            )
        )
    if flow.keywords:
        rows.append((f"{words.keywords}:", "; ".join(flow.keywords)))
    if flow.abstract:
        rows.append((f"{words.abstract}:", flow.abstract))
    rows = [(name, value) for name, value in rows if value]
    table = document.add_table(rows=len(rows), cols=2)
    table_style(table)
    for (name, value), row in zip(rows, table.rows, strict=True):
        row.cells[0].paragraphs[0]._p.append(run(name, bold=True))
        lines = value.split("\n")
        cell = row.cells[1].paragraphs[0]
        for index, line in enumerate(lines):
            if index:
                cell._p.append(line_break())
            cell._p.append(run(line, bold=row is table.rows[0]))
    add_paragraph(document)


def _history(document: Any, flow: FlowDocument) -> None:
    if not flow.history:
        return
    add_paragraph(document, "Heading 1", flow.words.document_history)
    table = document.add_table(rows=len(flow.history) + 1, cols=4)
    table_style(table)
    for cell, name in zip(table.rows[0].cells, ("Version", "Date", "Event", "Note"), strict=True):
        cell.paragraphs[0]._p.append(run(name, bold=True))
    for row, entry in zip(table.rows[1:], flow.history, strict=True):
        for cell, value in zip(
            row.cells, (entry.version, entry.date, entry.event, entry.note), strict=True
        ):
            cell.paragraphs[0]._p.append(run(value))
    add_paragraph(document)


def _properties(document: Any, flow: FlowDocument) -> None:
    core = document.core_properties
    core.title = flow.title
    core.author = "; ".join(person.name for person in flow.editors) or flow.group
    core.subject = flow.subject
    core.keywords = "; ".join(flow.keywords)
    core.comments = flow.abstract
    core.category = flow.document
    core.language = flow.language
    core.last_modified_by = flow.creator
    when = flow.date.astimezone(UTC).replace(tzinfo=None)
    core.created = when
    core.modified = when
    core.last_printed = when
    core.revision = 1
    core.version = flow.label
    core.identifier = flow.commit
    add_custom_properties(
        document, [("commit", flow.commit), ("version", flow.label), ("generator", flow.creator)]
    )
