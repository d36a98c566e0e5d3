"""The files of a snapshot: a commit's tree read from git objects, or the working tree.

Both serve only regular files inside the repository: symlinks are followed
only while they stay inside it, and FIFOs and devices are refused (and named
by `refused`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from git.objects import Blob, Tree

from gap_analysis.errors import ContentError
from gap_analysis.model.paths import MAX_FILE_BYTES, normalize

_SYMLINK_MODE = 0o120000


_MAX_SYMLINK_HOPS = 8


class GitTreeSource:
    """The files of one commit, read from git objects."""

    def __init__(self, load_tree: Callable[[], Tree]) -> None:
        self._load_tree = load_tree

    @cached_property
    def _tree(self) -> Tree:
        return self._load_tree()

    def _entry(self, path: str, hops: int = 0) -> Blob | None:
        from git.objects import Blob
        try:
            obj = self._tree[path] if path else None
        except KeyError:
            return None
        if not isinstance(obj, Blob):
            return None
        if obj.mode == _SYMLINK_MODE:
            if hops >= _MAX_SYMLINK_HOPS:
                return None
            target = obj.data_stream.read().decode("utf-8", "replace")
            inside = normalize(target, path.rsplit("/", 1)[0] if "/" in path else "")
            return self._entry(inside, hops + 1) if inside else None
        return obj

    def read(self, path: str) -> bytes:
        clean = normalize(path)
        blob = self._entry(clean) if clean else None
        if blob is None:
            raise KeyError(path)
        if blob.size > MAX_FILE_BYTES:
            raise ContentError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", path=path)
        data: bytes = blob.data_stream.read()
        return data

    def exists(self, path: str) -> bool:
        clean = normalize(path)
        return bool(clean) and self._entry(clean or "") is not None

    def _blobs(self, folder: str) -> list[str]:
        from git.objects import Tree
        try:
            tree = self._tree[folder] if folder else self._tree
        except KeyError:
            return []
        if not isinstance(tree, Tree):
            return []
        return sorted(f"{folder}/{b.name}" if folder else b.name for b in tree.blobs)

    def refused(self, folder: str) -> list[str]:
        return [path for path in self._blobs(folder) if self._entry(path) is None]

    def list(self, folder: str) -> list[str]:
        return [path for path in self._blobs(folder) if self._entry(path) is not None]


class WorkTreeSource:
    """The files on disk; symlinks are followed only while they stay inside the repository."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    def _file(self, path: str) -> Path | None:
        clean = normalize(path)
        if clean is None or clean == ".git" or clean.startswith(".git/"):
            return None
        full = Path(os.path.realpath(self._root / clean))
        if full != self._root and self._root not in full.parents:
            return None
        try:
            mode = full.stat().st_mode
        except OSError:
            return None
        return full if stat.S_ISREG(mode) else None

    def read(self, path: str) -> bytes:
        full = self._file(path)
        if full is None:
            raise KeyError(path)
        if full.stat().st_size > MAX_FILE_BYTES:
            raise ContentError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", path=path)
        return full.read_bytes()

    def exists(self, path: str) -> bool:
        return self._file(path) is not None

    def _entries(self, folder: str) -> list[str]:
        """Names on disk directly in `folder` that are not folders (after following links)."""
        clean = normalize(folder) if folder else ""
        if clean is None:
            return []
        base = self._root / clean
        if not base.is_dir():
            return []
        prefix = f"{clean}/" if clean else ""
        return sorted(prefix + p.name for p in base.iterdir() if not p.is_dir())

    def refused(self, folder: str) -> list[str]:
        return [path for path in self._entries(folder) if not self._file(path)]

    def list(self, folder: str) -> list[str]:
        return [path for path in self._entries(folder) if self._file(path)]
