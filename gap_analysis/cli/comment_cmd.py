"""`gap-analysis comment add|import|export|list|resolve`: reviewer comments and their disposition."""

from __future__ import annotations

from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json
from gap_analysis.cli.output_option import force_option
from gap_analysis.errors import UsageError
from gap_analysis.model.comment import DISPOSITIONS, Comment
from gap_analysis.model.wording import counted
from gap_analysis.services.comments.anchors import CommentPlace
from gap_analysis.services.comments.forms import FORMATS, form_format, read_form_bytes
from gap_analysis.services.comments.import_form import (
    CommentImportError,
    ImportOptions,
    import_file,
)
from gap_analysis.services.comments.judge_rows import RowOutcome
from gap_analysis.services.comments.register import (
    Listed,
    NewComment,
    add_comment,
    export_comments,
    list_comments,
    resolve_comment,
)
from gap_analysis.services.output import prepare_output, write_output

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
      gap-analysis comment resolve 1a2b --disposition accepted \\
          --reply "Done; see 5.3." --in v0.2
      gap-analysis comment export v0.1 -o v0.1-disposition.xlsx
      gap-analysis comment import v0.1 v0.1-disposition.xlsx   # dispositions read back
    """


@comment.command("add")
@click.argument("version")
@click.option(
    "--chapter", default="", help="Chapter id (see 'gap-analysis status'); none: a general comment."
)
@click.option(
    "--section",
    default="",
    help="Section number in VERSION (5.2) or its anchor; default: the chapter as a whole.",
)
@click.option(
    "--clause",
    default="",
    help="Instead of --chapter/--section: the clause as a reviewer names it "
    "(5.2, Annex A, Title, Foreword, Gap register, Table 3, General).",
)
@click.option("--line", type=click.IntRange(min=1), help="Line number, as a hint.")
@click.option(
    "--type",
    "kind",
    required=True,
    help="ge, te or ed, or General, Technical, Editorial (any case).",
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
    clause: str,
    line: int | None,
    kind: str,
    member: str,
    text: str,
    proposal: str,
    paragraph: str,
    no_commit: bool,
    as_json: bool,
) -> None:
    """Record one comment on VERSION (it prints the new comment's id).

    Without --chapter or --clause the comment is on the report as a whole.

    \b
    Examples:
      gap-analysis comment add v0.1 --chapter method --section scope --type TE \\
          --by "SG17 participant" --text "Name the IETF work."
      gap-analysis comment add v0.1 --clause Title --type editorial --by UK --text "Shorter."
      gap-analysis comment add v0.1 --type ge --by UK --text "Too long overall."
    """
    if clause and (chapter or section):
        raise UsageError("give either --clause or --chapter/--section, not both")
    if section and not chapter:
        raise UsageError("--section needs --chapter")
    new = NewComment(
        member,
        kind,
        text,
        chapter=chapter,
        section=section,
        line=line or 0,
        proposal=proposal,
        paragraph=paragraph,
        clause=clause,
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
@click.option("--dry-run", is_flag=True, help="Read and check the form; say what would change.")
@click.option(
    "--lenient",
    is_flag=True,
    help="A clause that names nothing in VERSION makes a general comment, with a warning.",
)
@click.option("--theirs", is_flag=True, help="On a conflict, the file's value wins.")
@click.option("--ours", is_flag=True, help="On a conflict, the register's value stays.")
@_NO_COMMIT
@common_options
@pass_app
def import_(
    app: AppContext,
    version: str,
    file: Path,
    dry_run: bool,
    lenient: bool,
    theirs: bool,
    ours: bool,
    no_commit: bool,
) -> None:
    """Import a comment form (.csv or .xlsx) on VERSION: all rows, or none.

    The columns of the ISO/ITU comment form are recognised whatever their case
    and punctuation (MB/NC, Ref, Line number, Clause/Subclause,
    Paragraph/Figure/Table, Type of comment, Comments, Proposed change,
    Observations of the secretariat); a `Chapter` column (chapter id) is
    optional. Clauses name sections (5.2, A.1, Annex A), parts (General or
    empty, Title, Cover, Foreword, Summary), the generated annexes (Gap
    register, Comments and their disposition, Changes: by letter or title)
    and tables or figures the report's captions number (Table 3). Every bad
    row is named by its row number, and nothing is imported until all rows
    are good. One commit for the whole form.

    A form that `comment export` wrote, filled in, is read back: rows with a
    `Comment id` update that comment's disposition, reply, observations and
    "resolved in"; rows without one are new comments. A field changed both in
    the file and in the register since the export is a conflict (nothing is
    written) unless --theirs or --ours says which wins.

    \b
    Examples:
      gap-analysis comment import v0.1 uk-comments.xlsx
      gap-analysis comment import v0.1 sg17-comments.csv --dry-run
      gap-analysis comment import v0.1 v0.1-disposition.csv --theirs
    """
    if theirs and ours:
        raise UsageError("give --theirs or --ours, not both")
    options = ImportOptions(
        lenient=lenient,
        prefer="theirs" if theirs else "ours" if ours else "",
        dry_run=dry_run,
        commit=not no_commit,
    )
    try:
        if file.suffix.lower() == ".docx":
            from gap_analysis.services.comments.word_import import import_word  # python-docx

            word = import_word(app.store(), version, read_form_bytes(file), str(file), options)
            result = word.result
            if word.already:
                click.echo(f"{file}: {word.already} already recorded (not added again)")
        else:
            result = import_file(app.store(), version, file, options)
    except CommentImportError as exc:
        for problem in exc.problems:
            click.echo(f"{file}: {problem}", err=True)
        if exc.conflicts:
            click.echo(
                "hint: --theirs takes the file's value, --ours keeps the register's", err=True
            )
        raise
    if result.recovered is not None:
        app.info(result.recovered.describe())
    if result.done_before:
        click.echo(f"{file} was the interrupted import; it is now complete")
        return
    for warning in result.warnings:
        click.echo(f"{file}: warning: {warning}", err=True)
    if dry_run:
        for outcome in result.outcomes:
            click.echo(_outcome(outcome))
    added, updated, same = (len(result.of(a)) for a in ("add", "update", "same"))
    done = (
        [("import", "imported", counted(added, "comment"))]
        if added or not (updated or same)
        else []
    )
    done += [("update", "updated", counted(updated, "comment"))] if updated else []
    done += [("leave", "left", f"{same} unchanged")] if same else []
    said = ", ".join(f"{verb if dry_run else past} {what}" for verb, past, what in done)
    tail = "" if dry_run or no_commit or not (added or updated) else "; committed"
    click.echo(f"{'would ' if dry_run else ''}{said} on {version}{tail}")


@comment.command("export")
@click.argument("version")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the form here (.csv: UTF-8 with a BOM; .xlsx: a workbook); "
    "default: CSV on standard output.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="csv or xlsx (default: from the -o file's extension, else csv).",
)
@force_option
@common_options
@pass_app
def export(
    app: AppContext, version: str, output: Path | None, fmt: str | None, force: bool
) -> None:
    """Write VERSION's comments as a comment form with disposition, reply and resolving version.

    The form can be filled in (dispositions, replies) and imported again: its
    `Comment id` and `Base` columns tell its rows and what changed since.
    Cells that a spreadsheet could take for a formula (starting with = + - @)
    get a leading quote in a CSV, which import takes off again; an .xlsx keeps
    them exactly, as text cells marked as Excel marks text typed after an
    apostrophe ('=x in Excel is the text =x, ''=x the text '=x). An -o path inside .git/
    is refused; over a file git tracks, only with --force.

    \b
    Examples:
      gap-analysis comment export v0.1 -o v0.1-disposition.xlsx
      gap-analysis comment export v0.1 -o v0.1-disposition.csv
    """
    fmt = fmt or (form_format(output.name) if output else "csv")
    store = app.store()
    if output is None:
        if fmt == "xlsx":
            raise UsageError("an .xlsx form needs -o FILE")
        click.echo(export_comments(store, version, bom=False).decode("utf-8"), nl=False)
        return
    prepare_output(store, output, force=force)
    data = export_comments(store, version, fmt)
    write_output(store, output, data, force=force)
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
    """Give comment ID its disposition and reply.

    ID is the full id or any unique start of its last part, as `comment list`
    shows it (an ambiguous one is refused with the candidates). --in names a
    version that exists, or the next one to be cut.

    \b
    Examples:
      gap-analysis comment resolve 1a2b --disposition accepted --reply "Done." --in v0.2
      gap-analysis comment resolve c-20250401100000-1a2b3c4d --disposition noted --reply "Noted."
    """
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


def _outcome(outcome: RowOutcome) -> str:
    c = outcome.comment
    if outcome.action == "add":
        ref = f" [{c.ref}]" if c.ref else ""
        return f"row {outcome.row}: add {c.type} comment by {c.member}{ref} on {c.where}"
    if outcome.action == "update":
        return f"row {outcome.row}: update {c.id}: {'; '.join(outcome.changes)}"
    return f"row {outcome.row}: {c.id} unchanged"


def _made_at(c: Comment) -> str:
    if c.part:
        return f"on {c.where}"
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
    where = place.label if c.chapter else c.where
    if place.found and place.moved:
        where += f" (was {c.section_number})"
    elif not place.found:
        where += f" (was {c.section_number} {c.section_title})"
    lines = [
        f"{item.short_id or c.id}  {c.version} @{c.stage}  {c.type}  {state}",
        f"    {where} | {c.member}" + (f" ({c.ref})" if c.ref else ""),
        *(f"    {line}" for line in c.comment.split("\n")),
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
        "clause": c.where,
        "ref": c.ref,
        "part": c.part,
        "order": c.order,
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
