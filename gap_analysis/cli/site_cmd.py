"""`gap-analysis site`: the static archive of every version."""

from __future__ import annotations

from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json
from gap_analysis.cli.progress import progress_for
from gap_analysis.model.wording import counted
from gap_analysis.services.site import DEFAULT_FOLDER, build_site, default_pdf


@click.command("site")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help=f"The folder to write the site into (default: {DEFAULT_FOLDER} in the report).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that holds files the site did not write (they are kept).",
)
@click.option(
    "--no-pdf", is_flag=True, help="Leave out the PDFs (faster; the pages still link each other)."
)
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@common_options
@pass_app
def site(app: AppContext, output: Path | None, force: bool, no_pdf: bool, as_json: bool) -> None:
    """Write a static archive of every version and print the path of its index.html.

    For each version: a reading view (review path, contents, chapters, gap
    register, review history), its PDF, and the change summary and redline
    against the version before. Also the newest gap register and every
    comment with its disposition. The pages need no JavaScript and link each
    other relatively, so the folder can be opened from disk or copied to any
    static host (GitHub Pages, GitLab Pages, a web server).

    The site remembers the files it wrote (.gap-analysis-site.json); a rerun
    replaces those and removes the ones no longer needed. It refuses a folder
    with other files unless --force, and never deletes files it did not write.

    \b
    Examples:
      gap-analysis site                      into dist/site/
      gap-analysis site -o public            for GitLab Pages
      gap-analysis site -o _site --no-pdf    pages only, quickly
    """
    store = app.store()
    with progress_for(app) as progress:
        result = build_site(
            store, output, force=force, pdf=None if no_pdf else default_pdf, progress=progress
        )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        print_json(
            {
                "folder": str(result.folder),
                "index": str(result.index),
                "versions": result.versions,
                "written": result.written,
                "removed": result.removed,
                "warnings": result.warnings,
            }
        )
        return
    app.info(
        f"{counted(len(result.versions), 'version')}, "
        f"{len(result.written)} files written"
        + (f", {len(result.removed)} old files removed" if result.removed else "")
    )
    click.echo(str(result.index))


COMMANDS: list[click.Command] = [site]
