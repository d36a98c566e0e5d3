"""`gap-analysis check`: lint a snapshot; one line per finding."""

from __future__ import annotations

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json


@click.command()
@click.argument("rev", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON list.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@common_options
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
    from gap_analysis.services.check.report import check_report

    result = check_report(app.store(), rev)
    if as_json:
        print_json([f.as_json() for f in result.findings])
    else:
        for finding in result.findings:
            click.echo(str(finding))
    app.info(result.summary())
    if not result.passed(strict):
        click.get_current_context().exit(1)


COMMANDS: list[click.Command] = [check]
