"""The repository lock that serialises version cuts and record writes."""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path

from gap_analysis.errors import LockedError
from gap_analysis.gitstore.store import GitStore

LOCK_FILE = "gap-analysis.lock"


class RepoLock:
    """An exclusive lock on the repository for commands that commit (`version cut`, `review`).

    `.git/gap-analysis.lock` holds the holder's pid and start time; the lock
    itself is a `flock` on that file, which the kernel drops when the holder
    dies, so a lock left by a killed process is simply taken over.
    """

    def __init__(self, store: GitStore) -> None:
        self.path = Path(store.repo.git_dir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> RepoLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 200).decode("utf-8", "replace").split()
            os.close(fd)
            who = f"pid {holder[0]} since {holder[1]}" if len(holder) >= 2 else "another process"
            raise LockedError(
                f"repository is locked by {who} ({self.path}); try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.write(fd, f"{os.getpid()} {stamp}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
