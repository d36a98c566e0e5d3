"""`gap-analysis init` (a new report repository) and `gap-analysis chapter new` (a new chapter file)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, pass_app
from gap_analysis.services.init_report import DEFAULT_GROUP, init_report
from gap_analysis.services.new_chapter import new_chapter


def _shown(path: Path) -> str:
    """`path` relative to the current folder when it lies below it, else absolute."""
    here = Path.cwd()
    return os.path.relpath(path, here) if path == here or here in path.parents else str(path)


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The report's title (default: from DIR's name).")
@click.option("--group", help=f'The group that writes it (default: "{DEFAULT_GROUP}").')
@pass_app
def init(app: AppContext, folder: Path, title: str | None, group: str | None) -> None:
    """Create a new report repository in DIR and make its first commit.

    Writes report.toml (you, from git's user.name and user.email, as the
    first editor with every role of the default review path), a first
    chapter chapters/01-introduction.md, the review/ folders and a
    .gitignore for dist/, runs git init when DIR is not a repository yet,
    and commits those files only. The new report checks and builds at once.

    Refuses, changing nothing, when DIR already holds a report.toml or is a
    git repository whose HEAD has one, and when git's user.name or
    user.email is unset (it prints the git config commands to run).

    \b
    Examples:
      gap-analysis init cop-report
      gap-analysis init cop-report --title "Gap analysis of COP standards" \\
          --group "ITU-T SG17 CG-COP"
      cd cop-report && gap-analysis build
    """
    result = init_report(folder, title, group)
    click.echo(_shown(result.root))
    app.info(f"created a report with {len(result.files)} files, first commit {result.commit[:10]}")
    app.info(
        f'next: cd {_shown(result.root)} && gap-analysis chapter new "Method" && gap-analysis build'
    )


@click.group()
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
    click.echo(_shown(made.path))
    if made.note:
        click.echo(f"note: {made.note}", err=True)


COMMANDS: list[click.Command] = [init, chapter]
