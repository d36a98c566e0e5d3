"""`gap-analysis review ACTION VERSION`, `review undo` and `review history`: the review path's record."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json
from gap_analysis.model.workflow import RESERVED_ACTIONS, Workflow
from gap_analysis.services.review.history import history as review_history
from gap_analysis.services.review.ledger import workflow_or_default

if TYPE_CHECKING:
    from gap_analysis.services.review.actions import ActionResult

_REFUSALS = """\
Refused, with nothing written or committed, when the version is not in a
stage this action leaves (or not in --from STAGE), when the actor (--by, else
git's user.email) is not a person in report.toml holding a role the action
allows, when a gate fails, or when a note is required and missing. Someone
who took the last action on this version too must name --from STAGE (a
second decision in a row is never a slip). Otherwise one event file is
written under review/events/ and committed on its own; with --by, the event
also records who recorded it (git's user)."""

_EXAMPLES = {
    "submit": 'gap-analysis review submit v0.1 --meeting "CG-COP e-meeting"',
    "agree": "gap-analysis review agree v0.1 --from sg17 --by sg17@secretariat.example "
    '--meeting "SG17, Geneva, 8-17 April 2025"',
    "return": 'gap-analysis review return v0.1 --note "Align chapter 4 with the 2025 '
    'age-assurance work" --by sg17@secretariat.example',
}


def _stage(workflow: Workflow, stage_id: str) -> str:
    found = workflow.stage(stage_id)
    return found.name if found else stage_id


def _action_help(workflow: Workflow, name: str) -> tuple[str, str]:
    """(short help, full help) of action `name`, drawn from the report's workflow."""
    defined = [a for a in workflow.actions if a.name == name]
    if not defined:
        names = ", ".join(dict.fromkeys(a.name for a in workflow.actions))
        text = f"'{name}' is not an action of this report's workflow (actions: {names})."
        return text, text
    moves = "; ".join(
        f"{' | '.join(_stage(workflow, s) for s in a.from_states)} -> {_stage(workflow, a.to)}"
        for a in defined
    )
    short = f"{name.capitalize()} VERSION: {moves}."
    lines = [short, ""]
    for a in defined:
        who = " or ".join(a.roles) if a.roles else "any listed person"
        gates = ", ".join(a.gates) if a.gates else "none"
        note = "; a note is required" if a.note_required else ""
        froms = ", ".join(a.from_states)
        lines.append(f"From {froms} to {a.to}: by {who}; gates: {gates}{note}.")
    if name == workflow.resubmit_action:
        lines.append(
            "A revision of a returned version goes back to the stage that returned its "
            "predecessor; --to names another stage on the way."
        )
    example = _EXAMPLES.get(name, f"gap-analysis review {name} v0.1")
    lines += ["", _REFUSALS, "", "\b", "Examples:", f"  {example}"]
    return short, "\n".join(lines)


def _action_command(name: str, workflow: Workflow) -> click.Command:
    short, full = _action_help(workflow, name)

    @click.command(name, help=full, short_help=short)
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
        help="Who acts (a person in report.toml); default: git's user.email. The event also "
        "records git's user as the one who recorded it.",
    )
    @click.option(
        "--from",
        "from_state",
        default="",
        metavar="STAGE",
        help="The stage the version is leaving: refused if it is elsewhere. Required for a "
        "second decision in a row by the same person.",
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
        from_state: str,
        to: str,
        no_commit: bool,
        force: bool,
        decided: datetime | None,
    ) -> None:
        from gap_analysis.services.review import actions as service

        result = service.take_action(
            app.store(),
            service.ActionRequest(
                name,
                version_name,
                note=note,
                meeting=meeting,
                document=document,
                by=by,
                to=to,
                commit=not no_commit,
                force=force,
                decided=decided.date() if decided else None,
                from_state=from_state,
            ),
        )
        _report(app, result)

    return run


def _report(app: AppContext, result: ActionResult) -> None:
    e = result.event
    line = f"{e.version}: {e.action} ({e.from_state} -> {e.to_state}) by {e.actor}"
    click.echo(line + (f", recorded by {e.recorded_by}" if e.recorded_by else ""))
    if result.forced_gates:
        app.info(f"forced past: {'; '.join(result.forced_gates)}")
    app.info(
        f"recorded in {e.path}"
        + (f", commit {result.commit[:10]}" if result.commit else " (not committed)")
    )


class _ReviewGroup(click.Group):
    """`history` and `undo` are commands; any other word is an action of the report's workflow."""

    def _workflow(self, ctx: click.Context) -> Workflow:
        app = ctx.find_object(AppContext)
        return workflow_or_default(app.store if app else AppContext().store)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is not None:
            return found
        return _action_command(cmd_name, self._workflow(ctx))

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = [a.name for a in self._workflow(ctx).actions if a.name not in RESERVED_ACTIONS]
        return [*dict.fromkeys(names), *super().list_commands(ctx)]


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
    stages, actions, roles and gates ([workflow]); each action's --help
    describes it as this report defines it. A slip is reverted with `review
    undo` (the record keeps both events).

    \b
    Examples:
      gap-analysis review submit v0.1
      gap-analysis review agree v0.1 --from cg-cop
      gap-analysis review undo v0.1 --note "agreed twice by mistake"
      gap-analysis review history v0.1 --json
    """


@review.command("undo")
@click.argument("version_name", metavar="VERSION")
@click.option("--note", required=True, help="Why the last action is undone (required).")
@click.option(
    "--by",
    "by",
    default="",
    metavar="NAME-OR-EMAIL",
    help="Who undoes it (a person in report.toml); default: git's user.email.",
)
@click.option(
    "--from",
    "from_state",
    default="",
    metavar="STAGE",
    help="The stage the version is in now: refused if it is elsewhere.",
)
@click.option("--no-commit", is_flag=True, help="Write the event file but do not commit it.")
@common_options
@pass_app
def undo(
    app: AppContext, version_name: str, note: str, by: str, from_state: str, no_commit: bool
) -> None:
    """Revert the last action in effect on VERSION, with a note saying why.

    Nothing is deleted: the undo is an event of its own that names the event
    it reverts, the history lists both, and the version goes back to the stage
    that action left. Undoing again reverts the action before. May undo: the
    person whose decision it was, whoever recorded it for them, or a person
    holding a role that may take that action.

    \b
    Examples:
      gap-analysis review undo v0.1 --note "agreed twice by mistake"
      gap-analysis review undo v0.1 --from cwg-cop --by sg17@secretariat.example --note "recorded for the wrong version"
    """
    from gap_analysis.services.review.undo import UndoRequest
    from gap_analysis.services.review.undo import undo as undo_last

    result, undone = undo_last(
        app.store(),
        UndoRequest(version_name, note, by=by, from_state=from_state, commit=not no_commit),
    )
    _report(app, result)
    app.info(f"undid {undone.action} ({undone.from_state} -> {undone.to_state}) by {undone.actor}")


@review.command("history")
@click.argument("version_name", metavar="[VERSION]", required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON: every field of every event.")
@common_options
@pass_app
def history(app: AppContext, version_name: str | None, as_json: bool) -> None:
    """List review events in order (of VERSION, or of all versions).

    An event that cannot be replayed is listed too, marked with why; `check`
    reports it as an error. An undo and the event it reverts are both listed.

    \b
    Examples:
      gap-analysis review history
      gap-analysis review history v0.2 --json
    """
    entries = review_history(app.store(), version_name)
    if as_json:
        print_json([entry.as_json() for entry in entries])
        return
    if not entries:
        app.info("no review events yet")
    for entry in entries:
        e = entry.event
        line = f"{e.date:%Y-%m-%d %H:%M}  {e.version}  {e.action:<7} {e.from_state} -> {e.to_state}  {e.actor}"
        if e.recorded_by:
            line += f" (recorded by {e.recorded_by})"
        if e.meeting:
            line += f"  [{e.meeting}]"
        if e.document:
            line += f"  doc {e.document}"
        if e.decided:
            line += f"  decided {e.decided.isoformat()}"
        click.echo(line)
        if e.undoes:
            click.echo(f"    undoes {e.undoes}")
        for name, old, new in entry.changes:
            click.echo(f"    {name}: {old or '(none)'} -> {new}")
        if e.note:
            click.echo(f"    note: {e.note}")
        if e.forced:
            click.echo("    forced past failed gates")
        if entry.problem:
            click.echo(f"    NOT REPLAYED ({e.path}): {entry.problem}")


COMMANDS: list[click.Command] = [review]
