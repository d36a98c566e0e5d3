"""The review record as it stands now: version and event files of `review/`, replayed.

Records are read from the working tree (the record "as it stands now", as
DESIGN says: an old version's standing is today's), and each version is tied to
the commit that added its record, found in one `git log` pass. This module
imports no other service (`report.toml` is read by `config.settings_of`), so
`snapshots.resolve` can import it for version names and `@stage` baselines
without an import cycle (the test in `tests/test_architecture.py` checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from gap_analysis.config import settings_of
from gap_analysis.errors import ContentError, GapAnalysisError, RevisionError
from gap_analysis.gitstore import REF_NAME_PATTERN, GitStore, added_commits
from gap_analysis.model.finding import Finding
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.version import VERSIONS_DIR, Event, Version
from gap_analysis.model.wording import did_you_mean
from gap_analysis.model.workflow import Workflow, default_workflow
from gap_analysis.records.events import EVENTS_DIR, parse_event
from gap_analysis.records.versions import parse_version
from gap_analysis.workflow import Replay, replay


@dataclass
class Ledger:
    settings: ReportSettings
    versions: list[Version]
    """Ordered by date, then name."""
    events: list[Event]
    replay: Replay
    unreadable: list[Finding]
    """Records that could not be read at all (bad TOML, missing fields)."""

    def version(self, name: str) -> Version | None:
        return next((v for v in self.versions if v.name == name), None)

    def state(self, name: str) -> str:
        return self.replay.state(name) or self.settings.workflow.initial

    @property
    def workflow(self) -> Workflow:
        return self.settings.workflow


def worktree_settings(store: GitStore) -> ReportSettings:
    return settings_of(store.worktree_source(), str(store.root))


def workflow_or_default(open_store: Callable[[], GitStore]) -> Workflow:
    """The report's workflow (for help texts); the default one outside a readable report."""
    try:
        return worktree_settings(open_store()).workflow
    except GapAnalysisError:
        return default_workflow()


def _natural(name: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _records(store: GitStore, folder: str) -> list[tuple[str, bytes]]:
    source = store.worktree_source()
    return [(p, source.read(p)) for p in source.list(folder) if p.endswith(".toml")]


def read_versions(store: GitStore) -> tuple[list[Version], list[Finding]]:
    commits = added_commits(store, VERSIONS_DIR)
    versions: list[Version] = []
    problems: list[Finding] = []
    for path, raw in _records(store, VERSIONS_DIR):
        try:
            versions.append(parse_version(raw, path, commits.get(path, "")))
        except ContentError as exc:
            problems.append(Finding(path, 0, "version-record", exc.message))
    versions.sort(key=lambda v: (v.date, _natural(v.name)))
    return versions, problems


def read_events(store: GitStore) -> tuple[list[Event], list[Finding]]:
    events: list[Event] = []
    problems: list[Finding] = []
    for path, raw in _records(store, EVENTS_DIR):
        try:
            events.append(parse_event(raw, path))
        except ContentError as exc:
            problems.append(Finding(path, 0, "event-record", exc.message))
    return events, problems


def load_ledger(store: GitStore, settings: ReportSettings | None = None) -> Ledger:
    settings = settings or worktree_settings(store)
    versions, bad_versions = read_versions(store)
    events, bad_events = read_events(store)
    return Ledger(
        settings,
        versions,
        events,
        replay(settings.workflow, versions, events),
        bad_versions + bad_events,
    )


def find_version(store: GitStore, name: str) -> Version | None:
    """The version `name` when its record exists in the working tree (cheap when it does not)."""
    if not REF_NAME_PATTERN.match(name) or ".." in name:
        return None
    path = f"{VERSIONS_DIR}/{name}.toml"
    source = store.worktree_source()
    if not source.exists(path):
        return None
    commit = added_commits(store, VERSIONS_DIR).get(path, "")
    return parse_version(source.read(path), path, commit)


def baseline(ledger: Ledger, stage: str) -> Version:
    """`@stage`: the last version that moved on from `stage` (for a final stage: that reached it)."""
    workflow = ledger.workflow
    found = workflow.stage(stage)
    if found is None:
        hint = did_you_mean(stage, workflow.stage_ids(), prefix="@")
        raise RevisionError(
            f"'@{stage}' names no stage of the review path{hint}; "
            f"stages: {', '.join(workflow.stage_ids())}"
        )
    for event in reversed(ledger.replay.applied):
        if found.final:
            hit = event.to_state == stage
        else:
            hit = event.from_state == stage and event.to_state != workflow.returned
        if hit:
            version = ledger.version(event.version)
            if version is not None:
                return version
    what = "reached" if found.final else "moved on from"
    raise RevisionError(f"'@{stage}': no version has {what} '{stage}' yet")
