"""Native revision marks: `w:ins`, `w:del`, `w:moveFrom`/`w:moveTo`, paragraph marks and table rows.

python-docx has no revision API; these are made through its oxml layer.
Every revision carries the same author and date (the version's editor, the
newer commit's date), so the bytes stay reproducible.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime

from docx.oxml.ns import qn

from gap_analysis.docx.ooxml import Element, element, line_break, run
from gap_analysis.model.diff import DELETE, EQUAL, INSERT, WordOp

_FOOTNOTE_MARK = re.compile(r"\[\^([^\]\s]+)\]")
INS, DEL = "ins", "del"


class Tracker:
    """Revision attributes and ids (counted from a high base, apart from bookmark ids)."""

    def __init__(self, author: str, date: datetime) -> None:
        self.author = author
        self.date = date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 100_000
        self.moves = 0

    def attrs(self) -> dict[str, str]:
        number = str(self.next_id)
        self.next_id += 1
        return {"w:id": number, "w:author": self.author, "w:date": self.date}

    def wrap(self, kind: str, runs: list[Element], moved: bool = False) -> Element:
        """Runs inside a `w:ins`/`w:del` (or `w:moveTo`/`w:moveFrom` for a move)."""
        tag = {INS: "w:moveTo" if moved else "w:ins", DEL: "w:moveFrom" if moved else "w:del"}[kind]
        holder = element(tag, self.attrs())
        for made in runs:
            if kind == DEL and not moved:
                _as_deleted(made)
            holder.append(made)
        return holder

    def mark_paragraph(self, paragraph: Element, kind: str, moved: bool = False) -> None:
        """The paragraph mark itself inserted or deleted (or moved), so a whole paragraph comes or goes."""
        props = paragraph.find(qn("w:pPr"))
        if props is None:
            props = element("w:pPr")
            paragraph.insert(0, props)
        marks = props.find(qn("w:rPr"))
        if marks is None:
            marks = element("w:rPr")
            props.append(marks)
        tag = {INS: "moveTo", DEL: "moveFrom"}[kind] if moved else kind
        marks.append(element(f"w:{tag}", self.attrs()))

    def move_range(self, paragraphs: list[Element], kind: str, name: str) -> None:
        """A move's range around written paragraphs: `w:moveFromRangeStart` ... `w:moveFromRangeEnd`.

        Word pairs a move's source and destination by the range's name; the
        `w:moveFrom`/`w:moveTo` runs inside are the content. The start comes
        first in the first paragraph (after its properties), the end last in
        the last one.
        """
        if not paragraphs or not name:
            return
        side = {INS: "moveTo", DEL: "moveFrom"}[kind]
        attrs = self.attrs()
        start = element(f"w:{side}RangeStart", {**attrs, "w:name": _move_name(name)})
        first, last = paragraphs[0], paragraphs[-1]
        first.insert(1 if first.find(qn("w:pPr")) is not None else 0, start)
        last.append(element(f"w:{side}RangeEnd", {"w:id": attrs["w:id"]}))

    def mark_row(self, row: Element, kind: str) -> None:
        props = row.find(qn("w:trPr"))
        if props is None:
            props = element("w:trPr")
            row.insert(1 if row.find(qn("w:tblPrEx")) is not None else 0, props)
        props.append(element(f"w:{kind}", self.attrs()))

    def whole(self, paragraph: Element, kind: str, moved: bool = False) -> None:
        """Every run of a paragraph (already written) put inside revisions, and its mark too.

        Runs of a hyperlink are wrapped inside it (`w:hyperlink/w:ins/w:r`), as
        a revision may not hold a hyperlink.
        """
        self._wrap_runs(paragraph, kind, moved)
        for link in paragraph.findall(qn("w:hyperlink")):
            self._wrap_runs(link, kind, moved)
        self.mark_paragraph(paragraph, kind, moved)

    def replaced(self, paragraph: Element, older: str) -> None:
        """A paragraph's runs (already written) inserted, `older` deleted before them."""
        self._wrap_runs(paragraph, INS, False)
        first = paragraph.find(qn("w:ins"))
        if first is not None:
            first.addprevious(self.wrap(DEL, [run(older + " ")]))

    def _wrap_runs(self, parent: Element, kind: str, moved: bool) -> None:
        group: list[Element] = []
        for child in [*parent, None]:
            if child is not None and child.tag == qn("w:r"):
                group.append(child)
                continue
            if group:
                at = parent.index(group[0])
                for made in group:
                    parent.remove(made)
                parent.insert(at, self.wrap(kind, group, moved))
                group = []

    def ops(
        self,
        ops: tuple[WordOp, ...],
        footnote: Callable[[str], Element | None] = lambda _label: None,
    ) -> list[Element]:
        """Word runs as runs: kept plain, deleted in `w:del`, inserted in `w:ins`.

        Words are joined by one space, carried by the run that follows, so
        accepting or rejecting all leaves words apart. A `[^label]` the
        chapter still has becomes its footnote reference.
        """
        made: list[Element] = []
        for index, op in enumerate(ops):
            text = op.text if index == 0 else " " + op.text
            runs = _text_runs(text, footnote if op.op != DELETE else lambda _label: None)
            if op.op == EQUAL:
                made.extend(runs)
            elif op.op == DELETE:
                made.append(self.wrap(DEL, runs))
            elif op.op == INSERT:
                made.append(self.wrap(INS, runs))
        return made


def _move_name(name: str) -> str:
    """A range name Word accepts for a move: `move` and a short digest of the pair's name."""
    return "move" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def _text_runs(text: str, footnote: Callable[[str], Element | None]) -> list[Element]:
    runs: list[Element] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            runs.append(line_break())
        at = 0
        for match in _FOOTNOTE_MARK.finditer(line):
            reference = footnote(match.group(1))
            if reference is None:
                continue
            if match.start() > at:
                runs.append(run(line[at : match.start()]))
            runs.append(reference)
            at = match.end()
        if at < len(line):
            runs.append(run(line[at:]))
    return runs


def _as_deleted(made: Element) -> None:
    """Deleted runs carry `w:delText` (and `w:delInstrText`), as the schema asks."""
    for text in made.iter(qn("w:t")):
        text.tag = qn("w:delText")
    for text in made.iter(qn("w:instrText")):
        text.tag = qn("w:delInstrText")
