"""`review/` records: TOML files <-> plain mappings, written atomically.

One file per record, so two co-conveners recording on two branches never meet
in a merge conflict. Records are flat tables (strings, booleans, integers,
datetimes, lists of strings); the writer below covers exactly that, so no TOML
writer dependency is needed. Writes are atomic (`atomic_files`): a crash
leaves the old file or the new one.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from gap_analysis import atomic_files
from gap_analysis.errors import ContentError
from gap_analysis.records import flat_toml

Value = str | bool | int | datetime | list[str]


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _raw_forbidden(ch: str) -> bool:
    """TOML forbids the control characters other than tab raw in a string (U+0000-U+001F, U+007F)."""
    return ord(ch) < 0x20 or ord(ch) == 0x7F


_QUOTED = str.maketrans(
    {
        **{chr(c): f"\\u{c:04x}" for c in (*range(0x20), 0x7F) if _raw_forbidden(chr(c))},
        **_ESCAPES,
    }
)
"""What `_quote` writes for each character TOML needs escaped (one `str.translate`, not a loop)."""
_ESCAPED = re.compile(r'[\x00-\x1f\x7f"\\]').search
"""Whether a text holds a character `_QUOTED` changes (most hold none: `translate` is then skipped)."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_HEADER_FORBIDDEN = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
"""A control character other than a line break, which a record's header comment cannot hold."""


def check_encodable(value: str, what: str) -> None:
    """Refuse text no record can hold, before anything is written.

    Every Unicode character can be written (`_quote` escapes the ones TOML
    forbids raw) except lone surrogates: they are not characters, and they are
    what Python makes of bytes that are not UTF-8 (an argument such as
    `$'M\\xffx'` arrives as 'M\\udcffx'). Refused rather than guessed at.
    """
    found = _SURROGATE.search(value)
    if found is None:
        return
    index, ch = found.start(), found.group()
    shown = (
        f"byte 0x{ord(ch) - 0xDC00:02x}"
        if 0xDC80 <= ord(ch) <= 0xDCFF
        else f"lone surrogate U+{ord(ch):04X}"
    )
    raise ContentError(
        f"the {what} is not valid UTF-8 text ({shown} at character {index + 1}); "
        "retype it or fix the terminal's encoding"
    )


def _quote(text: str, what: str) -> str:
    check_encodable(text, what)
    return '"' + text.translate(_QUOTED) + '"'


def _value(value: Value, what: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        # isoformat, not strftime("%Y"): glibc writes year 999 as "999", which TOML refuses
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if isinstance(value, list):
        return "[" + ", ".join(_quote(str(v), what) for v in value) + "]"
    return _quote(str(value), what)


def dumps(record: Mapping[str, Value | None], header: str = "") -> str:
    """A flat TOML table; None values are left out.

    Text values (most of them) are quoted inline and the record searched for
    lone surrogates once, not value by value (writing is half of an import's
    updates); only when one is found are the values judged one by one, so
    the error names the field.
    """
    if _HEADER_FORBIDDEN.search(header):
        raise ValueError(f"a record header holds a control character: {header!r}")
    lines = [f"# {line}".rstrip() for line in header.split("\n")]
    for key, value in record.items():
        if value is None:
            continue
        if type(value) is str:
            lines.append(f'{key} = "{value.translate(_QUOTED) if _ESCAPED(value) else value}"')
        else:
            lines.append(f"{key} = {_value(value, key)}")
    text = "\n".join(lines) + "\n"
    if _SURROGATE.search(text):
        for key, value in record.items():
            if value is not None:
                _value(value, key)  # raises, naming the field
    return text


def write_text_atomic(path: Path, text: str, *, exclusive: bool = False) -> None:
    """Write `text` to `path` atomically; with `exclusive`, refuse if `path` exists."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise ContentError(f"cannot write {path.name}: {folder} is not a folder", path=str(path))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ContentError(f"cannot create the folder: {exc.strerror}", path=str(folder)) from None
    try:
        atomic_files.write_atomic(path, text.encode("utf-8"), exclusive=exclusive)
    except FileExistsError:
        raise ContentError("record already exists", path=str(path)) from None


def record_path(root: Path, relative: str) -> Path:
    """`root/relative`, refused when a symlink on the way leads out of the repository.

    Records are read and written only inside the repository: a folder such as
    `review/comments/v0.1 -> /tmp/elsewhere` would otherwise read foreign files
    as records and write records where git never sees them.
    """
    target = root / relative
    real_root = root.resolve()
    resolved = target.resolve()
    if resolved != real_root and real_root not in resolved.parents:
        raise ContentError(
            f"leads out of the repository (to {resolved}) through a symlink; "
            "records are never read or written there",
            path=relative,
        )
    return target


class RecordFolder:
    """A folder of records judged once, so that 10,000 records are not resolved one by one.

    `record_path` resolves every folder on the way, a dozen system calls per
    record. Here the folder is judged once; a record in it is judged on its
    own only when it is itself a symlink (one `lstat`), or when the folder
    was refused (then each record raises with its own path, as before).
    """

    def __init__(self, root: Path, folder: str) -> None:
        self.root, self.folder = root, folder
        self.base = f"{root}/{folder}"
        try:
            record_path(root, folder)
        except ContentError:
            self.inside = False
        else:
            self.inside = True

    def create(self) -> None:
        """Make the folder (and its parents) when missing, judged as `record_path` judges it."""
        record_path(self.root, self.folder).mkdir(parents=True, exist_ok=True)

    def path(self, name: str) -> str:
        """`root/folder/name`, or a `ContentError` when it leads out of the repository.

        A string, not a `Path`: making 10,000 `Path` objects costs more than the checks.
        """
        target = f"{self.base}/{name}"
        if self.inside and not os.path.islink(target):
            return target
        return str(record_path(self.root, f"{self.folder}/{name}"))


def write_record(
    root: Path,
    relative: str,
    record: Mapping[str, Value | None],
    *,
    header: str = "",
    exclusive: bool = True,
) -> None:
    """Write the record `root/relative`; it reads back equal (see `check_encodable`)."""
    text = dumps(record, header)
    write_text_atomic(record_path(root, relative), text, exclusive=exclusive)


def loads(text: str, path: str) -> dict[str, Any]:
    """The table of a record: the subset the tool writes read directly (`flat_toml`), the rest by tomllib."""
    table = flat_toml.parse(text)
    if table is not None:
        return table
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
