"""The `report.toml` schema, declared once: by the settings dataclasses themselves.

Each field of a settings dataclass (`ReportSettings`, `Person`, `Workflow`,
`Stage`, `Action`) is a key of `report.toml`, named as the field, of the
field's type, with the field's default; a key without a default is required.
Field metadata made by `toml(...)` says where that is not so: another key name
(`from` for `Action.from_states`), another table (`[versions] scheme` for
`ReportSettings.version_scheme`), a key the file may leave out although the
class has no default, or a field the file does not hold at all (`NOT_IN_TOML`).
`config.py` reads the file through `toml_keys`, as towncrier reads its options
through `dataclasses.fields`, so a new setting is one field here.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any

_META = "toml"
NOT_IN_TOML: dict[str, Any] = {_META: None}
"""Field metadata for a field that `report.toml` does not hold."""


def toml(key: str = "", *, table: str = "", optional: bool = False) -> dict[str, Any]:
    """Field metadata: the field is `key` (default: its name) in `[table]` (default: the
    class's own table); `optional`: the file may leave it out (then it is empty)."""
    return {_META: {"key": key, "table": table, "optional": optional}}


@dataclass(frozen=True)
class TomlKey:
    """One key of `report.toml`, as a settings dataclass declares it."""

    field: str
    """The dataclass field it fills."""
    key: str
    table: str
    """"" for the class's own table, else the top-level table it lives in (`report`, `pdf`...)."""
    type: Any
    """The field's type: `str`, `bool`, `tuple[str, ...]`, a settings dataclass or a tuple of one."""
    required: bool
    default: Any
    """The value when the key is left out (the field's default, or the type's empty value)."""

    @property
    def item(self) -> type | None:
        """The settings dataclass of a table (`Workflow`) or an array of tables (`Person`)."""
        args = typing.get_args(self.type)
        inner = args[0] if typing.get_origin(self.type) is tuple and args else self.type
        return inner if isinstance(inner, type) and dataclasses.is_dataclass(inner) else None

    @property
    def is_array(self) -> bool:
        """An array (of strings, or of tables)."""
        return typing.get_origin(self.type) is tuple


def _empty(kind: Any) -> Any:
    if typing.get_origin(kind) is tuple:
        return ()
    return {str: "", bool: False}.get(kind)


@cache
def toml_keys(cls: type) -> tuple[TomlKey, ...]:
    """The keys of `report.toml` that fill the dataclass `cls`, in field order."""
    hints = typing.get_type_hints(cls)
    keys = []
    for f in dataclasses.fields(cls):
        meta = f.metadata.get(_META, {})
        if meta is None:
            continue
        has_default = (
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        )
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = _empty(hints[f.name])
        keys.append(
            TomlKey(
                field=f.name,
                key=meta.get("key") or f.name,
                table=meta.get("table", ""),
                type=hints[f.name],
                required=not has_default and not meta.get("optional", False),
                default=default,
            )
        )
    return tuple(keys)


def toml_key(cls: type, field: str) -> TomlKey:
    """The key that fills `field` of `cls`."""
    return next(k for k in toml_keys(cls) if k.field == field)
