"""Open a report repository and read a snapshot of it.

A revision may be a git revision or, once versions exist, a version name or a
`@stage` baseline; `resolve` is the one place that decides which.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from gap_analysis.config import settings_of
from gap_analysis.errors import RevisionError
from gap_analysis.gitstore import GitStore, check_revision_syntax
from gap_analysis.model.chapter import Report
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import Snapshot, SnapshotInfo
from gap_analysis.model.version import VERSIONS_DIR


@dataclass(frozen=True)
class Loaded:
    snapshot: Snapshot
    settings: ReportSettings
    report: Report


def open_store(repo: Path | None) -> GitStore:
    return GitStore.discover(repo or Path.cwd())


def snapshot(store: GitStore, rev: str | None, info: SnapshotInfo | None = None) -> Snapshot:
    """The working tree when `rev` is None or empty, else the named revision.

    `info`: `rev` as the caller already resolved it (one git process fewer).
    """
    if not rev:
        return Snapshot(store.worktree_info(), store.worktree_source())
    info = info or resolve(store, rev)
    assert info.commit is not None
    return Snapshot(info, store.tree_source(info.commit))


def resolve(store: GitStore, rev: str) -> SnapshotInfo:
    """`@stage` baselines first, then version names, then plain git revisions."""
    if not rev.startswith("@"):
        check_revision_syntax(rev)
        if not store.worktree_source().exists(
            f"{VERSIONS_DIR}/{rev}.toml"
        ):  # not a version: plain git
            return store.snapshot_info(store.resolve(rev), rev)
    from gap_analysis.services.review import (
        ledger,
    )  # review records only when a name is one of theirs

    if rev.startswith("@") and len(rev) > 1:
        version = ledger.baseline(ledger.load_ledger(store), rev[1:])
    else:
        found = ledger.find_version(store, rev)
        if found is None:
            return store.snapshot_info(store.resolve(rev), rev)
        version = found
    if not version.commit:
        raise RevisionError(
            f"version {version.name} is not committed yet (an interrupted cut? "
            f"run 'gap-analysis version cut {version.name}' to complete it)"
        )
    info = store.snapshot_info(version.commit, rev)
    return replace(info, version=version.name)


def where(root: Path, info: SnapshotInfo) -> str:
    """How a snapshot is named in messages: the folder, or the revision."""
    return str(root) if info.is_worktree else f"revision {info.short}"


def load(store: GitStore, rev: str | None) -> Loaded:
    snap = snapshot(store, rev)
    settings = settings_of(snap.files, where(store.root, snap.info))
    from gap_analysis.markdown.chapters import (
        read_report,  # Markdown and YAML only when chapters are read
    )

    return Loaded(snap, settings, read_report(snap.files, settings))
