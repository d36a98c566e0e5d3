"""`review undo VERSION`: record an event that reverts the last one in effect on a version.

Nothing is deleted: the undone event stays in `review/events/` and in the
history, and the undo is an event of its own (with a note saying why) that
replay understands (`workflow.replay`). Who may undo: the person whose
decision it was, the person who recorded it for them, or anyone holding a role
that may take the undone action (the same body may correct its own record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gap_analysis.errors import RefusedError, option
from gap_analysis.gitstore import GitStore, RepoLock, check_name
from gap_analysis.model.people import Person
from gap_analysis.model.version import Event
from gap_analysis.model.workflow import UNDO
from gap_analysis.services.review.actions import (
    ActionResult,
    acting_person,
    record_event,
    recorded_by,
    version_and_state,
)
from gap_analysis.services.review.ledger import Ledger, load_ledger
from gap_analysis.workflow import action_for, event_file_name, may_act, undo_target


@dataclass(frozen=True)
class UndoRequest:
    version: str
    note: str
    by: str = ""
    """Name or e-mail of a person in report.toml; default: git's user.email."""
    from_state: str = ""
    """The stage the version must be in (refused if it is elsewhere)."""
    commit: bool = True


def undo(store: GitStore, request: UndoRequest) -> tuple[ActionResult, Event]:
    """Record the undo; returns it and the event it reverts."""
    check_name(store, request.version)
    if request.from_state:
        check_name(store, request.from_state, "stage name")
    with RepoLock(store):
        ledger = load_ledger(store)
        version, state = version_and_state(ledger, request.version, request.from_state)
        current = ledger.replay.states.get(version.name)
        last = undo_target(current) if current else None
        if last is None:
            raise RefusedError(f"nothing to undo on {version.name}: no action is in effect on it")
        if not request.note.strip():
            raise RefusedError(f"an undo needs a note saying why ({option('note')} TEXT)")
        person = acting_person(store, ledger, request.by)
        _may_undo(ledger, person, last)
        event = Event(
            version=version.name,
            action=UNDO,
            from_state=state,
            to_state=last.from_state,
            actor=f"{person.name} <{person.email}>",
            date=datetime.now(UTC),
            note=request.note,
            recorded_by=recorded_by(store, person),
            undoes=event_file_name(last),
        )
        message = (
            f"Review: undo {last.action} {version.name} ({state} -> {last.from_state})"
            f"\n\nUndoes {event_file_name(last)}."
        )
        return record_event(store, event, message, commit=request.commit), last


def _may_undo(ledger: Ledger, person: Person, last: Event) -> None:
    me = f"{person.name} <{person.email}>"
    if me in (last.actor, last.recorded_by):
        return
    action = action_for(ledger.workflow, last.action, last.from_state, last.to_state)
    if action is not None and may_act(action, person):
        return
    roles = " or ".join(repr(r) for r in action.roles) if action else "none"
    raise RefusedError(
        f"{person.name} may not undo '{last.action}' ({last.from_state} -> {last.to_state}) "
        f"by {last.actor}: only they, whoever recorded it, or a person with the role {roles} "
        "may"
    )
