"""The gap register as Markdown, CSV or JSON text (what `gaps --format` prints)."""

from __future__ import annotations

import csv
import io
import json

from gap_analysis.model.wording import counted, table_cell
from gap_analysis.services.gaps import GapRegister, RegisterEntry
from gap_analysis.services.spreadsheet_cells import neutralise

FORMATS = ("md", "csv", "json")
CSV_COLUMNS = (
    "id",
    "area",
    "existing",
    "gap",
    "action",
    "lead",
    "priority",
    "status",
    "chapter",
    "section",
    "section_title",
    "path",
    "line",
)


def _place(entry: RegisterEntry) -> str:
    return f"{entry.gap.section} {entry.section_title}".strip()


def as_markdown(register: GapRegister) -> str:
    lines = [f"# Gap register: {register.snapshot.label}", ""]
    if not register.entries:
        return "\n".join([*lines, "No gap entries.", ""])
    lines.append("| Id | Area | Gap | Recommended action | Lead | Priority | Status | Section |")
    lines.append("|---|---|---|---|---|---|---|---|")
    for entry in register.entries:
        gap = entry.gap
        cells = (
            gap.id,
            gap.area,
            gap.gap,
            gap.action,
            gap.lead,
            gap.priority or "",
            gap.status or "open",
            _place(entry),
        )
        lines.append("| " + " | ".join(table_cell(c) for c in cells) + " |")
    lines.append("")
    lines.append(f"{counted(len(register.entries), 'gap entry', 'gap entries')}.")
    return "\n".join(lines) + "\n"


def as_csv(register: GapRegister) -> str:
    """Comma-separated, CRLF; cells a spreadsheet could run as formulas are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in register.entries:
        data = entry.as_json()
        writer.writerow(
            [neutralise("" if data.get(c) is None else str(data.get(c, ""))) for c in CSV_COLUMNS]
        )
    return out.getvalue()


def as_json(register: GapRegister) -> str:
    info = register.snapshot
    data = {
        "snapshot": {
            "label": info.label,
            "ref": info.ref,
            "commit": info.commit,
            "working_tree": info.is_worktree,
        },
        "gaps": [entry.as_json() for entry in register.entries],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(register: GapRegister, fmt: str) -> str:
    if fmt == "csv":
        return as_csv(register)
    if fmt == "json":
        return as_json(register)
    return as_markdown(register)
