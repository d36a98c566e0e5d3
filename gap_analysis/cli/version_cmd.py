"""`gap-analysis version cut|list|amend|tag`: named, frozen versions of the report."""

from __future__ import annotations

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json


@click.group("version")
@common_options
def version() -> None:
    """Cut, list and tag versions.

    A version is the commit that adds review/versions/NAME.toml; the annotated
    tag NAME mirrors it. Any command that takes a revision also takes a version
    name, or a baseline such as @sg17 (the last version SG17 agreed).

    \b
    Examples:
      gap-analysis version cut --meeting "CG-COP e-meeting" --purpose "For agreement"
      gap-analysis version list
      gap-analysis version amend v0.3 --document "SG17-TD123" --note "TD number assigned"
      gap-analysis version tag --repair
    """


@version.command("cut")
@click.argument("name", required=False)
@click.option(
    "--meeting",
    default="",
    help="The meeting the version is for, e.g. 'SG17, Geneva, 8-17 April 2025'.",
)
@click.option("--document", default="", help="Its document number at that meeting (free form).")
@click.option("--purpose", default="", help="Why it is cut, e.g. 'For agreement'.")
@click.option("--sign", is_flag=True, help="Sign the tag with your GPG key (git tag -s).")
@click.option("--no-build", is_flag=True, help="Do not build the version's PDF.")
@common_options
@pass_app
def cut(
    app: AppContext,
    name: str | None,
    meeting: str,
    document: str,
    purpose: str,
    sign: bool,
    no_build: bool,
) -> None:
    """Cut version NAME (default: the next in the scheme: v0.1, v0.2, ...).

    Takes the repository lock, refuses a working tree with uncommitted or
    untracked files, runs check and refuses on errors; then writes
    review/versions/NAME.toml, commits it, tags it NAME and builds its PDF
    into dist/. If a cut is interrupted (a crash, a kill), running
    'version cut' again completes it; it never makes two versions of one name.

    NAME: letters, digits, '.', '_' and '-' (capitals too: FINAL), not a name
    git keeps for itself (HEAD, FETCH_HEAD, any name ending in _HEAD), not a
    branch's, and not one that differs from an existing version only by case
    (Final beside FINAL: one file on macOS and Windows).

    \b
    Examples:
      gap-analysis version cut --meeting "CG-COP e-meeting" --document "CG-COP draft"
      gap-analysis version cut v1.0 --purpose "For publication" --sign
    """
    from gap_analysis.services.review import versions
    from gap_analysis.services.review.cut_journal import CutRequest

    builder: versions.Builder | None = None
    if not no_build:  # the PDF's annexes (changes, comments, review path) only when building
        from gap_analysis.services.review.standing import build_version

        builder = build_version
    result = versions.cut(
        app.store(),
        CutRequest(name, meeting, document, purpose, sign, not no_build),
        builder=builder,
        progress=app.info,
    )
    verb = "completed the cut of" if result.resumed else "cut"
    click.echo(
        f"{verb} {result.version.name} at {result.version.commit[:10]}"
        + (f" for {result.version.meeting}" if result.version.meeting else "")
    )
    if result.pdf is not None:
        click.echo(str(result.pdf))


@version.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON: every field of every version.")
@common_options
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List versions: name, date, commit, state, meeting, document number, tag status.

    \b
    Examples:
      gap-analysis version list
      gap-analysis version list --json
    """
    from gap_analysis.services.review import versions

    rows = versions.rows(app.store())
    if as_json:
        print_json([r.as_json() for r in rows])
        return
    if not rows:
        app.info("no versions yet: cut one with 'gap-analysis version cut'")
        return
    table = [("NAME", "DATE", "COMMIT", "STATE", "MEETING", "DOCUMENT", "TAG")]
    for r in rows:
        v = r.version
        table.append(
            (
                v.name + ("*" if r.amendments else ""),
                v.date.strftime("%Y-%m-%d"),
                v.commit[:10] or "-",
                r.state,
                v.meeting or "-",
                v.document or "-",
                r.tag,
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if any(r.amendments for r in rows):
        click.echo("* amended after the cut: 'gap-analysis review history VERSION' shows how")


@version.command("amend")
@click.argument("name", metavar="VERSION")
@click.option("--document", default="", help="The new document number, e.g. 'SG17-TD123'.")
@click.option("--meeting", default="", help="The new meeting the version is for.")
@click.option("--purpose", default="", help="The new purpose, e.g. 'For agreement'.")
@click.option("--note", required=True, help="Why the record changes (required).")
@click.option("--by", default="", help="Who amends it (default: git's user.email).")
@click.option("--no-commit", is_flag=True, help="Write the event file but do not commit it.")
@common_options
@pass_app
def amend(
    app: AppContext,
    name: str,
    document: str,
    meeting: str,
    purpose: str,
    note: str,
    by: str,
    no_commit: bool,
) -> None:
    """Amend a version's document number, meeting or purpose after the cut.

    The version record is never edited: the amendment is an event in
    review/events/ (who, when, why, the new values), committed alone. The
    cover, the packet, 'version list' and the site show the new values; the
    PDF's file name changes with the record, and 'review history' shows what
    changed. The person must be listed in report.toml [[people]].

    \b
    Examples:
      gap-analysis version amend v0.3 --document "SG17-TD123" --note "TD number assigned"
      gap-analysis version amend v0.3 --meeting "SG17, Geneva, 8-17 April 2025" --note "moved"
    """
    from gap_analysis.services.review.amend import AmendRequest, amend_version

    done = amend_version(
        app.store(),
        AmendRequest(name, note, document, meeting, purpose, by, commit=not no_commit),
    )
    for field_name, old, new in done.changes:
        click.echo(f"{name}: {field_name}: {old or '(none)'} -> {new}")
    event = done.result.event
    committed = f" (commit {done.result.commit[:10]})" if done.result.commit else " (not committed)"
    click.echo(f"recorded {event.path}{committed}")


@version.command("tag")
@click.argument("names", nargs=-1)
@click.option("--repair", is_flag=True, help="Create missing tags and move moved ones back.")
@click.option("--sign", is_flag=True, help="Sign the tags it creates.")
@common_options
@pass_app
def tag(app: AppContext, names: tuple[str, ...], repair: bool, sign: bool) -> None:
    """Report versions whose tag is missing or moved; --repair restores them from the records.

    Exit 1 when a tag is off and --repair is not given.

    \b
    Examples:
      gap-analysis version tag
      gap-analysis version tag --repair v0.2
    """
    from gap_analysis.services.review import versions

    store = app.store()
    if repair:
        done = versions.repair_tags(store, list(names), sign)
        for name, what in done:
            click.echo(f"{name}: tag {what}")
        if not done:
            app.info("every tag matches its version")
        return
    off = [
        r for r in versions.rows(store) if r.tag != "ok" and (not names or r.version.name in names)
    ]
    for r in off:
        where = f" (points at {r.tag_commit[:10]})" if r.tag == "moved" and r.tag_commit else ""
        click.echo(f"{r.version.name}: tag {r.tag}{where}")
    if off:
        app.info("run 'gap-analysis version tag --repair' to restore them")
        click.get_current_context().exit(1)
    app.info("every tag matches its version")


COMMANDS: list[click.Command] = [version]
