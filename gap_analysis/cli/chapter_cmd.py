"""`gap-analysis chapter`: the report's chapters (`chapter list`, `new`, `move`, `rename`)."""

from __future__ import annotations

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json, shown_path

_UNCOMMITTED = "Nothing is committed: check 'git status' and 'gap-analysis check', then commit."


@click.group()
@common_options
def chapter() -> None:
    """Chapters of the report."""


@chapter.command("new")
@click.argument("title")
@click.option("--id", "chapter_id", help="The chapter id (default: from the title, e.g. 'method').")
@click.option(
    "--owner",
    "owners",
    multiple=True,
    help="An owner of the chapter; repeat for more (default: git's user.name).",
)
@click.option("--annex", is_flag=True, help="An annex (numbered by letter) after the last one.")
@common_options
@pass_app
def chapter_new(
    app: AppContext, title: str, chapter_id: str | None, owners: tuple[str, ...], annex: bool
) -> None:
    """Create a chapter file with front matter and the next number; print its path.

    The file is chapters/NN-ID.md, NN one more than the highest numbered
    chapter (annexes such as A1-abbreviations.md stay after it), with front
    matter (id, title, owners, status: draft) and a '# TITLE' heading. With
    --annex it is chapters/L-ID.md, L the letter after the last annex's. The
    id must be lowercase letters, digits and hyphens and unique in the
    report. To put a chapter elsewhere, 'gap-analysis chapter move' it.

    Nothing is committed: edit the file, then commit it with git.

    \b
    Examples:
      gap-analysis chapter new "Landscape of existing standards"
      gap-analysis chapter new "Gaps" --id gaps --owner "A. Editor" --owner "B. Editor"
      gap-analysis chapter new "Terms of reference" --annex
    """
    from gap_analysis.services.new_chapter import new_chapter

    made = new_chapter(
        app.store(), title, chapter_id, list(owners) if owners else None, annex=annex
    )
    click.echo(shown_path(made.path))
    if made.note:
        click.echo(f"note: {made.note}", err=True)


@chapter.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the chapters as a JSON array.")
@common_options
@pass_app
def chapter_list(app: AppContext, as_json: bool) -> None:
    """List the chapters in report order: number, id, title, file, owners, status, words.

    \b
    Examples:
      gap-analysis chapter list
      gap-analysis chapter list --json | jq -r '.[] | select(.status == "draft") | .id'
    """
    from gap_analysis.services.chapters.listing import list_chapters

    rows = list_chapters(app.store())
    if as_json:
        print_json([row.as_json() for row in rows])
        return
    for row in rows:
        owners = ", ".join(row.owners) or "-"
        shown = row.problem or f"{row.words} words, {row.status or 'no status'}, {owners}"
        click.echo(f"{row.number:>3}  {row.id or '?':<24} {row.title}  ({row.path}; {shown})")


@chapter.command("move")
@click.argument("chapter_id", metavar="ID")
@click.option(
    "--to", "to", metavar="N", help="The new place: a chapter number, or an annex letter."
)
@click.option("--before", "before", metavar="ID", help="Put it just before this chapter.")
@click.option("--after", "after", metavar="ID", help="Put it just after this chapter.")
@common_options
@pass_app
def chapter_move(
    app: AppContext, chapter_id: str, to: str | None, before: str | None, after: str | None
) -> None:
    """Move a chapter to another place; the chapters between are renumbered.

    Chapter files are renamed with 'git mv' (03-method.md -> 02-method.md), so
    their ids, and the comments that name them, stay as they are; links
    between chapters name files, so every link to a renamed file is
    updated. Prints each change. Refused while the chapter folder has
    uncommitted changes, so the move never mixes with your own edits.

    \b
    Examples:
      gap-analysis chapter move summary --to 1
      gap-analysis chapter move method --after scope
      gap-analysis chapter move terms --to B        # annexes take letters
    """
    from gap_analysis.services.chapters.move import move_chapter

    lines = move_chapter(app.store(), chapter_id, to=to, before=before, after=after)
    for line in lines:
        click.echo(line)
    if len(lines) > 1 or "nothing changed" not in lines[0]:
        click.echo(_UNCOMMITTED, err=True)


@chapter.command("rename")
@click.argument("chapter_id", metavar="ID")
@click.argument("new_id", metavar="NEW-ID")
@common_options
@pass_app
def chapter_rename(app: AppContext, chapter_id: str, new_id: str) -> None:
    """Give a chapter a new id; links, [chapters] order and comments follow.

    The front matter's id changes; a file named after the old id is renamed
    with 'git mv' (03-method.md -> 03-approach.md, keeping its number), every
    link to it is updated, and comment records that name the chapter name the
    new id. Prints each change. Refused while the chapter folder or those
    records have uncommitted changes.

    \b
    Examples:
      gap-analysis chapter rename method approach
    """
    from gap_analysis.services.chapters.rename import rename_chapter

    for line in rename_chapter(app.store(), chapter_id, new_id):
        click.echo(line)
    click.echo(_UNCOMMITTED, err=True)


COMMANDS: list[click.Command] = [chapter]
