"""Comment forms as files: which adapter reads or writes one, and which files are refused unread.

Every adapter gives the same `Form` (numbered rows of named cells) and writes
the same `export_cells` rows, so `comment import` and `export` judge and
produce the same columns whatever the format: CSV (`form_csv`) or an Excel
workbook (`form_xlsx`). A path is read only when it is a regular file of a
sane size: a device such as /dev/zero, a FIFO or a folder is refused before
any byte is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from gap_analysis.errors import ContentError, UsageError
from gap_analysis.model.comment import Comment
from gap_analysis.services.comments.form_columns import Form, export_cells
from gap_analysis.services.comments.form_csv import read_csv, write_csv
from gap_analysis.services.comments.form_xlsx import (
    XLSX_MAGIC,
    UnwritableCellError,
    read_xlsx,
    write_xlsx,
)
from gap_analysis.services.spreadsheet_cells import neutralise

FORMATS = ("csv", "xlsx")
MAX_FORM_BYTES = 64 * 1024 * 1024
"""A comment form larger than this is refused (10,000 comments make about 5 MB of CSV)."""


def form_format(name: str, raw: bytes = b"") -> str:
    """`xlsx` for a workbook (by its name or its first bytes), `csv` otherwise."""
    if name.lower().endswith((".xlsx", ".xlsm")) or raw.startswith(XLSX_MAGIC):
        return "xlsx"
    return "csv"


def read_form(raw: bytes, name: str) -> Form:
    """The rows of a comment form in any supported format."""
    if form_format(name, raw) == "xlsx":
        return read_xlsx(raw, name)
    return read_csv(raw, name)


def read_form_bytes(path: Path) -> bytes:
    """The bytes of a form file: a regular file under `MAX_FORM_BYTES`, else refused unread."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path=name) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ContentError(
                "not a regular file (a device, FIFO or folder); give a .csv or .xlsx file",
                path=name,
            )
        if info.st_size > MAX_FORM_BYTES:
            raise ContentError(
                f"{info.st_size:,} bytes is too large for a comment form "
                f"(at most {MAX_FORM_BYTES:,})",
                path=name,
            )
        try:
            return handle.read(MAX_FORM_BYTES + 1)
        except OSError as exc:
            raise ContentError(f"cannot read: {exc.strerror}", path=name) from None


def write_form(comments: Sequence[Comment], fmt: str, *, bom: bool = True) -> bytes:
    """The export of `comments` as a file's bytes: CSV (with a BOM, for spreadsheets), or XLSX."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown form format '{fmt}' (use {' or '.join(FORMATS)})")
    rows = export_cells(comments)
    if fmt == "xlsx":
        try:
            return write_xlsx(rows)
        except UnwritableCellError as exc:
            comment = comments[exc.row - 2]
            raise ContentError(f"comment {comment.id} {exc.message}", path=comment.path) from None
    safe = [[neutralise(cell) for cell in row] for row in rows]
    return (("\ufeff" if bom else "") + write_csv(safe)).encode("utf-8")
