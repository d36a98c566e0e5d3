"""Spreadsheet cells that cannot run as formulas (CSV injection), and the way back.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return
may be taken for a formula by a spreadsheet program. A CSV file the tool
writes puts a single quote before such text, as OWASP advises ("CSV
Injection"), and reading a CSV undoes exactly that: `restore(neutralise(t)) == t`
for every text, including texts that start with quotes themselves (a text
such as `'=x` gets a second quote, so it comes back with its own).

A workbook has a mark of its own for it: the cell is a string, never a
formula, and its style's `quotePrefix` is set, which is what Excel stores
when someone types `'=x` (the text `=x`: the apostrophe is Excel's, not the
text's). So an XLSX export holds each text exactly, with that mark on the
formula-like ones, and a cell read with the mark is exactly its text; only a
cell without it (a workbook of an earlier version, which quoted as the CSV)
has the quote taken off (`form_xlsx`).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could run `text` (or the text under its leading quotes)."""
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """`=1+1` -> `'=1+1`; `'=x` -> `''=x`; anything else unchanged."""
    return QUOTE + text if formula_like(text) else text


def restore(text: str) -> str:
    """The inverse of `neutralise`: one quote taken off a quoted formula-like text."""
    return text[1:] if text.startswith(QUOTE) and formula_like(text) else text
