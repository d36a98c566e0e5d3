"""The whole `check` of a report: the snapshot's checkers, then its review records and comments.

`runner` checks what a snapshot holds; the review records and comment records
are read from the working tree (the record as it stands now), so they are
added here as extra checkers, not in `runner`, which the review gate also runs
at a version's commit.
"""

from __future__ import annotations

from gap_analysis.errors import ConfigError
from gap_analysis.gitstore import GitStore
from gap_analysis.model.finding import Finding
from gap_analysis.services.check.runner import CheckContext, Checker, CheckResult, run_check_result
from gap_analysis.services.comments.findings import comment_findings
from gap_analysis.services.review.actions import review_findings


def review_records(store: GitStore) -> Checker:
    """The review records' findings, once `report.toml` is valid (they need its workflow)."""

    def checker(ctx: CheckContext) -> list[Finding]:
        if not ctx.config_valid:
            return []
        try:
            return review_findings(store)
        except ConfigError:
            return []  # the working tree's report.toml is broken; a check of it reports that

    return checker


def comment_places(store: GitStore) -> Checker:
    """Open comments that lost their section in this snapshot, and unreadable comment records."""

    def checker(ctx: CheckContext) -> list[Finding]:
        # a chapter that cannot be read is reported already; its comments are not "lost"
        complete = all(item.chapter is not None for item in ctx.chapters)
        try:
            return comment_findings(
                store,
                ctx.structures,
                ctx.snapshot.info.label,
                up_to_version=ctx.snapshot.info.version,
                places=complete,
            )
        except ConfigError:
            return []  # the working tree's report.toml is broken; a check of it reports that

    return checker


def check_report(store: GitStore, rev: str | None) -> CheckResult:
    """Everything `check` reports at `rev` (the working tree when None), with counts."""
    return run_check_result(store, rev, extra=(review_records(store), comment_places(store)))
