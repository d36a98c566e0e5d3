"""Spreadsheet cells that cannot run as formulas (CSV injection), and the way back.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return
may be taken for a formula by a spreadsheet program, so every CSV and XLSX
file the tool writes puts a single quote before it, as OWASP advises ("CSV
Injection"). Reading a form undoes exactly that: `restore(neutralise(t)) == t`
for every text, including texts that start with quotes themselves (a text
such as `'=x` gets a second quote, so it comes back with its own).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _risky(text: str) -> bool:
    return text.lstrip(QUOTE).startswith(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """`=1+1` -> `'=1+1`; `'=x` -> `''=x`; anything else unchanged."""
    return QUOTE + text if _risky(text) else text


def restore(text: str) -> str:
    """The inverse of `neutralise`: one quote taken off a quoted formula-like text."""
    return text[1:] if text.startswith(QUOTE) and _risky(text) else text
