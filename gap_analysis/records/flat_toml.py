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
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_UNESCAPED = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}


def _unescape(match: re.Match[str]) -> str:
    escaped = match.group(1)
    return chr(int(escaped[1:], 16)) if len(escaped) == 5 else _UNESCAPED[escaped]


_LINE = (
    r"([A-Za-z0-9_-]+) = (?:"
    r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*'
    r'(?:\\(?:[\\"nrtbf]|u[0-9a-fA-F]{4})[^"\\\x00-\x08\x0a-\x1f\x7f]*)*)"'
    r"|(-?(?:0|[1-9][0-9]*))"
    r"|(true|false)"
    r"|([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z)"
)
"""One `key = value` line of the subset, the value's kind told by the group that matched:
2 a basic string's inside, 3 an integer, 4 a boolean, 5-10 a UTC date-time's parts."""
_LINE_MATCH = re.compile(_LINE).fullmatch


def parse(text: str) -> dict[str, Any] | None:
    """The table `text` holds when it is in the subset `files.dumps` writes; None otherwise.

    One regular expression per line, not one for the key and another for
    the value: reading is most of listing or exporting 10,000 comments.
    """
    if "\r" in text:
        return None
    table: dict[str, Any] = {}
    for line in text.split("\n"):
        if not line or (line[0] == "#" and _COMMENT.fullmatch(line)):
            continue
        found = _LINE_MATCH(line)
        if found is None:
            return None
        key, string, integer, boolean = found.group(1, 2, 3, 4)
        if key in table:
            return None  # a repeated key: tomllib refuses it
        if string is not None:
            if "\\" in string:
                if _SURROGATE_ESCAPE.search(string):
                    return None  # not a character: tomllib refuses it
                string = _ESCAPE.sub(_unescape, string)
            table[key] = string
        elif integer is not None:
            table[key] = int(integer)
        elif boolean is not None:
            table[key] = boolean == "true"
        else:
            try:
                year, month, day, hour, minute, second = map(int, found.group(5, 6, 7, 8, 9, 10))
                table[key] = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            except ValueError:  # 2025-02-30: tomllib's own error names it
                return None
    return table
