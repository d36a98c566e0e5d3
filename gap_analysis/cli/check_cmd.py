"""`gap-analysis check`: lint a snapshot; one line per finding."""

from __future__ import annotations

import click

from gap_analysis.cli.context import AppContext, pass_app, print_json
from gap_analysis.errors import ConfigError
from gap_analysis.gitstore import GitStore
from gap_analysis.model.finding import Finding
from gap_analysis.services.check.runner import CheckContext, Checker, run_check_result
from gap_analysis.services.comments.register import comment_findings
from gap_analysis.services.review.actions import review_findings


def _review_records(store: GitStore) -> Checker:
    """The review records' findings, once `report.toml` is valid (they need its workflow)."""

    def checker(ctx: CheckContext) -> list[Finding]:
        if not ctx.config_valid:
            return []
        try:
            return review_findings(store)
        except ConfigError:
            return []  # the working tree's report.toml is broken; `check` without REV reports it

    return checker


def _comment_places(store: GitStore) -> Checker:
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
            return []  # the working tree's report.toml is broken; `check` without REV reports it

    return checker


@click.command()
@click.argument("rev", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@pass_app
def check(app: AppContext, rev: str | None, as_json: bool, strict: bool) -> None:
    """Lint the report at REV (default: the working tree).

    Checks report.toml, front matter (a mapping of known keys with valid
    values), unique chapter ids and heading anchors, links between chapters
    and to anchors and gap entries, images (present in the revision and inside
    the repository) and gap entries (fields, id pattern, unique ids). Outside
    links (http, https, mailto) are never fetched. The review records are
    checked too: version and event files that cannot be read, events that
    cannot be replayed (named by file), and version tags that are missing or
    moved. Open comments whose section is gone are named (`comment-lost`).

    Prints one line per finding, `path:line: code: message`, and a summary on
    stderr. Exits 1 when there are errors (with --strict, warnings too).

    \b
    Examples:
      gap-analysis check                  the working tree
      gap-analysis check v0.3             a version, read from git
      gap-analysis check HEAD~2 --json    findings as JSON objects
      gap-analysis check --strict         fail on warnings as well
    """
    store = app.store()
    result = run_check_result(store, rev, extra=(_review_records(store), _comment_places(store)))
    if as_json:
        print_json([f.as_json() for f in result.findings])
    else:
        for finding in result.findings:
            click.echo(str(finding))
    app.info(result.summary())
    if not result.passed(strict):
        click.get_current_context().exit(1)


COMMANDS: list[click.Command] = [check]
