"""The one output writer: every file the tool writes goes through here.

Every write goes to a temporary file in the target's folder (so the rename
is atomic on one file system), is flushed to disk, given the mode a user
expects of a new file (`0o666 & ~umask`: `mkstemp` alone would leave 0600,
so a web server could not serve the site nor a colleague open a PDF on a
shared drive), then renamed over the target. A crash or a refused write
leaves the old file or nothing, never half a PDF or half a record. A target
whose folder is missing is refused the same way for every command
(`check_target`). Whether a path may be written at all (not inside `.git/`,
not a tracked file of the report) is judged one layer up, by
`services.output`, which knows the repository.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gap_analysis.errors import GapAnalysisError


def check_target(path: Path, *, create_folder: bool = False) -> None:
    """Refuse, before any work, a target whose folder is missing or that is a folder itself."""
    folder = path.parent if str(path.parent) else Path(".")
    if create_folder:
        folder.mkdir(parents=True, exist_ok=True)
    if not folder.is_dir():
        raise GapAnalysisError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise GapAnalysisError(f"cannot write {path}: it is a folder")


def check_folder_target(path: Path, *, create_parents: bool = False) -> None:
    """Refuse, before any work, an output folder whose parent is missing or that is a file."""
    parent = path.parent if str(path.parent) else Path(".")
    if create_parents:
        parent.mkdir(parents=True, exist_ok=True)
    if not parent.is_dir():
        raise GapAnalysisError(f"cannot write {path}: the folder {parent} does not exist")
    if path.exists() and not path.is_dir():
        raise GapAnalysisError(f"cannot write {path}: it is a file, not a folder")


def file_mode() -> int:
    """The mode of a new file under the process's umask, as `open()` would give it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def _temp_beside(target: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes, *, exclusive: bool = False, sync: bool = True) -> None:
    """Write `data` to `path` atomically, with the mode `file_mode()` gives.

    `exclusive`: refuse (`FileExistsError`) if `path` exists, even if it appears
    while writing (the rename is a hard link then). `sync=False` skips the
    fsync, for batches that sync once at the end.
    """
    try:
        with _temp_beside(path) as temp:
            with open(temp, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fchmod(stream.fileno(), file_mode())
                if sync:
                    os.fsync(stream.fileno())
            if exclusive:
                os.link(temp, path)
            else:
                os.replace(temp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        raise GapAnalysisError(f"cannot write {path}: {exc.strerror or exc}") from None


def copy_atomic(source: Path, target: Path) -> None:
    """Copy `source` over `target` atomically, with the mode `file_mode()` gives."""
    try:
        with _temp_beside(target) as temp:
            shutil.copyfile(source, temp)
            os.chmod(temp, file_mode())
            os.replace(temp, target)
    except OSError as exc:
        raise GapAnalysisError(f"cannot write {target}: {exc.strerror or exc}") from None
