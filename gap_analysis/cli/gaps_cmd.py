"""`gap-analysis gaps`: the gap register."""

from __future__ import annotations

from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app
from gap_analysis.cli.output_option import stdout_or_file
from gap_analysis.model.gap import GAP_PRIORITIES, GAP_STATUSES
from gap_analysis.services.gap_formats import FORMATS, render
from gap_analysis.services.gaps import gap_register
from gap_analysis.services.output import prepare_output, write_output


@click.command("gaps")
@click.argument("rev", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="md",
    show_default=True,
    help="Markdown table, CSV (one row per gap, every field) or JSON.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option(
    "--status",
    type=click.Choice(GAP_STATUSES),
    help="Only gaps with this status (no status: open).",
)
@click.option("--priority", type=click.Choice(GAP_PRIORITIES), help="Only gaps with this priority.")
@stdout_or_file
@common_options
@pass_app
def gaps(
    app: AppContext,
    rev: str | None,
    fmt: str,
    as_json: bool,
    status: str | None,
    priority: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """List the gap register: every gap entry with its chapter and section.

    REV is a version name, a git revision or a @stage baseline; without it, the
    working tree. An entry that cannot be read is an error with its file and
    line (run `check` for all of them).

    \b
    Examples:
      gap-analysis gaps                         the working tree's register
      gap-analysis gaps v0.2 --format csv -o gaps-v0.2.csv
      gap-analysis gaps --status open --priority high
      gap-analysis gaps @sg17 --json
    """
    store = app.store()
    if output is not None:
        prepare_output(store, output, force=force)
    register = gap_register(store, rev).filtered(status=status, priority=priority)
    text = render(register, "json" if as_json else fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    write_output(store, output, text.encode("utf-8"), force=force)
    app.info(f"wrote {output}")


COMMANDS: list[click.Command] = [gaps]
