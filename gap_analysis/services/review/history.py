"""`review history`: every event in replay order, with why one could not be replayed."""

from __future__ import annotations

from dataclasses import dataclass

from gap_analysis.errors import RefusedError
from gap_analysis.gitstore import GitStore
from gap_analysis.model.version import Event
from gap_analysis.services.review.ledger import Ledger, load_ledger
from gap_analysis.workflow import event_order


@dataclass(frozen=True)
class HistoryEntry:
    event: Event
    problem: str = ""
    """Why the event could not be replayed ("" when it was)."""
    changes: tuple[tuple[str, str, str], ...] = ()
    """For an amendment: (field, old value, new value) as replayed."""

    def as_json(self) -> dict[str, object]:
        e = self.event
        return {
            "version": e.version,
            "action": e.action,
            "from": e.from_state,
            "to": e.to_state,
            "actor": e.actor,
            "date": e.date.isoformat(),
            "meeting": e.meeting,
            "document": e.document,
            "note": e.note,
            "forced": e.forced,
            "file": e.path,
            "decided": e.decided.isoformat() if e.decided else None,
            "recorded_by": e.recorded_by or None,
            "undoes": e.undoes or None,
            "purpose": e.purpose or None,
            "changes": {name: {"was": old, "now": new} for name, old, new in self.changes} or None,
            "problem": self.problem or None,
        }


def history(
    store: GitStore, version: str | None = None, ledger: Ledger | None = None
) -> list[HistoryEntry]:
    """Every event in replay order (those that cannot be replayed included, with why)."""
    ledger = ledger or load_ledger(store)
    if version is not None and ledger.version(version) is None:
        raise RefusedError(f"no version {version}")
    problems = {p.event.path: p.reason for p in ledger.replay.problems}
    changes = {
        a.event.path: a.changes for state in ledger.replay.states.values() for a in state.amendments
    }
    events = sorted(ledger.events, key=event_order)
    return [
        HistoryEntry(e, problems.get(e.path, ""), changes.get(e.path, ()))
        for e in events
        if version in (None, e.version)
    ]
