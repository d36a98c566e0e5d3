"""`gap-analysis chapter`: the report's chapters (`chapter new`)."""

from __future__ import annotations

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, shown_path
from gap_analysis.services.new_chapter import new_chapter


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
@common_options
@pass_app
def chapter_new(
    app: AppContext, title: str, chapter_id: str | None, owners: tuple[str, ...]
) -> None:
    """Create a chapter file with front matter and the next number; print its path.

    The file is chapters/NN-ID.md, NN one more than the highest numbered
    chapter (annexes such as A1-abbreviations.md stay after it), with front
    matter (id, title, owners, status: draft) and a '# TITLE' heading. The id
    must be lowercase letters, digits and hyphens and unique in the report.

    Nothing is committed: edit the file, then commit it with git.

    \b
    Examples:
      gap-analysis chapter new "Landscape of existing standards"
      gap-analysis chapter new "Gaps" --id gaps --owner "A. Editor" --owner "B. Editor"
    """
    made = new_chapter(app.store(), title, chapter_id, list(owners) if owners else None)
    click.echo(shown_path(made.path))
    if made.note:
        click.echo(f"note: {made.note}", err=True)


COMMANDS: list[click.Command] = [chapter]
