"""The comment form as an Excel workbook (.xlsx): the only importer of openpyxl.

A national body's form usually arrives as a workbook. A workbook is a zip
file, judged first as every Office package from outside is (`zip_package`:
a zip bomb, too many members, a DOCTYPE or entity are refused). Reading takes the first
sheet whose first rows hold a recognised header (the active sheet first),
values only: a formula gives the value Excel saved with it and is never
evaluated. Writing makes one sheet with the header row frozen, long cells
wrapped, every cell a string (never a formula) and formula-like text marked
as Excel marks text typed after an apostrophe (`quotePrefix`), the text kept
exactly; reading takes a cell so marked as exactly its text
(`spreadsheet_cells`).
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterator, Sequence
from copy import copy
from datetime import date, datetime, time
from typing import Any

from gap_analysis import zip_package
from gap_analysis.errors import ContentError
from gap_analysis.services.comments.form_columns import (
    Form,
    form_from_cells,
    header_of,
    no_header,
)
from gap_analysis.services.spreadsheet_cells import formula_like, neutralise

XLSX_MAGIC = b"PK\x03\x04"
_HEADER_SEARCH_ROWS = 25
_WIDE = 60
"""Characters: columns that hold long texts get this width and wrap."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _rows(sheet: Any, quoted: frozenset[int]) -> Iterator[tuple[int, list[str]]]:
    """Numbered rows of cell texts. A cell whose style is in `quoted` (Excel's `'=x`: the text
    `=x`) is exactly its text; it goes on as the CSV would write it (`neutralise`), so the
    form's reading of a CSV's quote (`form_columns.cell_text`) gives that text back, where a
    cell without the mark that starts with a quote is read as a CSV's (earlier exports).
    A workbook without the mark is read by values alone (cells cost a tenth more)."""
    if not quoted:
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, [_text(v) for v in values]
        return
    for number, cells in enumerate(sheet.iter_rows(), 1):
        yield (
            number,
            [
                neutralise(_text(c.value))
                if getattr(c, "_style_id", 0) in quoted
                else _text(c.value)
                for c in cells
            ],
        )


def _quoted_styles(book: Any) -> frozenset[int]:
    """The ids of the workbook's cell styles that carry Excel's quote prefix."""
    return frozenset(n for n, style in enumerate(book._cell_styles) if style.quotePrefix)


def read_xlsx(raw: bytes, name: str) -> Form:
    """The rows of a comment form in a workbook; rows are numbered as Excel shows them."""
    import openpyxl  # noqa: PLC0415 - loaded only for workbooks
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    zip_package.checked_members(raw, name, "workbook", ".xlsx")  # before openpyxl reads a byte
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ContentError(f"not a readable .xlsx workbook: {exc}", path=name) from None
    try:
        sheets = [book.active, *(s for s in book.worksheets if s is not book.active)]
        quoted = _quoted_styles(book)
        for sheet in sheets:
            if sheet is None:
                continue
            head = [
                cells for _, cells in itertools.islice(_rows(sheet, quoted), _HEADER_SEARCH_ROWS)
            ]
            found = header_of(head)
            if found is None:
                continue
            header_index, columns = found
            rows = (
                (number, cells, "")
                for number, cells in _rows(sheet, quoted)
                if number > header_index + 1
            )
            return form_from_cells(rows, header_index + 1, columns, f"{name} [{sheet.title}]")
    finally:
        book.close()
    raise no_header(name)


class UnwritableCellError(ContentError):
    """A cell holds a control character that a workbook's XML cannot hold (`row`: 1 is the header)."""

    def __init__(self, row: int, character: str) -> None:
        super().__init__(
            f"holds the control character U+{ord(character):04X}, which a workbook cannot "
            "hold; export it as CSV, which keeps it"
        )
        self.row = row


def write_xlsx(rows: Sequence[Sequence[str]], title: str = "Comments") -> bytes:
    """One sheet: `rows[0]` is the header (bold, frozen); long texts wrap in wide columns.

    Every cell is a string; formula-like text carries Excel's quote prefix. A cell
    with a control character XML refuses raises `UnwritableCellError`.
    """
    import openpyxl  # noqa: PLC0415 - loaded only for workbooks
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415
    from openpyxl.styles import Alignment, Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415
    from openpyxl.utils.exceptions import IllegalCharacterError  # noqa: PLC0415

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = [0] * max((len(r) for r in rows), default=0)
    for number, row in enumerate(rows, 1):
        try:
            sheet.append(list(row))
        except IllegalCharacterError:
            found = next(m for cell in row if (m := ILLEGAL_CHARACTERS_RE.search(cell)))
            raise UnwritableCellError(number, found.group()) from None
        for position, value in enumerate(row):
            longest = max((len(line) for line in value.split("\n")), default=0)
            widths[position] = max(widths[position], longest)
    # One cell is styled; the others get a copy of its style array, as openpyxl's own
    # WorksheetCopy copies styles: assigning `alignment` hashes the Alignment anew for
    # every cell, 2 s of the 6.7 s that 10,000 rows of 16 cells took (tools/bench comments).
    wrapped = None
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.data_type = "s"
            styled: Any = cell  # `_style` is left out of openpyxl's type stubs
            if wrapped is None:
                cell.alignment = wrap
                wrapped = copy(styled._style)
            else:
                styled._style = copy(wrapped)
            if formula_like(str(cell.value or "")):
                cell.quotePrefix = True
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(position)].width = min(max(width, 8) + 2, _WIDE)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
