"""`gap-analysis review ACTION VERSION` and `review history`: the review path's record."""

from __future__ import annotations

from datetime import datetime

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json
from gap_analysis.services.review import actions as service

_ACTION_HELP = """Take ACTION ({name}) on VERSION along the review path.

Refused, with nothing written or committed, when the action is not allowed
from the version's state, when the actor (--by, else git's user.email) is not
a person in report.toml holding a role the action allows, when a gate fails
(check at the version's commit, open comments, clean tree), or when a note is
required and missing. Otherwise one event file is written under
review/events/ and committed on its own.

\b
Examples:
  gap-analysis review submit v0.1 --meeting "CG-COP e-meeting"
  gap-analysis review agree v0.1 --by sg17@secretariat.example --meeting "SG17, Geneva, 8-17 April 2025"
  gap-analysis review return v0.1 --note "Align chapter 4 with the 2025 age-assurance work" --by sg17@secretariat.example
"""


def _action_command(name: str) -> click.Command:
    @click.command(name, help=_ACTION_HELP.format(name=name))
    @click.argument("version_name", metavar="VERSION")
    @click.option("--note", default="", help="Why (required for return and with --force).")
    @click.option(
        "--meeting",
        default="",
        help="The meeting that decided, e.g. 'SG17, Geneva, 8-17 April 2025'.",
    )
    @click.option("--document", default="", help="The document number at that meeting (free form).")
    @click.option(
        "--by",
        "by",
        default="",
        metavar="NAME-OR-EMAIL",
        help="Who acts (a person in report.toml); default: git's user.email.",
    )
    @click.option(
        "--to",
        "to",
        default="",
        metavar="STAGE",
        help="Where to send it, within the workflow's rules (e.g. submit a revision to cg-cop "
        "instead of the stage that returned its predecessor).",
    )
    @click.option("--no-commit", is_flag=True, help="Write the event file but do not commit it.")
    @click.option(
        "--force", is_flag=True, help="Override failed gates (needs --note; the event records it)."
    )
    @click.option(
        "--date",
        "decided",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        default=None,
        metavar="YYYY-MM-DD",
        help="The day the body decided, when you record it later (default: today; not in the "
        "future, not before the version was cut). Covers and the history show it.",
    )
    @common_options
    @pass_app
    def run(
        app: AppContext,
        version_name: str,
        note: str,
        meeting: str,
        document: str,
        by: str,
        to: str,
        no_commit: bool,
        force: bool,
        decided: datetime | None,
    ) -> None:
        result = service.take_action(
            app.store(),
            service.ActionRequest(
                name,
                version_name,
                note,
                meeting,
                document,
                by,
                to,
                not no_commit,
                force,
                decided.date() if decided else None,
            ),
        )
        e = result.event
        click.echo(f"{e.version}: {e.action} ({e.from_state} -> {e.to_state}) by {e.actor}")
        if result.forced_gates:
            app.info(f"forced past: {'; '.join(result.forced_gates)}")
        app.info(
            f"recorded in {e.path}"
            + (f", commit {result.commit[:10]}" if result.commit else " (not committed)")
        )

    return run


class _ReviewGroup(click.Group):
    """`history` is a command; any other word is an action of the report's workflow."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        return _action_command(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return ["submit", "agree", "return", *super().list_commands(ctx)]


@click.group("review", cls=_ReviewGroup)
@common_options
def review() -> None:
    """Take a version along the review path, and see the record of it.

    \b
    The default path:
      draft --submit--> cg-cop --agree--> sg17 --agree--> cwg-cop --agree--> published
      cg-cop | sg17 | cwg-cop --return (a note is required)--> returned

    A returned version is closed: cut a revised version, and its submit goes
    back to the stage that returned its predecessor. report.toml may redefine
    stages, actions, roles and gates ([workflow]).

    \b
    Examples:
      gap-analysis review submit v0.1
      gap-analysis review history
      gap-analysis review history v0.1 --json
    """


@review.command("history")
@click.argument("version_name", metavar="[VERSION]", required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON: every field of every event.")
@common_options
@pass_app
def history(app: AppContext, version_name: str | None, as_json: bool) -> None:
    """List review events in order (of VERSION, or of all versions).

    An event that cannot be replayed is listed too, marked with why; `check`
    reports it as an error.

    \b
    Examples:
      gap-analysis review history
      gap-analysis review history v0.2 --json
    """
    entries = service.history(app.store(), version_name)
    if as_json:
        print_json([entry.as_json() for entry in entries])
        return
    if not entries:
        app.info("no review events yet")
    for entry in entries:
        e = entry.event
        line = f"{e.date:%Y-%m-%d %H:%M}  {e.version}  {e.action:<7} {e.from_state} -> {e.to_state}  {e.actor}"
        if e.meeting:
            line += f"  [{e.meeting}]"
        if e.document:
            line += f"  doc {e.document}"
        if e.decided:
            line += f"  decided {e.decided.isoformat()}"
        click.echo(line)
        if e.note:
            click.echo(f"    note: {e.note}")
        if e.forced:
            click.echo("    forced past failed gates")
        if entry.problem:
            click.echo(f"    NOT REPLAYED ({e.path}): {entry.problem}")


COMMANDS: list[click.Command] = [review]
