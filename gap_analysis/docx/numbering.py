"""Heading numbers as Word's own multilevel list numbering, linked to the Heading styles.

Word then shows the numbers in its navigation pane and renumbers after an
edit. Two lists: chapters (`1`, `1.2`, `1.2.3`) linked to Heading 1-9, so a
heading a secretariat types is numbered too, and annexes (`Annex A`,
`A.1`). The writer numbers a heading through a list only where Word's
counters give exactly the number the report prints (the markdown engine's);
anywhere else (a skipped level, a chapter with two level-1 headings, a
heading with no number) the heading carries no list (`numId` 0) and, where
it has one, its number as text, so the document never shows a number the PDF
does not.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from gap_analysis.docx.ooxml import Element, element
from gap_analysis.docx.parts import W_NS

LEVELS = 9
_HEADING_STYLE = "Heading"
_BEFORE_NUMBERING = {
    qn(f"w:{name}")
    for name in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl")
}
"""What the schema puts before `w:numPr` in paragraph properties."""


def _letters(count: int) -> str:
    """Word's `upperLetter`: A..Z, then AA, BB, ... (the letter repeated)."""
    return chr(ord("A") + (count - 1) % 26) * ((count - 1) // 26 + 1)


def _abstract(number: int, first: str, first_format: str) -> str:
    levels = []
    for level in range(LEVELS):
        text = first if level == 0 else ".".join(f"%{i + 1}" for i in range(level + 1))
        style = f'<w:pStyle w:val="{_HEADING_STYLE}{level + 1}"/>' if number == 0 else ""
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{first_format if level == 0 else "decimal"}"/>'
            f'{style}<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="0" w:firstLine="0"/></w:pPr></w:lvl>'
        )
    return (
        f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{{id}}">'
        f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>'
    )


class HeadingNumbers:
    """The two lists in the numbering part, and Word's counters as the document is written."""

    def __init__(self, document: Any, annex_word: str) -> None:
        numbering = document.part.numbering_part.element
        taken = [int(n) for n in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
        first_free = max(taken, default=-1) + 1
        first_num = numbering.find(qn("w:num"))
        ids = []
        for offset, (text, fmt) in enumerate(
            (("%1", "decimal"), (f"{annex_word} %1", "upperLetter"))
        ):
            abstract_id = first_free + offset
            made = parse_xml(_abstract(offset, text, fmt).replace("{id}", str(abstract_id)))
            if first_num is not None:
                first_num.addprevious(made)
            else:
                numbering.append(made)
            ids.append(numbering.add_num(abstract_id).numId)
        self.chapters, self.annexes = ids
        self.annex_word = annex_word
        self.counters = {self.chapters: [0] * LEVELS, self.annexes: [0] * LEVELS}
        _link_styles(document, self.chapters)

    def number(self, paragraph: Element, level: int, label: str, is_annex: bool) -> bool:
        """Number a heading paragraph through its list if Word would print `label`; else no list.

        Returns whether Word prints the number (else the caller writes it as text).
        """
        list_id = self.annexes if is_annex else self.chapters
        ilvl = min(max(level, 1), LEVELS) - 1
        counters = list(self.counters[list_id])
        counters[ilvl] += 1
        counters[ilvl + 1 :] = [0] * (LEVELS - ilvl - 1)
        shown = self._shown(counters[: ilvl + 1], is_annex)
        if label and shown == label:
            self.counters[list_id] = counters
            _number(paragraph, list_id, ilvl)
            return True
        _number(paragraph, 0, 0)
        return False

    def _shown(self, counters: list[int], is_annex: bool) -> str:
        if 0 in counters:
            return ""  # a skipped level: Word's number would not be the report's
        first = _letters(counters[0]) if is_annex else str(counters[0])
        if len(counters) == 1:
            return f"{self.annex_word} {first}" if is_annex else first
        return ".".join([first, *(str(c) for c in counters[1:])])


def _number(paragraph: Element, list_id: int, ilvl: int) -> None:
    _set_list(paragraph.get_or_add_pPr(), list_id, ilvl)


def _set_list(props: Element, list_id: int, ilvl: int) -> None:
    """`w:numPr` in paragraph or style properties, where the schema puts it."""
    for old in props.findall(qn("w:numPr")):
        props.remove(old)
    made = element(
        "w:numPr",
        None,
        element("w:ilvl", {"w:val": str(ilvl)}),
        element("w:numId", {"w:val": str(list_id)}),
    )
    before = [child for child in props if child.tag in _BEFORE_NUMBERING]
    if before:
        before[-1].addnext(made)
    else:
        props.insert(0, made)


def _link_styles(document: Any, list_id: int) -> None:
    """Heading 1-9 styles numbered through the chapters' list, at their level."""
    for style in document.styles.element.iterchildren(qn("w:style")):
        style_id = style.get(qn("w:styleId")) or ""
        level = style_id.removeprefix(_HEADING_STYLE)
        if style_id.startswith(_HEADING_STYLE) and level.isdigit() and 1 <= int(level) <= LEVELS:
            _set_list(style.get_or_add_pPr(), list_id, int(level) - 1)


def unnumber_other_headings(body: Element) -> None:
    """Heading paragraphs the writer did not number (history, register titles): no list."""
    for paragraph in body.iterchildren(qn("w:p")):
        props = paragraph.pPr
        if props is None or props.find(qn("w:numPr")) is not None:
            continue
        style = props.find(qn("w:pStyle"))
        level = (style.get(qn("w:val")) or "") if style is not None else ""
        if level.startswith(_HEADING_STYLE) and level.removeprefix(_HEADING_STYLE).isdigit():
            _number(paragraph, 0, 0)


class ListCounters:
    """Word's list counters over a document read in order: the number Word shows a paragraph.

    For a reviewer's copy, whose headings carry their numbers as Word list
    numbering (this writer's) rather than text; only the counters' values
    are given (`2.1`, `A.1`), not the list's decorations (`Annex `).
    """

    def __init__(self, document: Any) -> None:
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        self.lists: dict[str, str] = {}
        self.formats: dict[tuple[str, int], str] = {}
        if numbering is not None:
            for num in numbering.iterchildren(qn("w:num")):
                abstract = num.find(qn("w:abstractNumId"))
                if abstract is not None:
                    self.lists[num.get(qn("w:numId")) or ""] = abstract.get(qn("w:val")) or ""
            for abstract in numbering.iterchildren(qn("w:abstractNum")):
                for lvl in abstract.iterchildren(qn("w:lvl")):
                    fmt = lvl.find(qn("w:numFmt"))
                    key = (
                        abstract.get(qn("w:abstractNumId")) or "",
                        int(lvl.get(qn("w:ilvl")) or 0),
                    )
                    self.formats[key] = (fmt.get(qn("w:val")) or "") if fmt is not None else ""
        self.styles: dict[str, Element] = {}
        for style in document.styles.element.iterchildren(qn("w:style")):
            found = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if found is not None:
                self.styles[style.get(qn("w:styleId")) or ""] = found
        self.counters: dict[str, list[int]] = {}

    def advance(self, paragraph: Element) -> str:
        """Count the paragraph if it is in a list; the number Word shows it ("" for none)."""
        found = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if found is None:
            style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            found = self.styles.get(style.get(qn("w:val")) or "") if style is not None else None
        if found is None:
            return ""
        list_id, ilvl = found.find(qn("w:numId")), found.find(qn("w:ilvl"))
        abstract = self.lists.get(list_id.get(qn("w:val")) or "" if list_id is not None else "")
        if abstract is None:
            return ""
        level = min(int(ilvl.get(qn("w:val")) or 0) if ilvl is not None else 0, LEVELS - 1)
        counters = self.counters.setdefault(abstract, [0] * LEVELS)
        counters[level] += 1
        counters[level + 1 :] = [0] * (LEVELS - level - 1)
        return ".".join(
            _shown(counters[i], self.formats.get((abstract, i), "")) for i in range(level + 1)
        )


def _shown(count: int, fmt: str) -> str:
    if fmt == "upperLetter":
        return _letters(count)
    if fmt == "lowerLetter":
        return _letters(count).lower()
    return str(count)
