"""`review ACTION VERSION`: take one action on the review path.

Everything is judged before anything is written: the version and its state,
the action and where it may lead, the actor and their roles, the note, the
gates. Only then is one event file written (exclusively: never overwritten)
and committed alone; if the commit fails the file is removed again. Event file
names start with the UTC time to the microsecond and end with random hex, so
two co-conveners on two branches never write the same file.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from gap_analysis.errors import RefusedError, option
from gap_analysis.gitstore import (
    GitStore,
    RepoLock,
    check_committable,
    check_name,
    commit_paths,
    unstage,
)
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.people import Person
from gap_analysis.model.version import Event, Version
from gap_analysis.model.wording import did_you_mean
from gap_analysis.model.workflow import Action
from gap_analysis.records.events import EVENTS_DIR, write_event
from gap_analysis.records.files import check_encodable
from gap_analysis.services.review.gates import (
    OpenComments,
    check_decided,
    default_open_comments,
    gate_results,
)
from gap_analysis.services.review.ledger import Ledger, load_ledger
from gap_analysis.services.review.versions import tag_status
from gap_analysis.workflow import (
    action_for,
    allowed_actions,
    failed_gates,
    may_act,
    resubmit_stage,
    targets,
    undo_target,
)


@dataclass(frozen=True)
class ActionRequest:
    action: str
    version: str
    note: str = ""
    meeting: str = ""
    document: str = ""
    by: str = ""
    """Name or e-mail of a person in report.toml; default: git's user.email."""
    to: str = ""
    commit: bool = True
    force: bool = False
    decided: date | None = None
    """The day the body decided, when recorded after the meeting (default: today)."""
    from_state: str = ""
    """The stage the version must be leaving (refused if it is elsewhere); required for a
    second decision in a row recorded by the same person."""


@dataclass(frozen=True)
class ActionResult:
    event: Event
    commit: str | None
    forced_gates: tuple[str, ...] = ()


def take_action(
    store: GitStore, request: ActionRequest, open_comments: OpenComments = default_open_comments
) -> ActionResult:
    check_name(store, request.version)
    for stage in (request.to, request.from_state):
        if stage:
            check_name(store, stage, "stage name")
    for what, text in (
        ("note", request.note),
        ("meeting", request.meeting),
        ("document number", request.document),
        ("actor", request.by),
    ):
        check_encodable(text, what)
    with RepoLock(store):
        if request.commit:
            check_committable(store, ("review",))
        ledger = load_ledger(store)
        version, state, to, action = _judge_action(store, ledger, request)
        person = _actor(store, ledger, request, action)
        _check_repeat(ledger, request, version, state, person)
        if action.note_required and not request.note.strip():
            raise RefusedError(
                f"'{request.action}' needs a note saying why ({option('note')} TEXT)"
            )
        if request.force and not request.note.strip():
            raise RefusedError(
                f"{option('force')} needs a note saying why the gates are overridden "
                f"({option('note')} TEXT)"
            )
        check_decided(request.decided, version)
        failed = failed_gates(action, gate_results(store, action, version, state, open_comments))
        if failed and not request.force:
            raise RefusedError(
                f"{request.action} {version.name}: gate failed: {'; '.join(failed)}"
                f" ({option('force')} with {option('note')} overrides it, and the event records that)"
            )
        return _record(store, ledger, request, version, state, to, person, tuple(failed))


def _judge_action(
    store: GitStore, ledger: Ledger, request: ActionRequest
) -> tuple[Version, str, str, Action]:
    workflow = ledger.workflow
    names = tuple(dict.fromkeys(a.name for a in workflow.actions))
    if request.action not in names:
        hint = did_you_mean(request.action, names)
        raise RefusedError(f"unknown action '{request.action}'{hint}; actions: {', '.join(names)}")
    version, state = version_and_state(ledger, request.version, request.from_state)
    allowed = targets(
        workflow, request.action, state, resubmit_stage(workflow, ledger.replay.states, version)
    )
    if not allowed:
        now = ", ".join(allowed_actions(workflow, state))
        closed = workflow.stage(state)
        why = (
            f"{version.name} is {state}, which is final"
            if closed is not None and closed.final
            else f"{version.name} is in '{state}'"
        )
        hint = f" (allowed now: {now})" if now else ""
        if state == workflow.returned:
            hint = "; cut a revised version and submit it"
        raise RefusedError(f"'{request.action}' is not allowed: {why}{hint}")
    to = request.to or allowed[0]
    if to not in allowed:
        raise RefusedError(
            f"'{request.action}' from '{state}' may lead to {', '.join(allowed)}, not '{to}'"
            + did_you_mean(to, allowed)
        )
    action = action_for(workflow, request.action, state, to)
    assert action is not None  # `targets` found it
    return version, state, to, action


def version_and_state(ledger: Ledger, name: str, from_state: str) -> tuple[Version, str]:
    """The committed version `name` and its state, which must be `from_state` when one is named."""
    version = ledger.version(name)
    if version is None:
        known = (
            ", ".join(v.name for v in ledger.versions)
            or "none yet: cut one with 'gap-analysis version cut'"
        )
        raise RefusedError(f"no version {name} (versions: {known})")
    if not version.commit:
        raise RefusedError(
            f"version {version.name} is not committed yet; complete its cut first "
            f"('gap-analysis version cut {version.name}')"
        )
    state = ledger.state(version.name)
    stages = ledger.workflow.stage_ids()
    if from_state and from_state not in stages:
        raise RefusedError(
            f"{option('from_state')} '{from_state}' names no stage{did_you_mean(from_state, stages)}; "
            f"stages: {', '.join(stages)}"
        )
    if from_state and from_state != state:
        raise RefusedError(
            f"{version.name} is in '{state}', not in '{from_state}' ({option('from_state')}): "
            "nothing recorded"
        )
    return version, state


def _check_repeat(
    ledger: Ledger, request: ActionRequest, version: Version, state: str, person: Person
) -> None:
    """A second decision in a row on one version by the same person must name the stage it leaves.

    Someone holding several roles who runs `review agree v0.1` twice would
    otherwise move the version two stages; naming the stage shows it is meant.
    The person is the actor (the one whose decision it is): a secretariat that
    records decisions of different people with `--by` is not asked.
    """
    if request.from_state:
        return
    current = ledger.replay.states.get(version.name)
    last = undo_target(current) if current else None
    if last is None or last.actor != f"{person.name} <{person.email}>":
        return
    raise RefusedError(
        f"{version.name}: {person.name} also took the last action on it ('{last.action}', "
        f"{last.from_state} -> {last.to_state}); to record a second decision in a row, for "
        f"'{state}', name the stage it leaves: {option('from_state')} {state}"
    )


def _actor(store: GitStore, ledger: Ledger, request: ActionRequest, action: Action) -> Person:
    person = acting_person(store, ledger, request.by)
    if not may_act(action, person):
        held = ", ".join(person.roles) or "no roles"
        raise RefusedError(
            f"{person.name} (roles: {held}) may not {request.action} a version in "
            f"'{', '.join(action.from_states)}': that needs the role "
            f"{' or '.join(repr(r) for r in action.roles)} in report.toml"
        )
    return person


def acting_person(store: GitStore, ledger: Ledger, by: str) -> Person:
    """The person in report.toml named by `by`, else git's user.email."""
    who = by.strip() or store.user()[1]
    if not who:
        raise RefusedError(
            f"who is acting? pass {option('by')} NAME-OR-EMAIL or set git's user.email"
        )
    person = ledger.settings.person(who)
    if person is None:
        listed = ", ".join(p.email for p in ledger.settings.people) or "nobody"
        raise RefusedError(f"'{who}' is not listed in report.toml [[people]] (listed: {listed})")
    return person


def recorded_by(store: GitStore, person: Person) -> str:
    """Git's user, when a decision is recorded for someone else ("" when they are the actor)."""
    name, email = store.user()
    if not email or email.lower() == person.email.lower():
        return ""
    return f"{name} <{email}>"


def _record(
    store: GitStore,
    ledger: Ledger,
    request: ActionRequest,
    version: Version,
    state: str,
    to: str,
    person: Person,
    forced: tuple[str, ...],
) -> ActionResult:
    event = Event(
        version=version.name,
        action=request.action,
        from_state=state,
        to_state=to,
        actor=f"{person.name} <{person.email}>",
        date=datetime.now(UTC),
        meeting=request.meeting,
        document=request.document,
        note=request.note,
        forced=request.force,
        decided=request.decided,
        recorded_by=recorded_by(store, person),
    )
    stage = ledger.workflow.stage(to)
    message = f"Review: {request.action} {version.name} ({state} -> {to})"
    if stage is not None and request.action != "return":
        message += f", now with {stage.name}"
    return record_event(store, event, message, commit=request.commit, forced=forced)


def record_event(
    store: GitStore, event: Event, message: str, *, commit: bool, forced: tuple[str, ...] = ()
) -> ActionResult:
    """Write `event` to a new file named after its time, version and action; commit it alone.

    If the commit fails the file is taken out of the index and removed again.
    """
    now = event.date
    name = f"{now:%Y%m%dT%H%M%S%f}Z-{event.version}-{event.action}-{secrets.token_hex(3)}.toml"
    path = f"{EVENTS_DIR}/{name}"
    event = replace(event, path=path, date=now.replace(microsecond=0))
    write_event(store.root, path, event, forced)
    made: str | None = None
    if commit:
        try:
            made = commit_paths(store, [path], message + f"\n\nBy {event.actor}.")
        except BaseException:
            unstage(store, [path])
            (store.root / path).unlink(missing_ok=True)
            raise
    return ActionResult(event, made, forced)


# -- history and findings ------------------------------------------------------------


def review_findings(store: GitStore) -> list[Finding]:
    """For `check`: review records that cannot be read or replayed, and version tags that are off."""
    findings: list[Finding] = []
    ledger = load_ledger(store, problems=findings)
    shallow = any(f.code == "shallow-clone" for f in findings)
    for problem in ledger.replay.problems:
        findings.append(
            Finding(problem.event.path, 0, "review-event", f"cannot be replayed: {problem.reason}")
        )
    names = {v.name for v in ledger.versions}
    for version in ledger.versions:
        if version.previous and version.previous not in names:
            findings.append(
                Finding(
                    version.path,
                    0,
                    "version-record",
                    f"previous version '{version.previous}' has no record",
                )
            )
        if shallow:  # the versions' commits are not known: their tags cannot be judged
            continue
        status, target = tag_status(store, version)
        if status == "missing":
            findings.append(
                Finding(
                    version.path,
                    0,
                    "version-tag",
                    f"tag {version.name} is missing; "
                    "'gap-analysis version tag --repair' restores it",
                    Severity.WARNING,
                )
            )
        elif status == "moved":
            findings.append(
                Finding(
                    version.path,
                    0,
                    "version-tag",
                    f"tag {version.name} points at {(target or '')[:10]}, not at the "
                    f"version's commit {version.commit[:10]}; "
                    "'gap-analysis version tag --repair' moves it back",
                    Severity.WARNING,
                )
            )
        elif status == "uncommitted":
            findings.append(
                Finding(
                    version.path,
                    0,
                    "version-record",
                    "not committed (an interrupted cut? 'gap-analysis version cut' completes it)",
                    Severity.WARNING,
                )
            )
    return findings
