"""`gap-analysis init`: a new report repository."""

from __future__ import annotations

from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, shown_path
from gap_analysis.services.init_report import DEFAULT_GROUP, init_report


@click.command()
@click.argument("folder", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="The report's title (default: from DIR's name).")
@click.option("--group", help=f'The group that writes it (default: "{DEFAULT_GROUP}").')
@common_options
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
    click.echo(shown_path(result.root))
    app.info(f"created a report with {len(result.files)} files, first commit {result.commit[:10]}")
    app.info(
        f'next: cd {shown_path(result.root)} && gap-analysis chapter new "Method" && gap-analysis build'
    )


COMMANDS: list[click.Command] = [init]
