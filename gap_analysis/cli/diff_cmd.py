"""`gap-analysis diff`: what changed between two snapshots."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app
from gap_analysis.cli.output_option import stdout_or_file
from gap_analysis.diff import formats
from gap_analysis.errors import UsageError

if TYPE_CHECKING:
    from gap_analysis.services.diff import DiffOutcome

DIFF_FORMATS = ("text", "md", "json", "html", "pdf", "docx")
_STYLES = {
    "title": {"bold": True},
    "chapter": {"bold": True, "fg": "cyan"},
    "section": {"bold": True},
    "meta": {"fg": "yellow"},
    "del": {"fg": "red", "strikethrough": True},
    "ins": {"fg": "green", "underline": True},
}


def _terminal_style(role: str, text: str) -> str:
    return click.style(text, **_STYLES.get(role, {}))  # type: ignore[arg-type]


def _render(outcome: DiffOutcome, fmt: str, colour: bool) -> str:
    result = outcome.result
    if fmt == "json":
        return json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        return formats.markdown(result)
    return formats.text(result, _terminal_style if colour else formats.plain)


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
    help="text (coloured on a terminal), md (CriticMarkup), json, html (the newer report as a "
    "web page, changes marked), pdf (the same as its build, changes marked, change bars) or "
    "docx (the newer report as Word with native tracked changes: Accept all gives NEW, "
    "Reject all OLD).",
)
@stdout_or_file
@click.option("--chapter", metavar="ID", help="Only this chapter (its id in either snapshot).")
@click.option(
    "--changed-only",
    is_flag=True,
    help="pdf, html: only the chapters and sections that changed, with their numbers.",
)
@click.option(
    "--exit-code", is_flag=True, help="Exit 1 when there are differences, as `git diff` does."
)
@common_options
@pass_app
def diff_command(
    app: AppContext,
    old: str,
    new: str | None,
    fmt: str,
    output: Path | None,
    force: bool,
    chapter: str | None,
    changed_only: bool,
    exit_code: bool,
) -> None:
    """Show what changed from OLD to NEW, chapter by chapter and section by section.

    OLD and NEW are version names, git revisions or @stage baselines (@sg17:
    the last version SG17 agreed); NEW defaults to the working tree. Changes
    are added, removed, modified, moved (a section or block that changed
    place), renamed (a heading that changed) and formatting (emphasis or a
    link target, same words). Re-wrapping a paragraph is no change.

    \b
    Examples:
      gap-analysis diff v0.1                  v0.1 against the working tree
      gap-analysis diff v0.1 v0.2 --format md -o changes.md
      gap-analysis diff @sg17 HEAD --format html -o redline.html
      gap-analysis diff v0.2 --chapter method --format json
      gap-analysis diff v0.1 v0.2 --format pdf --changed-only -o redline.pdf
      gap-analysis diff HEAD --exit-code -q   exit 1 if the working tree differs
      gap-analysis diff v0.1 v0.2 --format docx -o TD-v0.2-revision-marks.docx
    """
    from gap_analysis.services.diff import diff
    from gap_analysis.services.output import prepare_output, write_output

    if chapter is not None and not chapter.strip():
        raise UsageError("--chapter needs a chapter id")
    if changed_only and fmt not in ("pdf", "html"):
        raise UsageError("--changed-only goes with --format pdf or html")
    if fmt == "pdf":
        from gap_analysis.services.build.redline import (
            redline_pdf,  # the PDF engine only when asked for
        )

        built = redline_pdf(
            app.store(),
            old,
            new,
            output,
            chapter=chapter,
            changed_only=changed_only,
            force=force,
        )
        for warning in built.warnings:
            click.echo(f"warning: {warning}", err=True)
        app.info(f"wrote {built.path} ({built.pages} pages)")
        if output is None:
            click.echo(str(built.path))
        if exit_code and diff(app.store(), old, new, chapter).result.has_changes:
            click.get_current_context().exit(1)
        return
    if output is not None:
        prepare_output(app.store(), output, force=force)
    if fmt == "html":
        from gap_analysis.services.build.redline import redline_html_page

        outcome, page, warnings = redline_html_page(
            app.store(), old, new, chapter=chapter, changed_only=changed_only
        )
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        if output is not None:
            write_output(app.store(), output, page.encode("utf-8"), force=force)
            app.info(f"wrote {output} ({outcome.result.headline})")
        else:
            click.echo(page, nl=False)
        if exit_code and outcome.result.has_changes:
            click.get_current_context().exit(1)
        return
    if fmt == "docx":
        from gap_analysis.services.build.word_redline import redline_docx  # python-docx on demand

        written, changed = redline_docx(app.store(), old, new, output, chapter=chapter)
        for warning in written.warnings:
            click.echo(f"warning: {warning}", err=True)
        app.info(f"wrote {written.path} (tracked changes against {old})")
        if output is None:
            click.echo(str(written.path))
        if exit_code and changed:
            click.get_current_context().exit(1)
        return
    outcome = diff(app.store(), old, new, chapter)
    colour = output is None and fmt == "text" and sys.stdout.isatty()
    rendered = _render(outcome, fmt, colour)
    if output is not None:
        write_output(app.store(), output, rendered.encode("utf-8"), force=force)
        app.info(f"wrote {output} ({formats.headline(outcome.result)})")
    else:
        click.echo(rendered, nl=False)
    if exit_code and outcome.result.has_changes:
        click.get_current_context().exit(1)


COMMANDS: list[click.Command] = [diff_command]
