"""`report.toml` -> `ReportSettings`.

All problems are collected and reported at once, each with its line in
`report.toml`, and unknown keys get a "did you mean" hint. `tomllib` gives no
line numbers, so lines are found again in the text by table and key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gap_analysis.errors import ConfigError, NotAReportError
from gap_analysis.model.people import Person
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import FileSource
from gap_analysis.model.wording import did_you_mean
from gap_analysis.model.workflow import KNOWN_GATES, Action, Stage, Workflow, default_workflow

REPORT_FILE = "report.toml"

_REPORT_KEYS = {
    "title",
    "short_title",
    "group",
    "language",
    "document",
    "meeting",
    "study_period",
    "questions",
    "keywords",
    "abstract",
}
_TOP_KEYS = {"report", "versions", "chapters", "gaps", "pdf", "people", "workflow"}
_SECTION_KEYS: dict[str, set[str]] = {
    "versions": {"scheme"},
    "chapters": {"folder", "order"},
    "gaps": {"id_pattern"},
    "pdf": {"watermark"},
}
_PERSON_KEYS = {"name", "email", "roles", "organization", "country"}
_WORKFLOW_KEYS = {"initial", "returned", "stages", "actions"}
_STAGE_KEYS = {"id", "name", "body", "final"}
_ACTION_KEYS = {"name", "from", "to", "roles", "gates", "note_required"}
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WORKFLOW_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,40}$")


@dataclass
class _Problem:
    line: int
    message: str


class _Lines:
    """Finds the line of a table or key in the TOML text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def table(self, name: str, index: int = 0) -> int:
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(name) + r"\s*\]\]?\s*(#.*)?$")
        hits = [n for n, line in enumerate(self.lines, 1) if pattern.match(line)]
        return hits[index] if index < len(hits) else 0

    def key(self, table: str, key: str, index: int = 0) -> int:
        """Line of `key = ...` inside the table (the top level when `table` is empty)."""
        start = self.table(table, index) if table else 0
        pattern = re.compile(r"^\s*\"?" + re.escape(key) + r"\"?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if line.lstrip().startswith("["):
                break
            if pattern.match(line):
                return number
        return start


class _Reader:
    def __init__(self, text: str) -> None:
        self.where = _Lines(text)
        self.problems: list[_Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(_Problem(line, message))

    def unknown_keys(
        self, data: Mapping[str, Any], known: set[str], table: str, index: int = 0
    ) -> None:
        for key in data:
            if key not in known:
                self.problem(
                    self.where.key(table, key, index),
                    f"unknown key '{key}' in [{table or 'top level'}]{did_you_mean(key, known)}",
                )

    def string(
        self,
        data: Mapping[str, Any],
        key: str,
        table: str,
        default: str = "",
        index: int = 0,
        required: bool = False,
    ) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(self.where.table(table, index), f"[{table}] needs '{key}'")
            return default
        if not isinstance(value, str):
            self.problem(self.where.key(table, key, index), f"'{key}' must be a string")
            return default
        return value

    def strings(
        self, data: Mapping[str, Any], key: str, table: str, index: int = 0
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(self.where.key(table, key, index), f"'{key}' must be a list of strings")
            return ()
        return tuple(value)

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(self.where.key("", key), f"'{key}' must be a table ([{key}])")
            return {}
        return value

    def tables(self, data: Mapping[str, Any], key: str, table_name: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(
                self.where.table(table_name),
                f"'{key}' must be an array of tables ([[{table_name}]])",
            )
            return []
        return value


def parse_settings(text: str, path: str = REPORT_FILE) -> ReportSettings:
    """Parse the text of `report.toml`; raise `ConfigError` naming every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            f"invalid TOML: {exc}", path=path, line=int(match.group(1)) if match else None
        ) from None
    reader = _Reader(text)
    settings = _settings(reader, data)
    if reader.problems:
        first = min(reader.problems, key=lambda p: p.line)
        others = len(reader.problems) - 1
        more = f" (and {others} more: run 'gap-analysis check')" if others else ""
        raise ConfigError(first.message + more, path=path, line=first.line or None)
    return settings


def config_findings(text: str) -> list[tuple[int, str]]:
    """Every problem of `report.toml` as (line, message), for `check`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return [(int(match.group(1)) if match else 1, f"invalid TOML: {exc}")]
    reader = _Reader(text)
    _settings(reader, data)
    return [(p.line, p.message) for p in reader.problems]


def _settings(reader: _Reader, data: Mapping[str, Any]) -> ReportSettings:
    reader.unknown_keys(data, _TOP_KEYS, "")
    report = reader.table(data, "report")
    reader.unknown_keys(report, _REPORT_KEYS, "report")
    sections = {name: reader.table(data, name) for name in _SECTION_KEYS}
    for name, table in sections.items():
        reader.unknown_keys(table, _SECTION_KEYS[name], name)
    title = reader.string(report, "title", "report", required=True)
    group = reader.string(report, "group", "report", required=True)
    scheme = reader.string(sections["versions"], "scheme", "versions", "v0.{n}")
    if "{n}" not in scheme:
        reader.problem(
            reader.where.key("versions", "scheme"), "'scheme' must contain '{n}', e.g. 'v0.{n}'"
        )
    pattern = reader.string(sections["gaps"], "id_pattern", "gaps", r"G-[A-Z]{2}-[0-9]{2}")
    try:
        re.compile(pattern)
    except re.error as exc:
        reader.problem(
            reader.where.key("gaps", "id_pattern"), f"'id_pattern' is not a valid pattern: {exc}"
        )
    watermark = sections["pdf"].get("watermark", True)
    if not isinstance(watermark, bool):
        reader.problem(reader.where.key("pdf", "watermark"), "'watermark' must be true or false")
        watermark = True
    people = _people(reader, reader.tables(data, "people", "people"))
    workflow = _workflow(reader, reader.table(data, "workflow"), people)
    return ReportSettings(
        title=title,
        group=group,
        short_title=reader.string(report, "short_title", "report"),
        language=reader.string(report, "language", "report", "en"),
        document=reader.string(report, "document", "report"),
        meeting=reader.string(report, "meeting", "report"),
        study_period=reader.string(report, "study_period", "report"),
        questions=reader.string(report, "questions", "report"),
        keywords=reader.strings(report, "keywords", "report"),
        abstract=reader.string(report, "abstract", "report"),
        version_scheme=scheme,
        chapter_folder=reader.string(sections["chapters"], "folder", "chapters", "chapters"),
        chapter_order=reader.strings(sections["chapters"], "order", "chapters"),
        gap_id_pattern=pattern,
        watermark=watermark,
        people=people,
        workflow=workflow,
    )


def _people(reader: _Reader, tables: list[Mapping[str, Any]]) -> tuple[Person, ...]:
    people = []
    for index, table in enumerate(tables):
        reader.unknown_keys(table, _PERSON_KEYS, "people", index)
        name = reader.string(table, "name", "people", index=index, required=True)
        email = reader.string(table, "email", "people", index=index, required=True)
        if email and not EMAIL_PATTERN.match(email):
            reader.problem(
                reader.where.key("people", "email", index), f"'{email}' is not an e-mail address"
            )
        roles = reader.strings(table, "roles", "people", index)
        people.append(
            Person(
                name,
                email,
                roles,
                reader.string(table, "organization", "people", index=index),
                reader.string(table, "country", "people", index=index),
            )
        )
    return tuple(people)


def _workflow(reader: _Reader, table: Mapping[str, Any], people: tuple[Person, ...]) -> Workflow:
    if not table:
        return default_workflow()
    reader.unknown_keys(table, _WORKFLOW_KEYS, "workflow")
    stage_tables = reader.tables(table, "stages", "workflow.stages")
    action_tables = reader.tables(table, "actions", "workflow.actions")
    default = default_workflow()
    stages: tuple[Stage, ...] = default.stages
    stage_lines: dict[str, int] = {}
    if stage_tables:
        built = []
        for index, st in enumerate(stage_tables):
            reader.unknown_keys(st, _STAGE_KEYS, "workflow.stages", index)
            line = reader.where.table("workflow.stages", index)
            stage_id = reader.string(st, "id", "workflow.stages", index=index, required=True)
            if stage_id and not WORKFLOW_NAME_PATTERN.match(stage_id):
                reader.problem(
                    line, f"stage id '{stage_id}' must be lowercase letters, digits and hyphens"
                )
            if stage_id in stage_lines:
                reader.problem(line, f"stage '{stage_id}' is defined twice")
            stage_lines[stage_id] = line
            built.append(
                Stage(
                    stage_id,
                    reader.string(st, "name", "workflow.stages", stage_id, index),
                    reader.string(st, "body", "workflow.stages", index=index),
                    bool(st.get("final", False)),
                )
            )
        stages = tuple(built)
    known_stages = {s.id for s in stages}
    actions: tuple[Action, ...] = default.actions
    if action_tables:
        built_actions = []
        for index, at in enumerate(action_tables):
            reader.unknown_keys(at, _ACTION_KEYS, "workflow.actions", index)
            line = reader.where.table("workflow.actions", index)
            name = reader.string(at, "name", "workflow.actions", index=index, required=True)
            froms = reader.strings(at, "from", "workflow.actions", index)
            to = reader.string(at, "to", "workflow.actions", index=index, required=True)
            gates = reader.strings(at, "gates", "workflow.actions", index)
            for state in (*froms, to):
                if state and state not in known_stages:
                    reader.problem(
                        line,
                        f"action '{name}' names unknown stage '{state}'{did_you_mean(state, known_stages)}",
                    )
            for gate in gates:
                if gate not in KNOWN_GATES:
                    reader.problem(
                        line,
                        f"action '{name}' names unknown gate '{gate}'{did_you_mean(gate, KNOWN_GATES)}",
                    )
            built_actions.append(
                Action(
                    name,
                    froms,
                    to,
                    reader.strings(at, "roles", "workflow.actions", index),
                    gates,
                    bool(at.get("note_required", False)),
                    line,
                )
            )
        actions = tuple(built_actions)
    known_roles = {role for person in people for role in person.roles}
    for action in actions:
        for role in action.roles:
            if people and role not in known_roles:
                reader.problem(
                    action.line or reader.where.table("workflow"),
                    f"action '{action.name}' names role '{role}' that no person in [[people]] holds"
                    f"{did_you_mean(role, known_roles)}",
                )
    initial = reader.string(table, "initial", "workflow", default.initial)
    returned = reader.string(table, "returned", "workflow", default.returned)
    for key, state in (("initial", initial), ("returned", returned)):
        if state not in known_stages:
            reader.problem(
                reader.where.key("workflow", key), f"'{key}' names unknown stage '{state}'"
            )
    workflow = Workflow(stages, actions, initial, returned, stage_lines=stage_lines)
    for stage in _unreachable(workflow):
        reader.problem(
            stage_lines.get(stage, reader.where.table("workflow")),
            f"stage '{stage}' cannot be reached from '{initial}'",
        )
    return workflow


def _unreachable(workflow: Workflow) -> list[str]:
    seen = {workflow.initial}
    frontier = [workflow.initial]
    while frontier:
        state = frontier.pop()
        for action in workflow.actions_from(state):
            if action.to not in seen:
                seen.add(action.to)
                frontier.append(action.to)
    return [s for s in workflow.stage_ids() if s not in seen]


def settings_of(files: FileSource, where: str) -> ReportSettings:
    """The snapshot's `report.toml`; where it has none, a one-line error that says how to start one.

    `where` names the snapshot in that error (the folder, or the revision).
    """
    try:
        raw = files.read(REPORT_FILE)
    except KeyError:
        raise NotAReportError(
            f"no {REPORT_FILE} in {where}; create a report with 'gap-analysis init DIR'"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 (byte {exc.start})", path=REPORT_FILE) from None
    return parse_settings(text, REPORT_FILE)
