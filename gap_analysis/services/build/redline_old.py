"""The older side of a redline, read even when one of its chapters cannot be.

A redline is the newer snapshot's build, so the newer side is read as `build`
reads it (a broken chapter stops it with a one-line error). A chapter of the
older snapshot that cannot be read (not UTF-8, broken front matter, a
duplicate id) is left out instead: the redline shows the newer chapter as
inserted, says so on its page, and the build warns with the file and line.
"""

from __future__ import annotations

from gap_analysis.config import settings_of
from gap_analysis.errors import ContentError
from gap_analysis.gitstore import GitStore
from gap_analysis.model.chapter import Report
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.services.check.chapters import read_chapter_files
from gap_analysis.services.diff import DiffOutcome, diff_loaded, load_side
from gap_analysis.services.snapshots import Loaded, snapshot, where


def _tolerant(store: GitStore, rev: str) -> tuple[Loaded, list[Finding]]:
    try:
        return load_side(store, rev, "old"), []
    except ContentError:
        snap = snapshot(store, rev)
        settings = settings_of(snap.files, where(store.root, snap.info))
    files, _problems = read_chapter_files(snap.files, settings)
    chapters = []
    unreadable = []
    seen: set[str] = set()
    for item in files:
        errors = [f for f in item.findings if f.severity is Severity.ERROR]
        if item.chapter is None or item.chapter.id in seen or errors:
            first = errors[0] if errors else (item.findings[0] if item.findings else None)
            line = first.line if first is not None else 1
            reason = first.message if first is not None else "a chapter id used twice"
            unreadable.append(
                Finding(
                    item.path,
                    line,
                    "redline-unreadable",
                    f"cannot be read in the older snapshot {rev} ({reason}); "
                    "the redline shows this chapter as inserted and says so on its page",
                    Severity.WARNING,
                )
            )
            continue
        seen.add(item.chapter.id)
        chapters.append(item.chapter)
    report = Report(tuple(chapters), {c.id: c for c in chapters})
    return Loaded(snap, settings, report), unreadable


def redline_diff(
    store: GitStore, old_rev: str, new_rev: str | None, chapter: str | None = None
) -> tuple[DiffOutcome, list[Finding]]:
    """The diff a redline draws, and the older chapters it had to leave out."""
    old, unreadable = _tolerant(store, old_rev)
    new = load_side(store, new_rev, "new")
    return diff_loaded(old, new, old_rev, new_rev, chapter), unreadable
