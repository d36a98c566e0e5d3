"""Open a report repository and read a snapshot of it.

A revision may be a git revision or, once versions exist, a version name or a
`@stage` baseline; `resolve` is the one place that decides which.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gap_analysis.config import REPORT_FILE, read_settings
from gap_analysis.errors import NotAReportError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.chapters import read_report
from gap_analysis.model.chapter import Report
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import Snapshot, SnapshotInfo


@dataclass(frozen=True)
class Loaded:
    snapshot: Snapshot
    settings: ReportSettings
    report: Report


def open_store(repo: Path | None) -> GitStore:
    return GitStore.discover(repo or Path.cwd())


def snapshot(store: GitStore, rev: str | None) -> Snapshot:
    """The working tree when `rev` is None or empty, else the named revision."""
    if not rev:
        return Snapshot(store.worktree_info(), store.worktree_source())
    info = resolve(store, rev)
    assert info.commit is not None
    return Snapshot(info, store.tree_source(info.commit))


def resolve(store: GitStore, rev: str) -> SnapshotInfo:
    return store.snapshot_info(store.resolve(rev), rev)


def load(store: GitStore, rev: str | None) -> Loaded:
    snap = snapshot(store, rev)
    try:
        raw = snap.files.read(REPORT_FILE)
    except KeyError:
        where = f"revision {snap.info.short}" if not snap.info.is_worktree else str(store.root)
        raise NotAReportError(f"no {REPORT_FILE} in {where}") from None
    settings = read_settings(lambda: raw)
    return Loaded(snap, settings, read_report(snap.files, settings))
