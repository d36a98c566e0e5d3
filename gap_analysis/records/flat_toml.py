"""The records' own TOML read back without `tomllib`, or not at all (then `tomllib` reads it).

`tomllib` is written in Python and general: 10,000 comment records took it
2 s, the largest part of reading a register. What `files.dumps` writes is a
small subset: comment lines, then one `key = value` per line, the value a
basic string with the escapes `dumps` makes, an integer, `true`/`false`, or
a UTC date-time to the second (`2025-04-01T10:00:00Z`). `parse` reads
exactly that subset, giving what `tomllib.loads` gives for it, and returns
None for anything else (another spacing, a `\\U` escape, a repeated key, a
CR, a table, a comment after a value...), so a record edited by hand is still
read, or refused, by `tomllib` itself. `tests/test_flat_toml.py` holds the
two readers to the same result.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

_COMMENT = re.compile(r"#[^\x00-\x08\x0a-\x1f\x7f]*")
"""A comment line: any characters but the control characters TOML forbids in a comment."""
_KEY = re.compile(r"[A-Za-z0-9_-]+")
_STRING = re.compile(
    r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*'
    r'(?:\\(?:[\\"nrtbf]|u[0-9a-fA-F]{4})[^"\\\x00-\x08\x0a-\x1f\x7f]*)*)"'
)
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_MOMENT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_BOOLEANS = {"true": True, "false": False}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_UNESCAPED = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _unescape(match: re.Match[str]) -> str:
    escaped = match.group(1)
    return chr(int(escaped[1:], 16)) if len(escaped) == 5 else _UNESCAPED[escaped]


def _value(text: str) -> Any:
    """The value `text` writes in the subset, or None."""
    if text[:1] == '"':
        string = _STRING.fullmatch(text)
        if string is None:
            return None
        inner = string.group(1)
        if "\\" not in inner:
            return inner
        if _SURROGATE_ESCAPE.search(inner):
            return None  # not a character: tomllib refuses it
        return _ESCAPE.sub(_unescape, inner)
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if _INTEGER.fullmatch(text):
        return int(text)
    moment = _MOMENT.fullmatch(text)
    if moment is None:
        return None
    year, month, day, hour, minute, second = (int(part) for part in moment.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:  # 2025-02-30: tomllib's own error names it
        return None


def parse(text: str) -> dict[str, Any] | None:
    """The table `text` holds when it is in the subset `files.dumps` writes; None otherwise."""
    if "\r" in text:
        return None
    table: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line or (line[0] == "#" and _COMMENT.fullmatch(line)):
            continue
        key, equals, written = line.partition(" = ")
        if not equals or key in table or not _KEY.fullmatch(key):
            return None
        value = _value(written)
        if value is None:
            return None
        table[key] = value
    return table
