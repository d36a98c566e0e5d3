"""`review/` records: TOML files <-> plain mappings, written atomically.

One file per record, so two co-conveners recording on two branches never meet
in a merge conflict. Records are flat tables (strings, booleans, integers,
datetimes, lists of strings); the writer below covers exactly that, so no TOML
writer dependency is needed. Writes are atomic (`atomic_files`): a crash
leaves the old file or the new one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from gap_analysis import atomic_files
from gap_analysis.errors import ContentError

Value = str | bool | int | datetime | list[str]


_CONTROL = re.compile("[\x00-\x1f]")


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    escaped = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, list):
        return "[" + ", ".join(_quote(str(v)) for v in value) + "]"
    return _quote(str(value))


def dumps(record: Mapping[str, Value | None], header: str = "") -> str:
    """A flat TOML table; None values are left out."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key, value in record.items():
        if value is None:
            continue
        lines.append(f"{key} = {_value(value)}")
    return "\n".join(lines) + "\n"


def write_text_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write `text` to `path` atomically; with `exclusive`, refuse if `path` exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        atomic_files.write_atomic(path, text.encode("utf-8"), exclusive=exclusive)
    except FileExistsError:
        raise ContentError("record already exists", path=str(path)) from None


def write_record(
    path: Path, record: Mapping[str, Value | None], *, header: str = "", exclusive: bool = True
) -> None:
    write_text_atomic(path, dumps(record, header), exclusive=exclusive)


def loads(text: str, path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"invalid TOML: {exc}", path=path) from None


def read_record(raw: bytes, path: str) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContentError("not valid UTF-8", path=path) from None
    return loads(text, path)


# -- typed fields of a record read back --------------------------------------------


def text_field(data: dict[str, Any], key: str, path: str, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ContentError(f"'{key}' must be a string", path=path)
    if required and not value:
        raise ContentError(f"'{key}' is missing", path=path)
    return value


def datetime_field(data: dict[str, Any], path: str) -> datetime:
    value = data.get("date")
    if not isinstance(value, datetime):
        raise ContentError(
            "'date' must be a TOML date-time such as 2025-04-08T09:00:00Z", path=path
        )
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def day_field(data: dict[str, Any], path: str) -> date | None:
    """The optional `decided` day (YYYY-MM-DD)."""
    value = data.get("decided")
    if value is None:
        return None
    try:
        return (
            value
            if isinstance(value, date) and not isinstance(value, datetime)
            else date.fromisoformat(str(value))
        )
    except ValueError:
        raise ContentError(f"'decided' is not a day (YYYY-MM-DD): {value!r}", path=path) from None
