"""The files of a snapshot: a commit's tree read from git objects, or the working tree.

Both serve only regular files inside the repository: symlinks are followed
only while they stay inside it, and FIFOs and devices are refused (and named
by `refused`).
"""

from __future__ import annotations

import os
import stat
import subprocess
import weakref
from functools import cached_property
from pathlib import Path

from gap_analysis.errors import ContentError
from gap_analysis.model.paths import MAX_FILE_BYTES, normalize

_SYMLINK_MODE = 0o120000
_MAX_SYMLINK_HOPS = 8


class _CatFile:
    """One `git cat-file --batch` process serving object contents by id, started on first use.

    Plain git rather than GitPython's object database, so reading a snapshot
    does not pay for importing GitPython; one process, whatever the number of
    files read. It ends when its stdin closes (at `close`, or when the tool exits).
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._process: subprocess.Popen[bytes] | None = None

    def read(self, object_id: str) -> bytes:
        if self._process is None:
            self._process = subprocess.Popen(
                ["git", "-C", str(self._root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
            weakref.finalize(self, _end, self._process)
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(object_id.encode("ascii") + b"\n")
        self._process.stdin.flush()
        header = self._process.stdout.readline().split()
        if len(header) != 3:
            raise ContentError(f"git cat-file could not read object {object_id}")
        size = int(header[2])
        data = self._process.stdout.read(size)
        self._process.stdout.read(1)  # the newline after the contents
        return data


def _end(process: subprocess.Popen[bytes]) -> None:
    if process.stdin is not None:
        process.stdin.close()
    process.wait()


class GitTreeSource:
    """The files of one commit, read from git objects (never checked out).

    One `git ls-tree -r` lists the whole tree (mode, type, object id, size of
    every entry); contents come from one `git cat-file --batch`.
    """

    def __init__(self, root: Path, commit: str) -> None:
        self._root, self._commit = root, commit
        self._objects = _CatFile(root)

    @cached_property
    def _index(self) -> dict[str, tuple[int, str, int]]:
        """Path -> (mode, object id, size) of every blob of the tree."""
        done = subprocess.run(
            [
                "git",
                "-C",
                str(self._root),
                "ls-tree",
                "-r",
                "-z",
                "--long",
                "--full-tree",
                self._commit,
            ],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise ContentError(f"cannot list the files of commit {self._commit[:10]}")
        index: dict[str, tuple[int, str, int]] = {}
        for entry in done.stdout.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.partition(b"\t")
            mode, kind, object_id, size = meta.split()
            if kind == b"blob":
                index[name.decode("utf-8", "surrogateescape")] = (
                    int(mode, 8),
                    object_id.decode(),
                    int(size),
                )
        return index

    def _entry(self, path: str, hops: int = 0) -> tuple[str, int] | None:
        """(object id, size) of the regular file `path` names, following symlinks that stay inside."""
        found = self._index.get(path) if path else None
        if found is None:
            return None
        mode, object_id, size = found
        if mode == _SYMLINK_MODE:
            if hops >= _MAX_SYMLINK_HOPS:
                return None
            target = self._objects.read(object_id).decode("utf-8", "replace")
            inside = normalize(target, path.rsplit("/", 1)[0] if "/" in path else "")
            return self._entry(inside, hops + 1) if inside else None
        return (object_id, size) if stat.S_ISREG(mode) else None

    def read(self, path: str) -> bytes:
        clean = normalize(path)
        entry = self._entry(clean) if clean else None
        if entry is None:
            raise KeyError(path)
        object_id, size = entry
        if size > MAX_FILE_BYTES:
            raise ContentError(
                f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", path=path
            )
        return self._objects.read(object_id)

    def exists(self, path: str) -> bool:
        clean = normalize(path)
        return bool(clean) and self._entry(clean or "") is not None

    def _blobs(self, folder: str) -> list[str]:
        prefix = f"{folder}/" if folder else ""
        return sorted(
            p for p in self._index if p.startswith(prefix) and "/" not in p[len(prefix) :]
        )

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
            raise ContentError(
                f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", path=path
            )
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
