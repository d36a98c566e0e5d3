"""The gates an action must pass (check, open comments, clean tree) and the decision day.

Each gate gives None when it holds, else why not; `workflow.failed_gates`
judges the results, so the workflow stays free of I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from gap_analysis.errors import RefusedError, option
from gap_analysis.gitstore import GitStore
from gap_analysis.model.finding import Severity
from gap_analysis.model.version import Version
from gap_analysis.model.workflow import Action

OpenComments = Callable[[GitStore, str, str], int]
"""(store, version, stage) -> the number of open comments made at that stage."""


def default_open_comments(store: GitStore, version: str, stage: str) -> int:
    """Open comments of `stage` on `version`, from the comments service."""
    from gap_analysis.services.comments.register import (
        open_comments,  # comments may use the review path too
    )

    return len(open_comments(store, version, stage))


def gate_results(
    store: GitStore, action: Action, version: Version, state: str, open_comments: OpenComments
) -> dict[str, str | None]:
    results: dict[str, str | None] = {}
    for gate in action.gates:
        if gate == "check":
            from gap_analysis.services.check.runner import run_check  # Markdown: for this gate

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


def check_decided(decided: date | None, version: Version) -> None:
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
