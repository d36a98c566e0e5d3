"""Every key of `report.toml`, from the settings dataclasses: the guide's table and `init`'s file.

The keys, types, defaults and required keys come from `model.schema.toml_keys`
(the same source `config.py` reads the file with); only the one-line notes
are written here. `docs/authoring.md` holds the table `key_table()` makes
(a test compares them) and `init` writes `report_toml()`, which lists every
key, commented where optional; a new setting without a note fails the tests.
"""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass
from typing import Any

from gap_analysis.model.people import Person
from gap_analysis.model.schema import TomlKey, toml_keys
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.workflow import Action, Stage, Workflow, default_workflow

GUIDE = "docs/authoring.md"

NOTES = {
    "report.title": "The report's title, on the cover and in the PDF's properties.",
    "report.group": "The group that prepares it, on the cover.",
    "report.short_title": "Running header and file names (default: the title).",
    "report.language": "ITU language of the words around the text: en, fr, es, ru, ar, zh.",
    "report.document": "Document number for builds that are not a version (a version's own wins).",
    "report.meeting": "Meeting for builds that are not a version (a version's own wins).",
    "report.study_period": "Study period on the cover, e.g. 2025-2028.",
    "report.questions": "Questions on the cover, e.g. Q15/17.",
    "report.keywords": "Keywords on the cover and in the PDF's properties.",
    "report.abstract": "Abstract on the cover.",
    "versions.scheme": "How version names are made; {n} is the version's number.",
    "chapters.folder": "The folder holding the chapter files.",
    "chapters.order": "Chapter file names in order; left out: by file name (01-, 02-, ... A-).",
    "gaps.id_pattern": "Regular expression every gap id must match in full.",
    "pdf.watermark": "DRAFT across every page until a version is published.",
    "words.figure": "The word of figure captions and references (empty: the language's).",
    "words.table": "The word of table captions and references (empty: the language's).",
    "words.clause": "The word of references to a clause (empty: the language's).",
    "words.annex": "The word of references to an annex (empty: the language's).",
    "people.name": "A person who may act on the review path.",
    "people.email": "Their e-mail, which names them when they act (git's user.email by default).",
    "people.roles": "Their roles: editor, and the stages whose decisions they record.",
    "people.organization": "Their organization (shown with their name).",
    "people.country": "Their country.",
    "workflow.stages.id": "A stage ([[workflow.stages]]; none: the default review path's).",
    "workflow.stages.name": "Its display name (default: the id).",
    "workflow.stages.body": "The body behind it, e.g. ITU-T Study Group 17.",
    "workflow.stages.final": "No action leads out of it (published, returned).",
    "workflow.actions.name": "An action ([[workflow.actions]]; none: the default path's).",
    "workflow.actions.from": "The stages it may be taken from.",
    "workflow.actions.to": "The stage it leads to.",
    "workflow.actions.roles": "Roles that may take it (empty: anyone listed).",
    "workflow.actions.gates": "What must hold: check, no-open-comments, clean-tree.",
    "workflow.actions.note_required": "The action needs a note saying why, as return does.",
    "workflow.initial": "The stage a new version starts in.",
    "workflow.returned": "The stage a returned version is in; its successor resumes there.",
}
"""One line per key, by dotted path (`people.email`: a key of each `[[people]]` table)."""


@dataclass(frozen=True)
class KeyRow:
    path: str
    """Dotted: `report.title`, `people.email`, `workflow.stages.id`."""
    key: TomlKey
    array: bool
    """A key of an array of tables (`[[people]]`)."""


def key_rows(cls: type = ReportSettings, prefix: str = "") -> list[KeyRow]:
    """Every key of `cls`'s tables, depth first, in field order."""
    rows: list[KeyRow] = []
    for key in toml_keys(cls):
        table = ".".join(p for p in (prefix, key.table) if p)
        path = f"{table}.{key.key}" if table else key.key
        if key.item is not None:
            rows += [
                KeyRow(r.path, r.key, r.array or key.is_array) for r in key_rows(key.item, path)
            ]
        else:
            rows.append(KeyRow(path, key, False))
    return rows


def _type(kind: Any) -> str:
    if typing.get_origin(kind) is tuple:
        return "list of text"
    return {str: "text", bool: "true or false"}.get(kind, str(kind))


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _default(row: KeyRow) -> str:
    return "required" if row.key.required else f"`{_literal(row.key.default)}`"


def key_table() -> str:
    """The Markdown table of every key, for `docs/authoring.md`."""
    lines = ["| key | type | default | what it is |", "|---|---|---|---|"]
    for row in key_rows():
        lines.append(
            f"| `{row.path}` | {_type(row.key.type)} | {_default(row)} | {NOTES.get(row.path, '')} |"
        )
    return "\n".join(lines) + "\n"


def _line(row: KeyRow, value: Any, *, commented: bool, noted: bool = True) -> str:
    text = f"{'# ' if commented else ''}{row.key.key} = {_literal(value)}"
    if not noted:
        return text
    return f"{text}  # {'required: ' if row.key.required else ''}{NOTES.get(row.path, '')}"


def report_toml(title: str, group: str, person: Person) -> str:
    """A new report's `report.toml`: every key, the optional ones commented with their default.

    Uncommenting every `# key = value` line gives a file that sets every key
    to its default (the workflow to the default review path), so the file is
    also the reference of what may be set.
    """
    given: dict[str, Any] = {
        "report.title": title,
        "report.group": group,
        "report.language": "en",
        "versions.scheme": "v0.{n}",
    }
    rows = key_rows()
    out = [
        "# The report's settings. Every key is listed; a line '# key = value' is optional and",
        f"# shows its default. The authoring guide, {GUIDE} in the gap-analysis sources",
        "# ('gap-analysis --help' names it), explains each key.",
    ]
    table = ""
    for row in rows:
        if row.array or row.path.startswith("workflow."):
            continue
        here = row.path.rsplit(".", 1)[0]
        if here != table:
            out += ["", f"[{here}]"]
            table = here
        value = given.get(row.path, row.key.default)
        out.append(_line(row, value, commented=row.path not in given and not row.key.required))
    out += [
        "",
        "# The people who may act on the review path. Roles: editor (cuts and submits",
        "# versions), cg-cop, sg17, cwg-cop (record the decisions of those bodies).",
        "[[people]]",
    ]
    for row in (r for r in rows if r.path.startswith("people.")):
        value = getattr(person, row.key.field)
        out.append(_line(row, value, commented=not row.key.required and not value))
    out += ["", *_workflow_lines(rows)]
    return "\n".join(out) + "\n"


def _workflow_lines(rows: list[KeyRow]) -> list[str]:
    """The default review path, commented out: uncommented, it is the same path."""
    workflow = default_workflow()
    by_path = {r.path: r for r in rows}
    lines = [
        "# The review path. Left out, it is the default one below (draft -> CG-COP -> SG17",
        "# -> CWG-COP -> published); uncomment and change it to define another.",
        "# [workflow]",
    ]
    for key in toml_keys(Workflow):
        if key.item is None:
            row = by_path[f"workflow.{key.key}"]
            lines.append(_line(row, getattr(workflow, key.field), commented=True))
    for name, items, cls in (
        ("stages", workflow.stages, Stage),
        ("actions", workflow.actions, Action),
    ):
        for index, item in enumerate(items):
            lines += ["#", f"# [[workflow.{name}]]"]
            for key in toml_keys(cls):
                row = by_path[f"workflow.{name}.{key.key}"]
                value = getattr(item, key.field)
                lines.append(_line(row, value, commented=True, noted=index == 0))
    return lines
