"""`gap-analysis comment add|import|export|list|resolve`: reviewer comments and their disposition."""

from __future__ import annotations

from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json
from gap_analysis.errors import ContentError
from gap_analysis.model.comment import COMMENT_TYPES, DISPOSITIONS, Comment
from gap_analysis.model.wording import counted
from gap_analysis.records.files import write_text_atomic
from gap_analysis.services.comments.anchors import CommentPlace
from gap_analysis.services.comments.register import (
    CommentImportError,
    Listed,
    NewComment,
    add_comment,
    export_comments,
    import_comments,
    list_comments,
    resolve_comment,
)

_NO_COMMIT = click.option(
    "--no-commit",
    is_flag=True,
    help="Write the record files but do not commit them (commit them yourself).",
)


@click.group("comment")
@common_options
def comment() -> None:
    """Reviewer comments on a version, and their disposition.

    Comments use the fields of the ISO/ITU comment form (member body, clause,
    line, type ge/te/ed, comment, proposed change) and are kept one file each
    under review/comments/VERSION/, committed as they are recorded. A comment
    points at a chapter id and a section anchor, so it follows its section
    when later versions renumber or move it.

    \b
    Examples:
      gap-analysis comment add v0.1 --chapter gaps --section 5.3 --type te \\
          --by "CG-COP participant" --text "G-AA-02 should name the IETF work." \\
          --proposal "Cite the IETF work on age signals."
      gap-analysis comment import v0.1 sg17-comments.csv
      gap-analysis comment list v0.1 --open
      gap-analysis comment resolve c-20250401100000-1a2b3c4d --disposition accepted \\
          --reply "Done; see 5.3." --in v0.2
      gap-analysis comment export v0.1 -o v0.1-disposition.csv
    """


@comment.command("add")
@click.argument("version")
@click.option("--chapter", required=True, help="Chapter id (see 'gap-analysis status').")
@click.option(
    "--section",
    default="",
    help="Section number in VERSION (5.2) or its anchor; default: the chapter as a whole.",
)
@click.option("--line", type=click.IntRange(min=1), help="Line number, as a hint.")
@click.option(
    "--type",
    "kind",
    required=True,
    type=click.Choice(COMMENT_TYPES),
    help="ge (general), te (technical) or ed (editorial).",
)
@click.option(
    "--by", "member", required=True, help="The member body or participant making the comment."
)
@click.option("--text", required=True, help="The comment.")
@click.option("--proposal", default="", help="The proposed change.")
@click.option("--paragraph", default="", help="Paragraph, figure or table.")
@_NO_COMMIT
@click.option("--json", "as_json", is_flag=True, help="Print the recorded comment as JSON.")
@common_options
@pass_app
def add(
    app: AppContext,
    version: str,
    chapter: str,
    section: str,
    line: int | None,
    kind: str,
    member: str,
    text: str,
    proposal: str,
    paragraph: str,
    no_commit: bool,
    as_json: bool,
) -> None:
    """Record one comment on VERSION (it prints the new comment's id)."""
    new = NewComment(
        member,
        kind,
        text,
        chapter=chapter,
        section=section,
        line=line or 0,
        proposal=proposal,
        paragraph=paragraph,
    )
    recorded = add_comment(app.store(), version, new, commit=not no_commit)
    if as_json:
        print_json(_json(recorded, None))
        return
    click.echo(recorded.id)
    app.info(
        f"recorded {recorded.type} comment on {recorded.version} ({recorded.stage}), "
        f"{_made_at(recorded)}{'' if no_commit else '; committed'}"
    )


@comment.command("import")
@click.argument("version")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Read and check the form; record nothing.")
@_NO_COMMIT
@common_options
@pass_app
def import_(app: AppContext, version: str, file: Path, dry_run: bool, no_commit: bool) -> None:
    """Import the comments of a comment form (CSV) on VERSION: all rows, or none.

    The columns of the ISO/ITU comment form are recognised whatever their case
    and punctuation (MB/NC, Line number, Clause/Subclause,
    Paragraph/Figure/Table, Type of comment, Comments, Proposed change,
    Observations of the secretariat); a `Chapter` column (chapter id) is
    optional. Clauses such as 5.2 or A.1 name sections of VERSION; "general"
    or an empty clause is a comment on the whole report. Comma, semicolon or
    tab separated; UTF-8 with or without a BOM. Every bad row is named by its
    row number (the header row of a plain export is row 1), and nothing is
    imported until all rows are good. One commit for the whole form.
    """
    try:
        recorded = import_comments(
            app.store(),
            version,
            file.read_bytes(),
            str(file),
            commit=not no_commit,
            dry_run=dry_run,
        )
    except CommentImportError as exc:
        for problem in exc.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path=str(file)) from None
    verb = "would import" if dry_run else "imported"
    tail = "" if dry_run or no_commit else "; committed"
    click.echo(f"{verb} {counted(len(recorded), 'comment')} on {version}{tail}")


@comment.command("export")
@click.argument("version")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV here (UTF-8 with a BOM, for spreadsheets); default: standard output.",
)
@common_options
@pass_app
def export(app: AppContext, version: str, output: Path | None) -> None:
    """Write VERSION's comments as a comment form with disposition, reply and resolving version."""
    text = export_comments(app.store(), version)
    if output is None:
        click.echo(text, nl=False)
        return
    write_text_atomic(output, "\ufeff" + text)
    app.info(f"wrote {output}")


@comment.command("list")
@click.argument("version", required=False)
@click.option("--open", "open_only", is_flag=True, help="Only comments without a disposition.")
@click.option("--at", "at", help="Place comments in this revision (default: the working tree).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@common_options
@pass_app
def list_(
    app: AppContext, version: str | None, open_only: bool, at: str | None, as_json: bool
) -> None:
    """List comments (of VERSION, or all), each under the section where it stands now.

    A section renumbered or moved since the comment was made is shown with its
    new number ("was 5.2"); one that is gone is marked "(place lost)".
    """
    listed = list_comments(app.store(), version, open_only=open_only, at=at)
    if as_json:
        print_json([_json(item.comment, item.place) for item in listed])
        return
    if not listed:
        app.info("no comments" + (" open" if open_only else ""))
        return
    for item in listed:
        click.echo(_text(item))


@comment.command("resolve")
@click.argument("comment_id", metavar="ID")
@click.option("--disposition", required=True, type=click.Choice(DISPOSITIONS))
@click.option("--reply", required=True, help="The reply to the commenter.")
@click.option(
    "--in", "in_version", help="The version whose text carries the change (may be cut later)."
)
@click.option("--by", help="Who resolves it (default: git's user.email).")
@click.option("--force", is_flag=True, help="Change the disposition of a comment already resolved.")
@_NO_COMMIT
@common_options
@pass_app
def resolve(
    app: AppContext,
    comment_id: str,
    disposition: str,
    reply: str,
    in_version: str | None,
    by: str | None,
    force: bool,
    no_commit: bool,
) -> None:
    """Give comment ID its disposition and reply."""
    resolved = resolve_comment(
        app.store(),
        comment_id,
        disposition,
        reply,
        in_version=in_version,
        force=force,
        by=by,
        commit=not no_commit,
    )
    where = f" in {resolved.resolved_in}" if resolved.resolved_in else ""
    click.echo(f"{resolved.id}: {disposition}{where}")


def _made_at(c: Comment) -> str:
    if not c.chapter:
        return "on the report as a whole"
    return f"on {c.section_number} {c.section_title} ({c.chapter}{'#' + c.section if c.section else ''})"


def _text(item: Listed) -> str:
    c, place = item.comment, item.place
    state = (
        c.disposition + (f" in {c.resolved_in}" if c.resolved_in else "")
        if c.disposition
        else "open"
    )
    where = place.label if c.chapter else "general"
    if place.found and place.moved:
        where += f" (was {c.section_number})"
    elif not place.found:
        where += f" (was {c.section_number} {c.section_title})"
    lines = [
        f"{c.id}  {c.version} @{c.stage}  {c.type}  {state}",
        f"    {where} | {c.member}",
        f"    {c.comment}",
    ]
    if c.proposal:
        lines.append(f"    proposed: {c.proposal}")
    if c.reply:
        lines.append(f"    reply: {c.reply}")
    return "\n".join(lines)


def _json(c: Comment, place: CommentPlace | None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": c.id,
        "version": c.version,
        "stage": c.stage,
        "date": c.date.isoformat(),
        "member": c.member,
        "type": c.type,
        "chapter": c.chapter,
        "section": c.section,
        "section_number": c.section_number,
        "section_title": c.section_title,
        "line": c.line,
        "clause": c.where if c.chapter else "general",
        "paragraph": c.paragraph,
        "comment": c.comment,
        "proposal": c.proposal,
        "observations": c.observations,
        "open": c.is_open,
        "disposition": c.disposition,
        "reply": c.reply,
        "resolved_in": c.resolved_in,
        "resolved_by": c.resolved_by,
        "path": c.path,
    }
    if place is not None:
        data["now"] = {
            "chapter": place.chapter,
            "number": place.number,
            "title": place.title,
            "found": place.found,
            "moved": place.moved,
            "reason": place.reason,
        }
    return data


COMMANDS: list[click.Command] = [comment]
