"""The site's output folder: which files are the site's own, and replacing them all or nothing.

Inside the folder the site keeps:

    .gap-analysis-site.json     the manifest: every file the last complete run wrote
    .gap-analysis-site.new/     a run's new files while they are written
    .gap-analysis-site.commit/  the same files once all are written (the commit point)

A run writes every new file into `.new/` first. A kill or a full disk up to
then leaves the published files untouched (a failure removes `.new/` at once;
after a kill the next run does). Renaming `.new/` to `.commit/` is the commit
point: from there the files are moved into place (renames, which need no
space), the files of the previous run that the new one lacks are removed, and
the manifest is replaced last. A run killed while moving is finished by the
next run, whatever command-line options it has, before it does anything else.

Only files the manifest names are ever replaced or removed: a file of anyone
else at a place the site needs is refused, with `force` too (which only lets
the site write beside such files). Nothing is written or removed through a
symbolic link inside the folder: a path whose folders include one is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from gap_analysis.atomic_files import write_atomic
from gap_analysis.errors import GapAnalysisError, LockedError, RefusedError
from gap_analysis.services.faults import fault

MANIFEST = ".gap-analysis-site.json"
STAGING = ".gap-analysis-site.new"
COMMITTED = ".gap-analysis-site.commit"
TOOL = "gap-analysis"
_OWN = frozenset({MANIFEST, STAGING, COMMITTED})


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except FileNotFoundError:
        return None


def _manifest_files(path: Path) -> set[str] | None:
    """The files a manifest lists (None when `path` is no manifest of this tool).

    A manifest that is a symlink is not the site's: it is never followed.
    """
    found = _lstat(path)
    if found is None or not stat.S_ISREG(found.st_mode):
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        files = data["files"]
        if data.get("tool") != TOOL or not isinstance(files, list):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {
        f
        for f in files
        if isinstance(f, str)
        and f
        and not f.startswith("/")
        and not set(f.split("/")) & {"..", ".", ""}
        and f.split("/")[0] not in _OWN
    }


def own_files(folder: Path) -> set[str]:
    """The files the last complete run wrote into `folder` (none when it has no manifest)."""
    return _manifest_files(folder / MANIFEST) or set()


def is_site_folder(folder: Path) -> bool:
    """Whether `folder` holds a manifest of this tool (a site folder)."""
    return _manifest_files(folder / MANIFEST) is not None


def manifest_bytes(files: list[str]) -> bytes:
    return (json.dumps({"tool": TOOL, "files": sorted(files)}, indent=1) + "\n").encode("utf-8")


def others(folder: Path, own: set[str]) -> list[str]:
    """Entries of `folder` the site did not write (files, symlinks, anything), never following a link."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        for name in list(dirnames):
            relative = (here / name).relative_to(folder).as_posix()
            if relative in _OWN:
                dirnames.remove(name)
            elif (here / name).is_symlink():
                dirnames.remove(name)
                found.append(relative)
        for name in filenames:
            relative = (here / name).relative_to(folder).as_posix()
            if relative not in own and relative not in _OWN:
                found.append(relative)
    return sorted(found)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold `folder` for one run (an advisory lock on the folder itself, gone with the process).

    The folder itself may be a symlink (`-o public` -> a web server's folder): the
    caller judged where it leads; only links inside it are refused."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"another run of site is writing into {folder}") from None
        yield
    finally:
        os.close(handle)


def _refuse_links(folder: Path, relative: str) -> None:
    """Refuse a path whose folders under `folder` include a symlink or a file."""
    here = folder
    for part in relative.split("/")[:-1]:
        here = here / part
        found = _lstat(here)
        if found is None:
            return
        if stat.S_ISLNK(found.st_mode):
            raise RefusedError(
                f"{here} is a symbolic link; the site never writes through one "
                "(remove it or choose another folder)"
            )
        if not stat.S_ISDIR(found.st_mode):
            raise RefusedError(f"{here} is not a folder; the site needs one there")


def check_plan(folder: Path, files: list[str], previous: set[str]) -> None:
    """Refuse, before anything is written, a run that would replace or go through what is not its own."""
    for relative in sorted(set(files) | previous):
        _refuse_links(folder, relative)
    for relative in files:
        found = _lstat(folder / relative)
        if found is None:
            continue
        if stat.S_ISDIR(found.st_mode):
            raise RefusedError(f"{folder / relative} is a folder; the site needs a file there")
        if relative not in previous:
            raise RefusedError(
                f"{folder / relative} was not written by the site and is never replaced; "
                "move it away or choose another folder"
            )


def _remove_own_tree(path: Path) -> None:
    """Remove one of the site's own working folders (`.new/`, `.commit/`), never through a link."""
    found = _lstat(path)
    if found is None:
        return
    if not stat.S_ISDIR(found.st_mode):
        raise RefusedError(f"{path} is not the site's own folder; remove it by hand")
    shutil.rmtree(path)


def _sync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def recover(folder: Path) -> None:
    """Finish or undo what an earlier, killed run left (call under `folder_lock`)."""
    _remove_own_tree(folder / STAGING)
    if _lstat(folder / COMMITTED) is not None:
        _move_in(folder)


def _move_in(folder: Path) -> list[str]:
    """Move the committed files into place, remove the previous run's leftovers, manifest last."""
    committed = folder / COMMITTED
    new = _manifest_files(committed / MANIFEST)
    removed: list[str] = []
    if new is not None:
        previous = own_files(folder)
        for index, relative in enumerate(sorted(new)):
            source = committed / relative
            if _lstat(source) is None:
                continue  # moved by the run that was killed
            _refuse_links(folder, relative)
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, folder / relative)
            if index == 0:
                fault("site-moving")
        removed = sorted(previous - new)
        for relative in removed:
            _refuse_links(folder, relative)
            target = folder / relative
            found = _lstat(target)
            if found is not None and not stat.S_ISDIR(found.st_mode):
                target.unlink()
        os.replace(committed / MANIFEST, folder / MANIFEST)
    _remove_own_tree(committed)
    _sync_folder(folder)
    return removed


def publish(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Replace the site in `folder` by `files`, all or nothing; return the old files removed."""
    staging = folder / STAGING
    staging.mkdir()
    try:
        for index, (relative, data) in enumerate(sorted(files.items())):
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(staging / relative, data)
            if index == 0:
                fault("site-staging")
        write_atomic(staging / MANIFEST, manifest_bytes(list(files)))
    except (OSError, GapAnalysisError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        reason = exc.message if isinstance(exc, GapAnalysisError) else exc.strerror or str(exc)
        raise GapAnalysisError(
            f"cannot write the site into {folder}: {reason}; the site there is unchanged"
        ) from None
    os.rename(staging, folder / COMMITTED)
    _sync_folder(folder)
    fault("site-committed")
    return _move_in(folder)
