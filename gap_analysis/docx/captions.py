"""The lists of figures and of tables after the contents, and the entry fields Word builds them from.

A plain build ends each numbered caption with a `TC` field (an entry of type
`F` for a figure, `T` for a table, holding the caption as it prints:
`Figure 3: caption`, `Table A.1: caption`) and writes each list as a
`TOC \\h \\z \\f F` (or `\\f T`) field whose shown result is already the
entries, each linked to its caption's bookmark: the document reads as the
PDF's lists before any field update, updating the fields in Word rebuilds
them from the captions, and the numbers stay the report's own (annex
numbers `A.1` included). `TC` rather than Word's `SEQ` caption numbers:
pandoc (issue 9358) hangs a caption holding `SEQ Table` on the table before
it, and ITU captions stand above their tables.

The revision-marks document writes its lists as plain entries: an entry that
is new is an inserted paragraph, one gone a deleted one, so accepting every
change gives NEW's lists and rejecting every change OLD's.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any

from gap_analysis.docx.ooxml import (
    Element,
    add_paragraph,
    element,
    field_end,
    field_start,
    hyperlink,
    run,
    text_element,
)
from gap_analysis.model.flow import FlowDocument

if TYPE_CHECKING:  # revision marks are written by a redline only, which imports them
    from gap_analysis.docx.tracked import Tracker

ENTRY_TYPES = {"fig": "F", "tbl": "T"}
"""The `TC` entry type of each list (`\\f F`, `\\f T`)."""
LIST_STYLE = "Table of Figures"
"""Word's style for the entries of a list of figures or tables."""
_INS, _DEL = "ins", "del"


def entry_field(kind: str, text: str) -> list[Element]:
    """A `TC` field: `text` as an entry of the list of figures (`fig`) or tables (`tbl`).

    It shows nothing (a `TC` field has no result); quotes and backslashes are escaped.
    """
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return [
        element("w:r", None, element("w:fldChar", {"w:fldCharType": "begin"})),
        element(
            "w:r",
            None,
            text_element("w:instrText", f' TC "{quoted}" \\f {ENTRY_TYPES[kind]} \\l 1 '),
        ),
        element("w:r", None, element("w:fldChar", {"w:fldCharType": "end"})),
    ]


def list_entries(flow: FlowDocument) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(text, caption id) of each entry of the list of figures and of tables; the text is
    `Figure 3: caption`, as the caption prints."""
    words = flow.words
    return (
        [
            (f"{words.figure} {e.number}: {e.title}", e.anchor)
            for c in flow.chapters
            for e in c.figures
        ],
        [
            (f"{words.table} {e.number}: {e.title}", e.anchor)
            for c in flow.chapters
            for e in c.tables
        ],
    )


def write_lists(
    document: Any,
    flow: FlowDocument,
    tracker: Tracker | None = None,
    old: tuple[tuple[str, ...], tuple[str, ...]] = ((), ()),
) -> None:
    """The list of figures, then of tables, each when the report (or, in a redline, OLD) has any.

    With `tracker` (a redline), `old` holds OLD's entry texts and the lists carry the changes.
    """
    words = flow.words
    kinds = (("fig", words.list_of_figures), ("tbl", words.list_of_tables))
    for (kind, title), entries, before in zip(kinds, list_entries(flow), old, strict=True):
        if tracker is None:
            if entries:
                _field_list(document, title, kind, entries)
        elif entries or before:
            _tracked_list(document, title, entries, before, tracker)


def _field_list(document: Any, title: str, kind: str, entries: list[tuple[str, str]]) -> None:
    add_paragraph(document, "TOC Heading", title)
    first = True
    for text, anchor in entries:
        para = add_paragraph(document, LIST_STYLE)
        if first:
            for made in field_start(f"TOC \\h \\z \\f {ENTRY_TYPES[kind]}"):
                para._p.append(made)
            first = False
        para._p.append(hyperlink(document.part, f"#{anchor}", [run(text)]))
    end = add_paragraph(document, LIST_STYLE)
    end._p.append(field_end())


def _tracked_list(
    document: Any,
    title: str,
    entries: list[tuple[str, str]],
    before: tuple[str, ...],
    tracker: Tracker,
) -> None:
    heading = add_paragraph(document, "TOC Heading", title)
    if not before:
        tracker.whole(heading._p, _INS)
    elif not entries:
        tracker.whole(heading._p, _DEL)
    texts = [text for text, _anchor in entries]
    for op, old_from, old_to, new_from, new_to in SequenceMatcher(
        None, before, texts, autojunk=False
    ).get_opcodes():
        for text in before[old_from:old_to] if op != "equal" else ():
            para = add_paragraph(document, LIST_STYLE)
            para._p.append(run(text))
            tracker.whole(para._p, _DEL)
        for text, anchor in entries[new_from:new_to]:
            para = add_paragraph(document, LIST_STYLE)
            para._p.append(hyperlink(document.part, f"#{anchor}", [run(text)]))
            if op != "equal":
                tracker.whole(para._p, _INS)
