"""Repository-relative paths: the one place that decides what a safe path is."""

from __future__ import annotations

import posixpath

MAX_FILE_BYTES = 32 * 1024 * 1024
"""Largest file any snapshot hands out (a 5 MB chapter builds; a runaway file does not)."""


def normalize(path: str, base: str = "") -> str | None:
    """`path` (relative to folder `base`) as a clean repository-relative POSIX path.

    None when it is absolute, leaves the repository, or holds characters that
    have no place in a file name (NUL, backslash, control characters).
    """
    if not path or path.startswith(("/", "\\")) or "\\" in path:
        return None
    if any(ord(ch) < 32 for ch in path) or ":" in path.split("/", 1)[0]:
        return None
    joined = posixpath.normpath(posixpath.join(base, path)) if base else posixpath.normpath(path)
    if joined in (".", "") or joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined
