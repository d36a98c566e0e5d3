"""One change to the chapters, planned whole, then applied whole or not at all.

`chapter move` and `chapter rename` plan a `ChapterEdit` (files to `git mv`,
chapter texts with their links redirected, `report.toml`), then `apply` carries it out under the repository
lock. Nothing is committed: the user reviews `git status` and commits. The
edit is refused on a working tree whose changes it would mix with (any change
in the chapter folder or in a file it writes), since the user could then no
longer tell the tool's edits from their own; a failure part way puts back
every file it had moved or written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gap_analysis.atomic_files import write_atomic
from gap_analysis.errors import ContentError, RefusedError
from gap_analysis.gitstore import GitStore, RepoLock, move_file
from gap_analysis.markdown.rewrite import relink
from gap_analysis.model.wording import counted

REPORT_FILE = "report.toml"


@dataclass
class ChapterEdit:
    """What one chapter command changes; `lines` say it in words, in order."""

    moves: dict[str, str] = field(default_factory=dict)
    """Old path -> new path, each done with `git mv`."""
    texts: dict[str, str] = field(default_factory=dict)
    """Path (after the moves) -> its new text."""
    lines: list[str] = field(default_factory=list)

    def touched(self) -> set[str]:
        renamed_back = {new: old for old, new in self.moves.items()}
        return {
            *self.moves,
            *self.moves.values(),
            *(renamed_back.get(p, p) for p in self.texts),
        }


def redirect_links(edit: ChapterEdit, texts: dict[str, str], renamed: dict[str, str]) -> None:
    """Add to `edit` every chapter text (old path -> current text) whose links name a renamed file."""
    if not renamed:
        return
    for old_path, text in texts.items():
        new_path = renamed.get(old_path, old_path)
        changed_text, count = relink(edit.texts.get(new_path, text), new_path, renamed)
        if count:
            edit.texts[new_path] = changed_text
            edit.lines.append(f"{new_path}: {counted(count, 'link')} updated")


def renamed_in_settings(text: str, renamed: dict[str, str]) -> str:
    """`report.toml` text with each renamed chapter file's quoted name replaced ([chapters] order)."""
    for old, new in renamed.items():
        old_name, new_name = posixpath.basename(old), posixpath.basename(new)
        for quote in ('"', "'"):
            text = text.replace(f"{quote}{old_name}{quote}", f"{quote}{new_name}{quote}")
    return text


def _refuse_dirty(store: GitStore, folder: str, touched: Iterable[str], what: str) -> None:
    wanted = set(touched)
    mixed = [
        p for p in store.changed_files() if p in wanted or p.startswith(f"{folder.rstrip('/')}/")
    ]
    if mixed:
        shown = ", ".join(mixed[:5]) + (f" and {len(mixed) - 5} more" if len(mixed) > 5 else "")
        raise RefusedError(
            f"uncommitted changes in {shown}; commit or stash them first, so the {what} "
            "does not mix with your edits"
        )


def _move_all(store: GitStore, moves: dict[str, str], done: list[tuple[str, str]]) -> None:
    """`git mv` each file; through a temporary name when a target is another move's source."""
    steps = list(moves.items())
    if set(moves) & set(moves.values()):
        parked = [(old, f"{old}.moving") for old in moves]
        steps = parked + [(f"{old}.moving", new) for old, new in moves.items()]
    for old, new in steps:
        if (store.root / new).exists() or (store.root / new).is_symlink():
            raise RefusedError(f"cannot rename {old} to {new}: {new} exists already")
        move_file(store, old, new)
        done.append((old, new))


def apply(store: GitStore, edit: ChapterEdit, folder: str, what: str) -> None:
    """Carry out `edit` under the repository lock; on any failure, undo what was done."""
    with RepoLock(store):
        _refuse_dirty(store, folder, edit.touched(), what)
        moved: list[tuple[str, str]] = []
        saved: dict[Path, bytes] = {}
        try:
            _move_all(store, edit.moves, moved)
            for path, text in edit.texts.items():
                target = store.root / path
                if not target.is_file():
                    raise ContentError("is not a file any more", path=path)
                saved[target] = target.read_bytes()
                write_atomic(target, text.encode("utf-8"))
        except BaseException:
            for target, data in saved.items():
                write_atomic(target, data)
            for old, new in reversed(moved):
                move_file(store, new, old)
            raise
