"""The `summary` use case: the change summary between two snapshots.

Chapters and words come from the diff; gap entries from both snapshots' gap
registers; review events from the review records, those dated after the
older snapshot and up to the newer one. Callers that already hold the events
(a build, a packet) pass them in and nothing is read twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from gap_analysis.diff.summary import summarize
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.gaps import report_gaps
from gap_analysis.model.diff import ChangeSummary, SummaryEvent
from gap_analysis.model.version import Event
from gap_analysis.services.diff import DiffOutcome, diff
from gap_analysis.services.review.ledger import read_events


def events_between(
    events: Sequence[Event], after: datetime, until: datetime | None
) -> list[SummaryEvent]:
    """Events dated after `after` and not after `until` (None: no upper bound), oldest first."""
    chosen = [e for e in events if e.date > after and (until is None or e.date <= until)]
    chosen.sort(key=lambda e: (e.date, e.version, e.action))
    return [
        SummaryEvent(
            e.date.isoformat(timespec="seconds"),
            e.version,
            e.action,
            e.from_state,
            e.to_state,
            e.actor,
            e.note,
            e.meeting,
        )
        for e in chosen
    ]


def summary_of(outcome: DiffOutcome, events: Sequence[Event] | None) -> ChangeSummary:
    """The summary of a diff already made; `events`: all review events (None: not looked up)."""
    old_gaps = report_gaps(list(outcome.old_structures), outcome.old.settings.gap_id_pattern).gaps
    new_gaps = report_gaps(list(outcome.new_structures), outcome.new.settings.gap_id_pattern).gaps
    picked = None
    if events is not None:
        new_info = outcome.new.snapshot.info
        picked = events_between(
            events, outcome.old.snapshot.info.date, None if new_info.is_worktree else new_info.date
        )
    return summarize(outcome.result, old_gaps, new_gaps, picked)


def summary(
    store: GitStore, old_rev: str, new_rev: str | None = None, events: Sequence[Event] | None = None
) -> ChangeSummary:
    """What changed from `old_rev` to `new_rev` (None: the working tree), as a summary.

    `events`: the review events to choose from; None reads them from `review/events/`.
    """
    outcome = diff(store, old_rev, new_rev)
    if events is None:
        events = read_events(store)
    return summary_of(outcome, events)
