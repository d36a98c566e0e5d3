"""Where a user-named output (`-o`) may go: the judgement every command's writes share.

The output writer (`atomic_files`) writes any path whole; this layer knows
the report's repository and decides whether the path may be written at all:

* never inside git's own folders (`.git/`, a linked worktree's common folder),
  forced or not: nothing there is a report output;
* never over a file git tracks (a chapter, `report.toml`, a record) unless
  forced, since that would overwrite the report with its own output.

The path's folders are resolved (so `out/../.git/x` and a symlinked folder are
judged where they lead); its last part is not, because the writer replaces a
symlink there rather than writing through it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from gap_analysis.atomic_files import check_target, write_atomic
from gap_analysis.errors import RefusedError, option
from gap_analysis.gitstore import GitStore, git_folders, in_index
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import SnapshotInfo


def _where(path: Path) -> Path:
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name


def refuse_git_folder(store: GitStore, path: Path) -> None:
    """Refuse a path inside git's own folders (for files and output folders alike)."""
    target = _where(path)
    for folder in git_folders(store):
        if target == folder or target.is_relative_to(folder):
            raise RefusedError(
                f"refusing to write {path}: it is inside the repository's git folder ({folder})"
            )


def guard_output(store: GitStore, path: Path, *, force: bool = False) -> None:
    """Refuse, before any work, an output path that would overwrite the report."""
    refuse_git_folder(store, path)
    target = _where(path)
    if force or not target.is_relative_to(store.root):
        return
    relative = target.relative_to(store.root).as_posix()
    if relative != "." and in_index(store, relative):
        raise RefusedError(
            f"refusing to write {path}: it is a tracked file of the report ({relative}); "
            f"choose another output path, or use {option('force')} to overwrite it"
        )


def prepare_output(store: GitStore, path: Path, *, force: bool = False) -> None:
    """Everything a `-o` path must pass before the work: the guard, then the writer's own check."""
    guard_output(store, path, force=force)
    check_target(path)


def write_output(store: GitStore, path: Path, data: bytes, *, force: bool = False) -> None:
    """Write a user-named output whole or not at all, after judging the path."""
    prepare_output(store, path, force=force)
    write_atomic(path, data)


def default_output(
    root: Path, settings: ReportSettings, info: SnapshotInfo, file_tag: str = ""
) -> Path:
    """`dist/<short-title-slug>-<version or short commit>[-<file tag>][-dirty].pdf`.

    A version's `file_tag` (`BuildExtras.file_tag`) names its state and its
    record's last change, since its PDF changes with them.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", settings.running_title.lower()).strip("-")[:60] or "report"
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", info.version or info.short)
    tag = "-" + re.sub(r"[^A-Za-z0-9._-]+", "-", file_tag) if file_tag else ""
    dirty = "-dirty" if info.is_worktree and info.dirty else ""
    return root / "dist" / f"{slug}-{name}{tag}{dirty}.pdf"
