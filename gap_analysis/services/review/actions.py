"""`review ACTION VERSION`: take one action on the review path; `review history`.

Everything is judged before anything is written: the version and its state,
the action and where it may lead, the actor and their roles, the note, the
gates. Only then is one event file written (exclusively: never overwritten)
and committed alone; if the commit fails the file is removed again. Event file
names start with the UTC time to the microsecond and end with random hex, so
two co-conveners on two branches never write the same file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from gap_analysis.errors import RefusedError, option
from gap_analysis.gitstore import GitStore, RepoLock, check_name, commit_paths, unstage
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.people import Person
from gap_analysis.model.version import Event, Version
from gap_analysis.model.wording import did_you_mean
from gap_analysis.model.workflow import Action
from gap_analysis.records.events import EVENTS_DIR, write_event
from gap_analysis.services.check.runner import run_check
from gap_analysis.services.review.ledger import Ledger, load_ledger
from gap_analysis.services.review.versions import tag_status
from gap_analysis.workflow import (
    action_for,
    allowed_actions,
    event_order,
    failed_gates,
    may_act,
    resubmit_stage,
    targets,
)

OpenComments = Callable[[GitStore, str, str], int]
"""(store, version, stage) -> the number of open comments made at that stage."""


def default_open_comments(store: GitStore, version: str, stage: str) -> int:
    """Open comments of `stage` on `version`, from the comments service."""
    from gap_analysis.services.comments.register import (
        open_comments,  # comments may use the review path too
    )

    return len(open_comments(store, version, stage))


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


@dataclass(frozen=True)
class ActionResult:
    event: Event
    commit: str | None
    forced_gates: tuple[str, ...] = ()


def take_action(
    store: GitStore, request: ActionRequest, open_comments: OpenComments = default_open_comments
) -> ActionResult:
    check_name(store, request.version)
    if request.to:
        check_name(store, request.to, "stage name")
    with RepoLock(store):
        ledger = load_ledger(store)
        version, state, to, action = _judge_action(store, ledger, request)
        person = _actor(store, ledger, request, action)
        if action.note_required and not request.note.strip():
            raise RefusedError(
                f"'{request.action}' needs a note saying why ({option('note')} TEXT)"
            )
        if request.force and not request.note.strip():
            raise RefusedError(
                f"{option('force')} needs a note saying why the gates are overridden "
                f"({option('note')} TEXT)"
            )
        _check_decided(request.decided, version)
        failed = failed_gates(action, _gate_results(store, action, version, state, open_comments))
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
    version = ledger.version(request.version)
    if version is None:
        known = (
            ", ".join(v.name for v in ledger.versions)
            or "none yet: cut one with 'gap-analysis version cut'"
        )
        raise RefusedError(f"no version {request.version} (versions: {known})")
    if not version.commit:
        raise RefusedError(
            f"version {version.name} is not committed yet; complete its cut first "
            f"('gap-analysis version cut {version.name}')"
        )
    state = ledger.state(version.name)
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
        )
    action = action_for(workflow, request.action, state, to)
    assert action is not None  # `targets` found it
    return version, state, to, action


def _actor(store: GitStore, ledger: Ledger, request: ActionRequest, action: Action) -> Person:
    who = request.by.strip() or store.user()[1]
    if not who:
        raise RefusedError(
            f"who is acting? pass {option('by')} NAME-OR-EMAIL or set git's user.email"
        )
    person = ledger.settings.person(who)
    if person is None:
        listed = ", ".join(p.email for p in ledger.settings.people) or "nobody"
        raise RefusedError(f"'{who}' is not listed in report.toml [[people]] (listed: {listed})")
    if not may_act(action, person):
        held = ", ".join(person.roles) or "no roles"
        raise RefusedError(
            f"{person.name} (roles: {held}) may not {request.action} a version in "
            f"'{', '.join(action.from_states)}': that needs the role "
            f"{' or '.join(repr(r) for r in action.roles)} in report.toml"
        )
    return person


def _gate_results(
    store: GitStore, action: Action, version: Version, state: str, open_comments: OpenComments
) -> dict[str, str | None]:
    results: dict[str, str | None] = {}
    for gate in action.gates:
        if gate == "check":
            errors = [f for f in run_check(store, version.commit) if f.severity is Severity.ERROR]
            results[gate] = (
                f"check finds {len(errors)} error(s) at {version.name}, first: {errors[0]}"
                if errors
                else None
            )
        elif gate == "no-open-comments":
            count = open_comments(store, version.name, state)
            results[gate] = (
                f"{count} open comment(s) of {state} on {version.name}; resolve them "
                "('gap-analysis comment resolve')"
                if count
                else None
            )
        elif gate == "clean-tree":
            dirty = store.changed_files()
            results[gate] = f"uncommitted changes: {', '.join(dirty[:5])}" if dirty else None
    return results


def _check_decided(decided: date | None, version: Version) -> None:
    """A decision day may be recorded later, but not in the future nor before the version was cut."""
    if decided is None:
        return
    today = datetime.now(UTC).date()
    if decided > today:
        raise RefusedError(
            f"{option('decided')} {decided.isoformat()} is in the future (today is {today.isoformat()})"
        )
    if decided < version.date.date():
        raise RefusedError(
            f"{option('decided')} {decided.isoformat()} is before {version.name} was cut "
            f"({version.date.date().isoformat()})"
        )


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
    now = datetime.now(UTC)
    name = f"{now:%Y%m%dT%H%M%S%f}Z-{version.name}-{request.action}-{secrets.token_hex(3)}.toml"
    path = f"{EVENTS_DIR}/{name}"
    event = Event(
        version=version.name,
        action=request.action,
        from_state=state,
        to_state=to,
        actor=f"{person.name} <{person.email}>",
        date=now.replace(microsecond=0),
        meeting=request.meeting,
        document=request.document,
        note=request.note,
        forced=request.force,
        path=path,
        decided=request.decided,
    )
    write_event(store.root / path, event, forced)
    commit: str | None = None
    if request.commit:
        stage = ledger.workflow.stage(to)
        message = f"Review: {request.action} {version.name} ({state} -> {to})"
        if stage is not None and request.action != "return":
            message += f", now with {stage.name}"
        try:
            commit = commit_paths(store, [path], message + f"\n\nBy {event.actor}.")
        except BaseException:
            unstage(store, [path])
            (store.root / path).unlink(missing_ok=True)
            raise
    return ActionResult(event, commit, forced)


# -- history and findings ------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    event: Event
    problem: str = ""
    """Why the event could not be replayed ("" when it was)."""

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
    events = sorted(ledger.events, key=event_order)
    return [
        HistoryEntry(e, problems.get(e.path, "")) for e in events if version in (None, e.version)
    ]


def review_findings(store: GitStore) -> list[Finding]:
    """For `check`: review records that cannot be read or replayed, and version tags that are off."""
    ledger = load_ledger(store)
    findings = list(ledger.unreadable)
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
