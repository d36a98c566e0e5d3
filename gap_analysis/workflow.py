"""Pure transition logic of the review path: replay, allowed actions, who may act, gates.

No I/O: the services read versions and events from `review/` and hand them
here. A version's state is never stored; it is replayed from its events in
order, so two branches that each recorded events merge without a conflict and
the merged history is judged again on replay. An event that cannot be replayed
(not allowed at that point, a duplicate, an unknown version) is kept as a
problem with its reason, never silently skipped.

`undo` is the one action every workflow has: its event names the event it
reverts (the last one in effect on that version) and leads back to where that
one started. Both stay in the record and in the history; replay takes the
reverted event out of the version's events in effect, so covers, baselines and
the next action see the state before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from gap_analysis.model.people import Person
from gap_analysis.model.version import AMENDABLE, Amendment, Event, Version
from gap_analysis.model.workflow import AMEND, UNDO, Action, Workflow


@dataclass
class VersionState:
    """Where one version stands after replay."""

    version: Version
    state: str
    events: list[Event] = field(default_factory=list)
    """The events in effect, in order (an undone event is taken out, an undo is not added)."""
    returned_from: str = ""
    """The stage that returned this version (empty unless it was returned)."""
    amendments: list[Amendment] = field(default_factory=list)
    """Amendments of the record, in order; `version` carries their values."""


@dataclass(frozen=True, slots=True)
class Problem:
    """An event that could not be replayed, and why."""

    event: Event
    reason: str


@dataclass
class Replay:
    states: dict[str, VersionState]
    applied: list[Event]
    """Events in effect, in order: replayed and not undone (undo events are not in it)."""
    problems: list[Problem]

    def state(self, name: str) -> str | None:
        found = self.states.get(name)
        return found.state if found else None


def event_order(event: Event) -> tuple[datetime, str]:
    """Events replay by date, then file name (which starts with the time to the microsecond)."""
    moment = event.date if event.date.tzinfo else event.date.replace(tzinfo=UTC)
    return (moment.astimezone(UTC), event.path.rsplit("/", 1)[-1])


def resubmit_stage(
    workflow: Workflow, replay_states: Mapping[str, VersionState], version: Version
) -> str:
    """The stage that returned `version`'s predecessor ("" when it was not returned)."""
    if not version.previous:
        return ""
    previous = replay_states.get(version.previous)
    if previous is None or previous.state != workflow.returned:
        return ""
    return previous.returned_from


def targets(
    workflow: Workflow, action: str, state: str, returned_from: str = ""
) -> tuple[str, ...]:
    """The states `action` may lead to from `state`; the first is the default.

    `submit` (the workflow's resubmit action) from the initial state of a version
    whose predecessor was returned goes back to the stage that returned it by
    default; `--to` may also name any stage on the way there.
    """
    direct = [a.to for a in workflow.actions if a.name == action and state in a.from_states]
    if not direct:
        return ()
    if (
        action == workflow.resubmit_action
        and state == workflow.initial
        and returned_from
        and returned_from not in direct
        and workflow.stage(returned_from) is not None
    ):
        on_the_way = [
            s
            for s in _forward_stages(workflow, direct)
            if s not in direct
            and s != returned_from
            and returned_from in _forward_stages(workflow, [s])
        ]
        return (returned_from, *direct, *on_the_way)
    return tuple(direct)


def _forward_stages(workflow: Workflow, start: Iterable[str]) -> list[str]:
    """Stages reachable from `start` without being returned (start included)."""
    seen = list(dict.fromkeys(start))
    frontier = list(seen)
    while frontier:
        here = frontier.pop()
        for action in workflow.actions_from(here):
            if action.to != workflow.returned and action.to not in seen:
                seen.append(action.to)
                frontier.append(action.to)
    return seen


def action_for(workflow: Workflow, name: str, state: str, to: str) -> Action | None:
    """The action definition behind `name` from `state`; for a resubmission, the one from `state`."""
    exact = next(
        (a for a in workflow.actions if a.name == name and state in a.from_states and a.to == to),
        None,
    )
    return exact or workflow.action(name, state)


def allowed_actions(workflow: Workflow, state: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.name for a in workflow.actions_from(state)))


def may_act(action: Action, person: Person) -> bool:
    """An action without roles may be taken by any listed person; else the person needs one of them."""
    return not action.roles or any(role in person.roles for role in action.roles)


def failed_gates(action: Action, results: Mapping[str, str | None]) -> list[str]:
    """`results` maps gate -> None when it holds, else why not; gates without a result fail."""
    failed = []
    for gate in action.gates:
        if gate not in results:
            failed.append(f"{gate}: not evaluated")
        elif results[gate] is not None:
            failed.append(f"{gate}: {results[gate]}")
    return failed


def replay(workflow: Workflow, versions: Iterable[Version], events: Iterable[Event]) -> Replay:
    """Replay every event in order; each version starts in the workflow's initial state."""
    states = {v.name: VersionState(v, workflow.initial) for v in versions}
    applied: list[Event] = []
    problems: list[Problem] = []
    for event in sorted(events, key=event_order):
        reason = _judge(workflow, states, applied, event)
        if reason:
            problems.append(Problem(event, reason))
            continue
        current = states[event.version]
        if event.action == AMEND:
            _amend(current, event)
            continue
        if event.action == UNDO:
            undone = current.events.pop()
            applied.remove(undone)
            current.state = event.to_state
            current.returned_from = ""
            continue
        if event.to_state == workflow.returned:
            current.returned_from = current.state
        current.state = event.to_state
        current.events.append(event)
        applied.append(event)
    return Replay(states, applied, problems)


def _judge(
    workflow: Workflow, states: Mapping[str, VersionState], applied: list[Event], event: Event
) -> str:
    """Why `event` cannot be replayed now ("" when it can)."""
    current = states.get(event.version)
    if current is None:
        return f"unknown version '{event.version}' (no review/versions/{event.version}.toml)"
    if event.action == UNDO:
        return _judge_undo(current, event)
    if event.action == AMEND:
        return "" if amended_values(event) else "an amendment that changes nothing"
    same = next(
        (
            e
            for e in applied
            if (e.version, e.action, e.from_state, e.to_state)
            == (event.version, event.action, event.from_state, event.to_state)
        ),
        None,
    )
    if same is not None and current.state != event.from_state:
        return f"duplicate of {same.path.rsplit('/', 1)[-1] or 'an earlier event'}"
    if event.from_state != current.state:
        return (
            f"records '{event.action}' from '{event.from_state}', but {event.version} was in "
            f"'{current.state}' at that point"
        )
    allowed = targets(
        workflow, event.action, current.state, resubmit_stage(workflow, states, current.version)
    )
    if not allowed:
        names = ", ".join(allowed_actions(workflow, current.state)) or "none"
        return f"'{event.action}' is not allowed from '{current.state}' (allowed: {names})"
    if event.to_state not in allowed:
        return f"'{event.action}' from '{current.state}' cannot lead to '{event.to_state}'"
    return ""


def amended_values(event: Event) -> dict[str, str]:
    """The record fields an amendment event sets (empty values keep the old ones)."""
    values = {"document": event.document, "meeting": event.meeting, "purpose": event.purpose}
    return {name: values[name] for name in AMENDABLE if values[name]}


def _amend(current: VersionState, event: Event) -> None:
    """Amendments change the version's record, never its state: undo and baselines skip them."""
    values = amended_values(event)
    changes = tuple(
        (name, str(getattr(current.version, name)), value)
        for name, value in values.items()
        if getattr(current.version, name) != value
    )
    version = current.version
    current.version = replace(
        version,
        document=values.get("document", version.document),
        meeting=values.get("meeting", version.meeting),
        purpose=values.get("purpose", version.purpose),
    )
    current.amendments.append(Amendment(event, changes))


def undo_target(current: VersionState) -> Event | None:
    """The event an undo of this version would revert: the last one in effect."""
    return current.events[-1] if current.events else None


def _judge_undo(current: VersionState, event: Event) -> str:
    last = undo_target(current)
    if last is None:
        return f"nothing to undo on {event.version}"
    last_name = event_file_name(last)
    if event.undoes != last_name:
        return (
            f"undoes '{event.undoes}', but the last event in effect on {event.version} "
            f"is {last_name}"
        )
    if (event.from_state, event.to_state) != (current.state, last.from_state):
        return (
            f"records undo '{event.from_state}' -> '{event.to_state}', but undoing {last_name} "
            f"leads from '{current.state}' back to '{last.from_state}'"
        )
    return ""


def event_file_name(event: Event) -> str:
    """An event's file name (its id in `undoes`)."""
    return event.path.rsplit("/", 1)[-1]
