"""`gap-analysis summary`: the change summary between two snapshots."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app
from gap_analysis.cli.output_option import stdout_or_file
from gap_analysis.diff import summary as summary_formats


@click.command("summary")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("md", "json")),
    default="md",
    show_default=True,
    help="Markdown or JSON.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@stdout_or_file
@common_options
@pass_app
def summary_command(
    app: AppContext,
    old: str,
    new: str | None,
    fmt: str,
    as_json: bool,
    output: Path | None,
    force: bool,
) -> None:
    """Summarise what changed from OLD to NEW: per chapter, gap entries, review events.

    For each changed chapter: its status, the words added and removed, and the
    sections touched; gap entries added, removed and changed (field by field),
    by id; and the review events recorded after OLD and up to NEW. OLD and NEW
    are as for `diff`; NEW defaults to the working tree.

    \b
    Examples:
      gap-analysis summary v0.1 v0.2
      gap-analysis summary @sg17 --format json
      gap-analysis summary v0.2 -o changes-since-v0.2.md
    """
    from gap_analysis.services.output import prepare_output, write_output
    from gap_analysis.services.summary import summary

    if output is not None:
        prepare_output(app.store(), output, force=force)
    result = summary(app.store(), old, new)
    if as_json or fmt == "json":
        rendered = json.dumps(summary_formats.as_json(result), indent=2, ensure_ascii=False) + "\n"
    else:
        rendered = summary_formats.markdown(result)
    if output is not None:
        write_output(app.store(), output, rendered.encode("utf-8"), force=force)
        app.info(f"wrote {output}")
    else:
        click.echo(rendered, nl=False)


COMMANDS: list[click.Command] = [summary_command]
