"""`gap-analysis build`: the versioned PDF of a revision or of the working tree."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app
from gap_analysis.cli.output_option import force_option
from gap_analysis.cli.progress import progress_for
from gap_analysis.errors import UsageError
from gap_analysis.model.build import VARIANTS, BuildExtras
from gap_analysis.services.output import prepare_output
from gap_analysis.services.snapshots import resolve

MAX_AUTO_JOBS = 8
"""The most workers `--jobs 0` starts: each holds its own fonts and pages (20-40 MB), and a
report's parts are too few and too uneven for more to help much."""


def auto_jobs() -> int:
    """`--jobs 0`: one worker per CPU, at least 2 (so that a one-CPU machine makes the bytes
    every other machine makes) and at most `MAX_AUTO_JOBS`."""
    return min(max(os.cpu_count() or 1, 2), MAX_AUTO_JOBS)


@click.command("build")
@click.argument("rev", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF (default: dist/<short-title>-<version or commit>.pdf).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(("pdf", "docx")),
    default="pdf",
    show_default=True,
    help="docx: a Word document (ITU TD cover, Word styles, contents field, footnotes, "
    "bookmarked gap entries) from the same parse as the PDF.",
)
@click.option(
    "--variant",
    type=click.Choice(VARIANTS),
    help="pdf/ua-1: tagged, accessible PDF; pdf/a-3u: archival PDF with the Markdown "
    "sources and report.toml attached.",
)
@click.option(
    "--no-watermark", is_flag=True, help="Leave out the DRAFT watermark (published versions)."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail on any refused reference (image outside the report, missing file) or "
    "unusable content instead of warning and leaving it out.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Lay the PDF (or write the DOCX) out again even if an identical build is cached.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the assembled HTML here (for debugging the layout).",
)
@click.option("--html-only", is_flag=True, help="With --html: write only the HTML, no PDF.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    envvar="GAP_ANALYSIS_JOBS",
    show_envvar=True,
    help="Processes that lay out chapters side by side (default 0: one per CPU, at least "
    f"2 and at most {MAX_AUTO_JOBS}; 1: the whole report in one process). The PDF has the "
    "same pages, text, links, outline and fonts either way; its bytes are the same for "
    "every N but 1, so the default gives the same PDF on every machine. --variant builds "
    "are always laid out in one process.",
)
@force_option
@click.option(
    "--redline-against",
    metavar="OLD",
    help="A redline against OLD: insertions and deletions marked, change bars "
    "(the same PDF as `diff OLD REV --format pdf`).",
)
@common_options
@pass_app
def build(
    app: AppContext,
    rev: str | None,
    output: Path | None,
    variant: str | None,
    no_watermark: bool,
    strict: bool,
    no_cache: bool,
    html_path: Path | None,
    html_only: bool,
    force: bool,
    redline_against: str | None,
    output_format: str,
    jobs: int,
) -> None:
    """Build the report's PDF and print its path.

    REV is any git revision (a commit, branch or tag); without it, the working
    tree is built and labelled as a working draft with its short commit id
    (and "-dirty" in the file name when it has uncommitted changes). Old
    revisions are read from git objects, never checked out.

    The same revision and options always give a byte-identical PDF; an
    unchanged build is copied from dist/.cache/.

    Images must be files of the report at that revision. A reference to
    anything else (an absolute path, a path leaving the repository, a URL, a
    device, a symlink pointing outside) is refused: the image is left out and a
    warning names file, line and reference; --strict makes it an error.

    \b
    Examples:
      gap-analysis build                         the working draft
      gap-analysis build v0.3 -o TD-v0.3.pdf     an old revision
      gap-analysis build --variant pdf/a-3u      archival, sources attached
      gap-analysis build HEAD~1 --strict         fail on any refused reference
      gap-analysis build v0.3 --redline-against v0.2
      gap-analysis build v0.3 --format docx -o TD-v0.3.docx
      gap-analysis build --jobs 1                one process (a 1-CPU machine)
    """
    store = app.store()
    if output_format == "docx":  # before the PDF's modules load: a Word build never needs them
        if variant or html_path is not None or html_only or redline_against is not None:
            raise UsageError(
                "--format docx does not go with --variant, --html, --html-only or --redline-against"
            )
        if output is not None:
            prepare_output(store, output, force=force)  # -o judged before the work, as for PDFs
        _build_docx(app, rev, output, strict, not no_cache)
        return
    from gap_analysis.services.build.pdf import build_html, build_pdf

    if redline_against is not None:
        if no_watermark:
            raise UsageError("--redline-against does not go with --no-watermark")
        from gap_analysis.services.build import redline  # the diff engine only when asked for

        if html_only:
            if html_path is None:
                raise UsageError("--html-only needs --html PATH")
            _outcome, redline_extras = redline.redline_build_extras(store, redline_against, rev)
            click.echo(str(build_html(store, rev, html_path, redline_extras)))
            return
        redlined = redline.redline_pdf(
            store,
            redline_against,
            rev,
            output,
            variant=variant,
            strict=strict,
            use_cache=not no_cache,
            html_output=html_path,
            force=force,
        )
        for warning in redlined.warnings:
            click.echo(f"warning: {warning}", err=True)
        app.info(
            f"{redlined.pages} pages, redline of {redlined.info.label} against {redline_against}"
        )
        click.echo(str(redlined.path))
        return
    # a version's PDF says where it stands today (cover, document history, no watermark once published)
    version = resolve(store, rev).version if rev else None
    extras = None
    if version:
        from gap_analysis.services.review.standing import (
            extras_for,  # review records only for versions
        )

        extras = extras_for(store, version)
    if no_watermark:
        extras = replace(extras or BuildExtras(), watermark=False)
    if html_only:
        if html_path is None:
            raise UsageError("--html-only needs --html PATH")
        click.echo(str(build_html(store, rev, html_path, extras, force=force)))
        return
    with progress_for(app) as progress:
        result = build_pdf(
            store,
            rev,
            output,
            variant,
            extras,
            strict=strict,
            use_cache=not no_cache,
            html_output=html_path,
            progress=progress,
            force=force,
            jobs=jobs or auto_jobs(),
        )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    app.info(
        f"{result.pages} pages, {result.info.label}" + (" (from cache)" if result.cached else "")
    )
    click.echo(str(result.path))


def _build_docx(
    app: AppContext, rev: str | None, output: Path | None, strict: bool, use_cache: bool
) -> None:
    from gap_analysis.services.build.word import build_docx  # python-docx only when asked for

    store = app.store()
    info = resolve(store, rev) if rev else None
    extras = None
    if info is not None and info.version:
        from gap_analysis.services.review.standing import extras_for

        extras = extras_for(store, info.version)
    result = build_docx(store, rev, output, extras, strict=strict, use_cache=use_cache, info=info)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    app.info(f"DOCX of {result.info.label}" + (" (from cache)" if result.cached else ""))
    click.echo(str(result.path))


COMMANDS: list[click.Command] = [build]
