"""`gap-analysis packet`: the meeting packet of a version."""

from __future__ import annotations

from pathlib import Path

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app
from gap_analysis.cli.output_option import force_option
from gap_analysis.cli.progress import progress_for


@click.command("packet")
@click.argument("version")
@click.option(
    "--against",
    metavar="OLD",
    help="Show the changes against OLD (default: the version before VERSION).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF (default: dist/<short-title>-<VERSION>-packet.pdf).",
)
@click.option(
    "--docx",
    "with_docx",
    is_flag=True,
    help="Also write the report and its revision marks against OLD as Word files beside the PDF.",
)
@force_option
@common_options
@pass_app
def packet(
    app: AppContext,
    version: str,
    against: str | None,
    output: Path | None,
    with_docx: bool,
    force: bool,
) -> None:
    """Build the meeting packet of VERSION and print its path.

    One PDF for delegates: a TD-style cover (document number, meeting,
    Questions, source, purpose, contact, keywords, abstract, from the version
    record and report.toml; fields that are not recorded are left out), the
    change summary since the previous version with a chart of words in and
    out per chapter, the report, the redline against that version, and the
    comment disposition. Page numbers run through the packet and each part
    has a bookmark.

    \b
    Examples:
      gap-analysis packet v0.3                       changes since v0.2
      gap-analysis packet v0.3 --against v0.1        changes since v0.1
      gap-analysis packet v0.3 -o SG17-TD345.pdf
      gap-analysis packet v0.3 --docx                also TD.docx and its revision marks
    """
    from gap_analysis.services.build.packet import make_packet

    with progress_for(app) as progress:
        result = make_packet(app.store(), version, against, output, progress, force=force)
    for warning in result.build.warnings:
        click.echo(f"warning: {warning}", err=True)
    app.info(
        f"{result.pages} pages, {version}"
        + (f" against {result.against}" if result.against else "")
    )
    click.echo(str(result.path))
    if with_docx:
        from gap_analysis.services.build.packet_word import packet_docx  # python-docx on demand

        for written in packet_docx(app.store(), result):
            for warning in written.warnings:
                click.echo(f"warning: {warning}", err=True)
            click.echo(str(written.path))


COMMANDS: list[click.Command] = [packet]
