"""`gap-analysis status`: the chapters, their owners, words and last change, and the working tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app, print_json
from gap_analysis.model.wording import counted

if TYPE_CHECKING:
    from gap_analysis.services.status import StatusReport


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_status(status: StatusReport) -> list[str]:
    lines = [status.title, status.group, ""]
    tree = "dirty" if status.dirty else "clean"
    changed = f" ({counted(len(status.changed_files), 'changed file')})" if status.dirty else ""
    lines.append(
        f"working tree: {status.branch or '(detached HEAD)'} at {status.short_head}, {tree}{changed}"
    )
    if status.version is not None:
        state = f", {status.state}" if status.state else ""
        standing = str(status.extra.get("standing", ""))
        told = status.meeting and (
            status.meeting in standing or status.meeting.split(", ", 1)[-1] in standing
        )
        meeting = f" ({status.meeting})" if status.meeting and not told else ""  # once
        lines.append(f"version: {status.version}{state}{meeting}")
    if status.open_comments is not None:
        lines.append(f"open comments: {status.open_comments}")
    for key, value in status.extra.items():
        lines.append(f"{key}: {value}")
    lines.append("")
    rows = [["", "id", "title", "owners", "words", "last change"]]
    for chapter in status.chapters:
        if chapter.last_change is None:
            last = "not committed"
        else:
            change = chapter.last_change
            last = f"{change.short} {change.date.date().isoformat()} {change.author}"
        if chapter.modified:
            last += " (modified)"
        title = (
            chapter.title
            if not chapter.problem
            else f"{chapter.title} [unreadable: {chapter.problem}]"
        )
        rows.append(
            [
                chapter.number,
                chapter.id or "?",
                _clip(title, 40),
                _clip(", ".join(chapter.owners), 28),
                f"{chapter.words:,}",
                last,
            ]
        )
    rows.append(["", "", "", "total", f"{status.words:,}", ""])
    lines.extend(_table(rows, right={4}))
    return lines


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as a JSON object.")
@common_options
@pass_app
def status(app: AppContext, as_json: bool) -> None:
    """Where the report stands: chapters and the working tree.

    For each chapter: its number, id, title, owners, words (of the text, not
    the markup or code) and last change (commit, date, author; found in one
    git log pass), marked "(modified)" when the working tree changes it. Also
    the branch, HEAD, and whether the working tree is clean.

    \b
    Examples:
      gap-analysis status
      gap-analysis status --json | jq '.chapters[] | {id, words}'
    """
    from gap_analysis.services.status import report_status

    report = report_status(app.store())
    if as_json:
        print_json(report.as_json())
        return
    for line in render_status(report):
        click.echo(line)


COMMANDS: list[click.Command] = [status]
