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
from gap_analysis.gitstore import (
    REF_NAME_PATTERN,
    GitStore,
    added_commits,
    cut_off,
    shallow_message,
)
from gap_analysis.model.finding import Finding, Severity
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


def _records(
    store: GitStore, folder: str, problems: list[Finding] | None, code: str
) -> list[tuple[str, bytes]]:
    """The folder's records; an entry that cannot be served (a symlink out of the repository,
    a FIFO) is an error naming it, or a finding in `problems`."""
    source = store.worktree_source()
    for path in source.refused(folder):
        if path.endswith(".toml"):
            _problem(
                ContentError("cannot be read: not a regular file inside the repository", path=path),
                problems,
                code,
            )
    return [(p, source.read(p)) for p in source.list(folder) if p.endswith(".toml")]


def _problem(error: GapAnalysisError, problems: list[Finding] | None, code: str) -> None:
    """Raise `error`, or (for `check`) note it as a finding and go on."""
    if problems is None:
        raise error
    problems.append(Finding(error.path or "", 0, code, error.message))


def read_versions(store: GitStore, problems: list[Finding] | None = None) -> list[Version]:
    """Every version record, ordered; one that cannot be read raises `ContentError` naming it.

    With `problems` (for `check`), unreadable records and versions a shallow
    clone cut off become findings there instead, and the rest are returned.
    """
    commits = added_commits(store, VERSIONS_DIR, allow_cut_off=problems is not None)
    lost = cut_off(store, commits) if problems is not None else []
    if problems is not None and lost:
        problems.append(
            Finding(
                lost[0],
                0,
                "shallow-clone",
                shallow_message(lost, commits[lost[0]]),
                Severity.WARNING,  # the text is checked all the same; versions cannot be
            )
        )
    versions: list[Version] = []
    for path, raw in _records(store, VERSIONS_DIR, problems, "version-record"):
        try:
            versions.append(parse_version(raw, path, commits.get(path, "")))
        except ContentError as exc:
            _problem(exc, problems, "version-record")
    versions.sort(key=lambda v: (v.date, _natural(v.name)))
    return versions


def read_events(store: GitStore, problems: list[Finding] | None = None) -> list[Event]:
    """Every event record; one that cannot be read raises (or, with `problems`, is a finding).

    Never dropped silently: an event left out of the replay would let its
    action be taken twice.
    """
    events: list[Event] = []
    for path, raw in _records(store, EVENTS_DIR, problems, "event-record"):
        try:
            events.append(parse_event(raw, path))
        except ContentError as exc:
            _problem(exc, problems, "event-record")
    return events


def load_ledger(
    store: GitStore,
    settings: ReportSettings | None = None,
    *,
    problems: list[Finding] | None = None,
) -> Ledger:
    """The review record now. A record that cannot be read raises `ContentError` naming its
    file; `check` passes `problems` to collect every such record as a finding instead."""
    settings = settings or worktree_settings(store)
    versions = read_versions(store, problems)
    events = read_events(store, problems)
    replayed = replay(settings.workflow, versions, events)
    amended = [replayed.states[v.name].version for v in versions]  # `version amend`'s values
    return Ledger(settings, amended, events, replayed)


def find_version(store: GitStore, name: str) -> Version | None:
    """The version `name` when its record exists in the working tree (cheap when it does not)."""
    if not REF_NAME_PATTERN.fullmatch(name) or ".." in name:
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
