"""Hyphenation patterns parsed once per machine, not once per process.

WeasyPrint hyphenates with pyphen, which parses a language's patterns file the first time a
process needs it (`hyph_en_GB.dic`, 13,932 patterns: 0.16 s), and a parallel build has each
layout worker parse it again. The parsed patterns are kept as JSON in the user's cache folder
(`$XDG_CACHE_HOME/gap-analysis/hyphenation/`, else `~/.cache/...`), under a key of the file's
path, size and time and pyphen's version, and read back in 0.02 s. A kept file that cannot be
read, or does not hold what pyphen makes, is ignored and the patterns parsed as pyphen parses
them; patterns with nonstandard hyphenation (pyphen's `AlternativeParser`) are never kept.
Best effort, as every cache here: a folder that cannot be written only costs the parse.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyphen


def patterns_kept() -> None:
    """From now on, pyphen reads a dictionary's patterns from the cache when it can."""
    if not issubclass(pyphen.HyphDict, _KeptHyphDict):
        pyphen.HyphDict = _KeptHyphDict


class _KeptHyphDict(pyphen.HyphDict):  # type: ignore[misc]
    """pyphen's `HyphDict`, its patterns taken from the cache or parsed and kept."""

    patterns: dict[str, Any]

    def __init__(self, path: Path) -> None:
        kept = _kept_path(Path(path))
        patterns = _read(kept) if kept is not None else None
        if patterns is None:
            super().__init__(path)
            if kept is not None:
                _write(kept, self.patterns)
            return
        self.patterns = patterns
        self.cache: dict[str, Any] = {}
        self.maxlen = max(len(key) for key in patterns)


def _kept_path(path: Path) -> Path | None:
    try:
        stat = path.stat()
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    except (OSError, RuntimeError, KeyError):  # no home folder to be found: nothing kept
        return None
    key = hashlib.sha256(
        f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{pyphen.__version__}".encode()
    ).hexdigest()
    return Path(base) / "gap-analysis" / "hyphenation" / f"{key}.json"


def _read(kept: Path) -> dict[str, tuple[int, tuple[int, ...]]] | None:
    """The kept patterns, or None when there are none or they are not what pyphen makes."""
    try:
        data = json.loads(kept.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not data:
        return None
    patterns = {}
    for key, value in data.items():
        if not (
            isinstance(value, list)
            and len(value) == 2
            and type(value[0]) is int
            and isinstance(value[1], list)
            and value[1]
            and all(type(number) is int for number in value[1])
        ):
            return None
        patterns[key] = (value[0], tuple(value[1]))
    return patterns


def _write(kept: Path, patterns: dict[str, Any]) -> None:
    """Kept only when every value is a plain number (no nonstandard hyphenation)."""
    if not patterns or not all(
        type(number) is int for _start, values in patterns.values() for number in values
    ):
        return
    with contextlib.suppress(OSError):
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.stem}.{os.getpid()}.partial")
        partial.write_text(json.dumps(patterns, separators=(",", ":")), "utf-8")
        partial.replace(kept)
