"""`report.toml` -> `ReportSettings`.

All problems are collected and reported at once, each with its line in
`report.toml`, and unknown keys get a "did you mean" hint. `tomllib` gives no
line numbers, so lines are found again in the text by table and key.

The keys, their types and defaults are not listed here: they are the fields of
the settings dataclasses (`model.schema.toml_keys`). This module adds what a
type cannot say (an e-mail address, a stage that exists, a reachable path).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gap_analysis.errors import ConfigError, NotAReportError
from gap_analysis.model.id_patterns import pattern_problem
from gap_analysis.model.paths import normalize
from gap_analysis.model.people import Person
from gap_analysis.model.schema import TomlKey, toml_key, toml_keys
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import FileSource
from gap_analysis.model.wording import did_you_mean
from gap_analysis.model.workflow import (
    AMEND,
    KNOWN_GATES,
    RESERVED_ACTIONS,
    Action,
    Stage,
    Workflow,
    default_workflow,
)

REPORT_FILE = "report.toml"
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

    def value(self, data: Mapping[str, Any], key: TomlKey, table: str, index: int = 0) -> Any:
        """The value of a string, boolean or string-list key, or its default (a problem noted
        when it is required and missing, or of the wrong type)."""
        value = data.get(key.key)
        if value is None:
            if key.required:
                self.problem(self.where.table(table, index), f"[{table}] needs '{key.key}'")
            return key.default
        if key.type == tuple[str, ...]:  # one string is a list of one
            if isinstance(value, str):
                return (value,)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return tuple(value)
            message = f"'{key.key}' must be a list of strings"
        elif key.type is bool:
            if isinstance(value, bool):
                return value
            message = f"'{key.key}' must be true or false"
        elif key.type is str:
            if isinstance(value, str):
                return value
            message = f"'{key.key}' must be a string"
        else:  # a new field of another type needs its check here first
            raise TypeError(f"no report.toml reader for {key.field}: {key.type}")
        self.problem(self.where.key(table, key.key, index), message)
        return key.default

    def fields(
        self, data: Mapping[str, Any], keys: Sequence[TomlKey], table: str, index: int = 0
    ) -> dict[str, Any]:
        """One table read by the keys a dataclass declares: unknown keys named, every key's
        field given (its default where left out or wrong)."""
        self.unknown_keys(data, {k.key for k in keys}, table, index)
        return {k.field: self.value(data, k, table, index) for k in keys if k.item is None}

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
    keys = toml_keys(ReportSettings)
    reader.unknown_keys(data, {k.table or k.key for k in keys}, "")
    values: dict[str, Any] = {}
    for name in dict.fromkeys(k.table for k in keys if k.table):  # [report], [versions]...
        values |= reader.fields(
            reader.table(data, name), [k for k in keys if k.table == name], name
        )
    scheme = toml_key(ReportSettings, "version_scheme")
    if "{n}" not in values[scheme.field]:
        reader.problem(
            reader.where.key(scheme.table, scheme.key),
            f"'{scheme.key}' must contain '{{n}}', e.g. '{scheme.default}'",
        )
    pattern = toml_key(ReportSettings, "gap_id_pattern")
    problem = pattern_problem(values[pattern.field])  # invalid, or able to backtrack for ever
    if problem:
        reader.problem(
            reader.where.key(pattern.table, pattern.key), f"'{pattern.key}' is {problem}"
        )
    people = toml_key(ReportSettings, "people").key
    values["people"] = _people(reader, reader.tables(data, people, people))
    workflow = toml_key(ReportSettings, "workflow").key
    values["workflow"] = _workflow(reader, reader.table(data, workflow), values["people"])
    return ReportSettings(**values)


def _people(reader: _Reader, tables: list[Mapping[str, Any]]) -> tuple[Person, ...]:
    table = toml_key(ReportSettings, "people").key
    people = []
    for index, data in enumerate(tables):
        values = reader.fields(data, toml_keys(Person), table, index)
        email = values["email"]
        if email and not EMAIL_PATTERN.fullmatch(email):
            reader.problem(
                reader.where.key(table, "email", index), f"'{email}' is not an e-mail address"
            )
        people.append(Person(**values))
    return tuple(people)


def _stages(reader: _Reader, tables: list[Mapping[str, Any]], name: str) -> tuple[Stage, ...]:
    """`[[workflow.stages]]`, each id well formed and defined once; a stage's name is its id
    unless given."""
    stages = []
    seen: set[str] = set()
    for index, data in enumerate(tables):
        values = reader.fields(data, toml_keys(Stage), name, index)
        line = reader.where.table(name, index)
        stage_id = values["id"]
        if stage_id and not WORKFLOW_NAME_PATTERN.fullmatch(stage_id):
            reader.problem(
                line, f"stage id '{stage_id}' must be lowercase letters, digits and hyphens"
            )
        if stage_id in seen:
            reader.problem(line, f"stage '{stage_id}' is defined twice")
        seen.add(stage_id)
        if not isinstance(data.get("name"), str):
            values["name"] = stage_id
        stages.append(Stage(**values))
    return tuple(stages)


def _actions(
    reader: _Reader, tables: list[Mapping[str, Any]], name: str, known_stages: set[str]
) -> tuple[Action, ...]:
    """`[[workflow.actions]]`, naming only stages and gates that exist."""
    actions = []
    for index, data in enumerate(tables):
        values = reader.fields(data, toml_keys(Action), name, index)
        line = reader.where.table(name, index)
        action = Action(**values, line=line)
        if action.name in RESERVED_ACTIONS:
            reader.problem(
                line,
                f"'{action.name}' is "
                + (
                    "the event 'version amend' records"
                    if action.name == AMEND
                    else "a review command of its own"
                )
                + ", not a name for an action",
            )
        for state in (*action.from_states, action.to):
            if state and state not in known_stages:
                reader.problem(
                    line,
                    f"action '{action.name}' names unknown stage '{state}'"
                    f"{did_you_mean(state, known_stages)}",
                )
        for gate in action.gates:
            if gate not in KNOWN_GATES:
                reader.problem(
                    line,
                    f"action '{action.name}' names unknown gate '{gate}'"
                    f"{did_you_mean(gate, KNOWN_GATES)}",
                )
        actions.append(action)
    return tuple(actions)


def _workflow(reader: _Reader, table: Mapping[str, Any], people: tuple[Person, ...]) -> Workflow:
    if not table:
        return default_workflow()
    name = toml_key(ReportSettings, "workflow").key
    keys = toml_keys(Workflow)
    values = reader.fields(table, keys, name)
    default = default_workflow()
    stages_key, actions_key = toml_key(Workflow, "stages"), toml_key(Workflow, "actions")
    stage_tables = reader.tables(table, stages_key.key, f"{name}.{stages_key.key}")
    action_tables = reader.tables(table, actions_key.key, f"{name}.{actions_key.key}")
    stages = _stages(reader, stage_tables, f"{name}.{stages_key.key}") or default.stages
    stage_lines = {  # a stage defined twice keeps the line of its last definition
        s.id: reader.where.table(f"{name}.{stages_key.key}", index)
        for index, s in enumerate(stages)
        if stage_tables
    }
    known_stages = {s.id for s in stages}
    actions = (
        _actions(reader, action_tables, f"{name}.{actions_key.key}", known_stages)
        or default.actions
    )
    known_roles = {role for person in people for role in person.roles}
    for action in actions:
        for role in action.roles:
            if people and role not in known_roles:
                reader.problem(
                    action.line or reader.where.table(name),
                    f"action '{action.name}' names role '{role}' that no person in [[people]] holds"
                    f"{did_you_mean(role, known_roles)}",
                )
    for key in ("initial", "returned"):
        state = values[key]
        if state not in known_stages:
            reader.problem(
                reader.where.key(name, toml_key(Workflow, key).key),
                f"'{key}' names unknown stage '{state}'",
            )
    workflow = Workflow(
        stages, actions, values["initial"], values["returned"], stage_lines=stage_lines
    )
    for stage in _unreachable(workflow):
        reader.problem(
            stage_lines.get(stage, reader.where.table(name)),
            f"stage '{stage}' cannot be reached from '{workflow.initial}'",
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


def chapter_folder(settings: ReportSettings) -> str:
    """`[chapters] folder` as a repository path; refused when it leaves the repository."""
    folder = normalize(settings.chapter_folder.strip("/"))
    if folder is None:
        raise ConfigError(
            f"[chapters] folder '{settings.chapter_folder}' is not a folder of the repository",
            path=REPORT_FILE,
        )
    return folder
