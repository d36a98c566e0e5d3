"""WordprocessingML pieces python-docx has no API for: runs with styles, hyperlinks, bookmarks, fields.

Built through python-docx's `oxml` layer (`OxmlElement`, `qn`), so the
elements are the same lxml objects its own API makes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser

Element = Any
"""An lxml element made by python-docx's oxml layer (it ships no precise types for them)."""

_NOT_NAME = re.compile(r"[^A-Za-z0-9_]")
_SECTION = qn("w:sectPr")
_CELL = qn("w:tc")
_RUN = qn("w:r")


def element(tag: str, attrs: dict[str, str] | None = None, *children: Element) -> Element:
    """`w:tag` with `w:`-qualified attributes and children.

    What python-docx's `OxmlElement` makes (the same parser, so the same
    element classes), copied from one empty element per tag: a build makes
    tens of thousands of elements, and lxml copies one faster than it parses
    a tag's namespace and makes a new one.
    """
    made = _empty(tag).__copy__()
    if attrs:
        for name, value in attrs.items():
            made.set(_attribute(name), value)
    for child in children:
        made.append(child)
    return made


@cache
def _empty(tag: str) -> Element:
    prefixed = NamespacePrefixedTag(tag)
    return oxml_parser.makeelement(prefixed.clark_name, nsmap=prefixed.nsmap)


@cache
def _attribute(name: str) -> str:
    return qn(name) if ":" in name else name


def bookmark_name(element_id: str) -> str:
    """A Word bookmark name for an element id: letters, digits and `_`, a letter first, <= 40 chars.

    The same id always gives the same name, so a hyperlink's `w:anchor` and
    the bookmark it points to are made apart and still meet.
    """
    name = _NOT_NAME.sub("_", element_id)
    if not name[:1].isalpha():
        name = "b" + name
    if len(name) > 40:
        digest = hashlib.sha1(element_id.encode("utf-8")).hexdigest()[:8]
        name = f"{name[:31]}_{digest}"
    return name


def run(
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    style: str = "",
    font: str = "",
) -> Element:
    """A `w:r` with its text (white space kept) and character formatting."""
    made = element("w:r")
    if style or font or bold or italic or strike:  # most runs are plain: no empty `w:rPr` made
        props = element("w:rPr")
        if style:
            props.append(element("w:rStyle", {"w:val": style}))
        if font:
            props.append(element("w:rFonts", {"w:ascii": font, "w:hAnsi": font, "w:cs": font}))
        if bold:
            props.append(element("w:b"))
        if italic:
            props.append(element("w:i"))
        if strike:
            props.append(element("w:strike"))
        made.append(props)
    if text:
        made.append(text_element("w:t", text))
    return made


def text_element(tag: str, text: str) -> Element:
    made = element(tag)
    made.text = text
    made.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return made


def line_break() -> Element:
    return element("w:r", None, element("w:br"))


def hyperlink(part: Any, target: str, runs: Iterable[Element]) -> Element:
    """A `w:hyperlink`: `#id` to the bookmark of that element id, anything else an external URL."""
    if target.startswith("#"):
        link = element("w:hyperlink", {"w:anchor": bookmark_name(target[1:]), "w:history": "1"})
    else:
        rel = part.relate_to(target, RT.HYPERLINK, is_external=True)
        link = element("w:hyperlink", {"r:id": rel, "w:history": "1"})
    for made in runs:
        link.append(link_styled(made))
    return link


def append_linked(parent: Element, part: Any, items: Iterable[tuple[str, Element]]) -> None:
    """Runs (or revisions of runs) into `parent`, those of one link grouped into a hyperlink.

    Each item is in the document before the next is made (the hyperlink
    first, its runs then), so a picture made next counts the one before it
    when python-docx picks a fresh shape id.
    """
    link: Element | None = None
    target = ""
    for wanted, made in items:
        if link is not None and wanted != target:
            link = None
        if wanted and link is None:
            link, target = hyperlink(part, wanted, []), wanted
            parent.append(link)
        if link is None:
            parent.append(made)
        else:
            link.append(link_styled(made))


def link_styled(made: Element) -> Element:
    """A run, or each run of a revision (`w:ins`, `w:del`), in the Hyperlink character style."""
    for item in [made] if made.tag == _RUN else made.iter(_RUN):
        props = item.find(qn("w:rPr"))
        if props is None:
            props = element("w:rPr")
            item.insert(0, props)
        props.insert(0, element("w:rStyle", {"w:val": "Hyperlink"}))
    return made


class Bookmarks:
    """Bookmark ids for one document (Word wants each `w:id` unique), and the names used."""

    def __init__(self) -> None:
        self.next_id = 0
        self.names: set[str] = set()

    def wrap(self, paragraph: Element, element_id: str) -> None:
        """Put a bookmark named after `element_id` around the paragraph's content (once per name)."""
        name = bookmark_name(element_id)
        if name in self.names:
            return
        self.names.add(name)
        number = str(self.next_id)
        self.next_id += 1
        start = element("w:bookmarkStart", {"w:id": number, "w:name": name})
        props = paragraph.find(qn("w:pPr"))
        paragraph.insert(0 if props is None else 1, start)
        paragraph.append(element("w:bookmarkEnd", {"w:id": number}))


def field(instruction: str, placeholder: str = "") -> list[Element]:
    """A complex field's runs: begin, instruction, separate, shown result, end."""
    return [*field_start(instruction, placeholder), field_end()]


def field_start(instruction: str, placeholder: str = "") -> list[Element]:
    runs = [
        element("w:r", None, element("w:fldChar", {"w:fldCharType": "begin"})),
        element("w:r", None, text_element("w:instrText", f" {instruction} ")),
        element("w:r", None, element("w:fldChar", {"w:fldCharType": "separate"})),
    ]
    if placeholder:
        runs.append(run(placeholder))
    return runs


def field_end() -> Element:
    return element("w:r", None, element("w:fldChar", {"w:fldCharType": "end"}))


def paragraph_style(paragraph: Element, style: str) -> None:
    """Set the paragraph's `w:pStyle` (first in `w:pPr`, as the schema orders it)."""
    props = paragraph.find(qn("w:pPr"))
    if props is None:
        props = element("w:pPr")
        paragraph.insert(0, props)
    for old in props.findall(qn("w:pStyle")):
        props.remove(old)
    props.insert(0, element("w:pStyle", {"w:val": style}))


def add_paragraph(document: Any, style: str = "", text: str = "") -> Any:
    """A python-docx paragraph at the end of the body, its style set by id.

    python-docx resolves a style name by scanning every style of the template
    on each call (most of a build's time); the ids of the styles used here are
    their names without spaces.
    """
    from docx.text.paragraph import Paragraph

    made = element("w:p")
    if style and style != "Normal":
        paragraph_style(made, style_id(style))
    if text:
        made.append(run(text))
    append_to_body(document, made)
    return Paragraph(made, document._body)


def append_to_body(document: Any, made: Element) -> None:
    """Add a block at the end of the body, before its closing `w:sectPr`.

    python-docx finds the `w:sectPr` by scanning every child of the body,
    once per paragraph: quadratic in a long report. The last child is
    looked at instead.
    """
    body = document.element.body
    try:
        last = body[-1]
    except IndexError:
        last = None
    if last is not None and last.tag == _SECTION:
        last.addprevious(made)
    else:
        body.append(made)


def add_table(document: Any, rows: int, columns: int, width: int) -> Any:
    """A python-docx table of `rows` x `columns` at the end of the body, `width` EMU wide.

    Made as python-docx makes it, without its per-table scans of the body
    (for the section's width and the `w:sectPr`).
    """
    from docx.oxml.table import CT_Tbl
    from docx.shared import Emu
    from docx.table import Table

    made = CT_Tbl.new_tbl(rows, columns, Emu(width))
    append_to_body(document, made)
    return Table(made, document._body)


def add_row(table: Any) -> Element:
    """A new last row (`w:tr`) of a table: one empty cell per grid column, as wide as it.

    What python-docx's `add_row` makes, without parsing a template per cell.
    """
    tbl = table._tbl
    row = element("w:tr")
    for column in tbl.tblGrid.gridCol_lst:
        cell = element("w:tc")
        if column.w is not None:
            width = {"w:w": str(column.w.twips), "w:type": "dxa"}
            cell.append(element("w:tcPr", None, element("w:tcW", width)))
        cell.append(element("w:p"))
        row.append(cell)
    tbl.append(row)
    return row


def row_cells(table: Any, row: Element) -> list[Any]:
    """The cells of one row (`w:tr`) of a table without merged cells.

    python-docx's `row.cells` works out the grid of the whole row each time;
    the tables written here have one `w:tc` per column.
    """
    from docx.table import _Cell

    return [_Cell(tc, table) for tc in row.iterchildren(_CELL)]


def style_id(name: str) -> str:
    return name.replace(" ", "")


def table_style(table: Any, name: str = "Table Grid") -> None:
    """Set a table's style by id (see `add_paragraph`)."""
    table._tbl.tblPr.style = style_id(name)
