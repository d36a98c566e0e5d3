"""`version amend VERSION`: new values for a version's record, recorded as an event.

A version record is never edited (its commit is the version). When a TD
number is assigned after the cut, or the meeting moves, the change is an
amendment event in `review/events/` (who, when, why, the new values), written
and committed alone like a review action; replay (`workflow.replay`) lays it
over the record, so the cover, the packet, `version list` and the site show
the amended values, and `review history` shows the change. The state does not
move, and `review undo` does not revert an amendment: amend again instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gap_analysis.errors import RefusedError, UsageError, option
from gap_analysis.gitstore import GitStore, RepoLock, check_committable, check_name
from gap_analysis.model.version import AMENDABLE, Event
from gap_analysis.model.workflow import AMEND
from gap_analysis.records.files import check_encodable
from gap_analysis.services.new_chapter import check_text
from gap_analysis.services.review.actions import (
    ActionResult,
    acting_person,
    record_event,
    recorded_by,
    version_and_state,
)
from gap_analysis.services.review.ledger import load_ledger


@dataclass(frozen=True)
class AmendRequest:
    version: str
    note: str
    document: str = ""
    meeting: str = ""
    purpose: str = ""
    by: str = ""
    """Name or e-mail of a person in report.toml; default: git's user.email."""
    commit: bool = True


@dataclass(frozen=True)
class AmendResult:
    result: ActionResult
    changes: tuple[tuple[str, str, str], ...]
    """(field, old value, new value)."""


def amend_version(store: GitStore, request: AmendRequest) -> AmendResult:
    """Record and commit the amendment (all or nothing); refused when it changes nothing."""
    check_name(store, request.version)
    values = {
        name: check_text(getattr(request, name), f"the {name}")
        for name in AMENDABLE
        if getattr(request, name)
    }
    if not values:
        raise UsageError(
            f"say what changes: {option('document')}, {option('meeting')} or {option('purpose')}"
        )
    if not request.note.strip():
        raise UsageError(f"an amendment needs a note saying why ({option('note')} TEXT)")
    check_encodable(request.note, "note")
    check_encodable(request.by, "actor")
    with RepoLock(store):
        if request.commit:
            check_committable(store, ("review",))
        ledger = load_ledger(store)
        version, state = version_and_state(ledger, request.version, "")
        changes = tuple(
            (name, str(getattr(version, name)), value)
            for name, value in values.items()
            if getattr(version, name) != value
        )
        if not changes:
            shown = ", ".join(f"{name} '{value}'" for name, value in values.items())
            raise RefusedError(f"{version.name} already has {shown}: nothing to amend")
        person = acting_person(store, ledger, request.by)
        new_values = {name: new for name, _old, new in changes}
        event = Event(
            version=version.name,
            action=AMEND,
            from_state=state,
            to_state=state,
            actor=f"{person.name} <{person.email}>",
            date=datetime.now(UTC),
            note=request.note.strip(),
            recorded_by=recorded_by(store, person),
            document=new_values.get("document", ""),
            meeting=new_values.get("meeting", ""),
            purpose=new_values.get("purpose", ""),
        )
        said = ", ".join(f"{name} {new}" for name, _old, new in changes)
        message = f"Version {version.name} amended: {said}\n\n{event.note}"
        return AmendResult(record_event(store, event, message, commit=request.commit), changes)
