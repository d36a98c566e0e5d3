"""A snapshot: the report's files as they stand at one revision or in the working tree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class FileSource(Protocol):
    """Read-only access to the files of one snapshot, by repository-relative POSIX path.

    Implementations refuse paths that leave the repository, symlinks that point
    outside it, and anything that is not a regular file.
    """

    def read(self, path: str) -> bytes:
        """The bytes of a regular file; `KeyError` when it is not in the snapshot."""
        ...

    def exists(self, path: str) -> bool:
        """Whether `path` is a regular file of the snapshot."""
        ...

    def refused(self, folder: str) -> list[str]:
        """Entries directly in `folder` that are there but not served (a symlink leading out of
        the repository, a FIFO, a device), sorted, so a build can name what it left out."""
        ...

    def list(self, folder: str) -> list[str]:
        """Repository-relative paths of the regular files directly in `folder`, sorted."""
        ...


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """Where a snapshot comes from, for labels, metadata and cache keys."""

    ref: str
    """What the user named: a revision, a version name, a baseline, or "" for the working tree."""
    commit: str | None
    """Full commit id (the working tree's HEAD for the working tree; None in a repo without commits)."""
    date: datetime
    """Commit date (timezone-aware). Never the wall clock, so builds are reproducible."""
    is_worktree: bool = False
    dirty: bool = False
    """Working tree only: it differs from HEAD (untracked files included)."""
    version: str | None = None
    """The version name when the snapshot is a version."""

    @property
    def short(self) -> str:
        return self.commit[:10] if self.commit else "no-commit"

    @property
    def label(self) -> str:
        """How the snapshot is named on covers and in listings."""
        if self.version:
            return self.version
        if self.is_worktree:
            mark = ", with uncommitted changes" if self.dirty else ""
            return f"Working draft ({self.short}{mark})"
        return f"Revision {self.short}"


@dataclass(frozen=True, slots=True)
class Snapshot:
    info: SnapshotInfo
    files: FileSource
