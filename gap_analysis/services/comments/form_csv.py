"""The comment form as CSV: what spreadsheet programs export, read into rows; rows written back.

Reading is tolerant where spreadsheets differ and strict where data would be
lost. The separator (comma, semicolon or tab) is the one under which a header
row is recognised (`form_columns`). Text must be UTF-8, with or without a BOM
(UTF-16 with a BOM is accepted too); rows with bytes that are not UTF-8 are
named, never guessed at. Rows are numbered as a spreadsheet numbers them: the
first row of the file is 1, and a cell with line breaks is still one row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence

from gap_analysis.errors import ContentError
from gap_analysis.services.comments.form_columns import (
    Form,
    form_from_cells,
    header_of,
    no_header,
)

_SEPARATORS = (",", ";", "\t")
_HEADER_SEARCH_ROWS = 25


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ContentError("not valid UTF-16 text", path=name) from None
    return raw.decode("utf-8-sig", errors="surrogateescape")


def _records(
    text: str, separator: str, name: str, limit: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row number, cells): a record spanning several lines counts as one row."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    count = 0
    try:
        for record in reader:
            count += 1
            yield count, record
            if limit is not None and count >= limit:
                return
    except csv.Error as exc:
        raise ContentError(
            f"not a readable CSV file: {exc}", path=name, line=reader.line_num
        ) from None


_NOT_UTF8 = re.compile("[\udc80-\udcff]")
"""Bytes that were not UTF-8, as `surrogateescape` decoding leaves them."""


def _problem(record: Sequence[str]) -> str:
    if any(_NOT_UTF8.search(cell) for cell in record):
        return "not valid UTF-8 (save the file as 'CSV UTF-8')"
    return ""


def _no_problem(record: Sequence[str]) -> str:
    return ""


def read_csv(raw: bytes, name: str) -> Form:
    """The rows of a comment form; file-level problems raise, row problems are collected."""
    text = _decode(raw, name)
    if not text.strip():
        raise ContentError("the comment form is empty", path=name)
    best: tuple[str, int, dict[int, str]] | None = None
    for separator in _SEPARATORS:
        head = [r for _, r in _records(text, separator, name, _HEADER_SEARCH_ROWS)]
        found = header_of(head)
        if found and (best is None or len(found[1]) > len(best[2])):
            best = (separator, *found)
    if best is None:
        raise no_header(name)
    separator, header_index, columns = best
    judged = _problem if _NOT_UTF8.search(text) else _no_problem  # rows judged only when needed
    rows = (
        (number, record, judged(record))
        for number, record in _records(text, separator, name)
        if number > header_index + 1
    )
    return form_from_cells(rows, header_index + 1, columns, name)


def write_csv(rows: Sequence[Sequence[str]]) -> str:
    """Comma-separated, CRLF line ends (cells keep their own `\\n`), for a BOM-prefixed UTF-8 file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()
