"""`report.toml`'s schema is the settings dataclasses: keys, types and defaults come from their fields."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import pytest

from gap_analysis.config import config_findings, parse_settings
from gap_analysis.errors import ConfigError
from gap_analysis.model.people import Person
from gap_analysis.model.schema import NOT_IN_TOML, toml, toml_key, toml_keys
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.workflow import Action, Stage, Workflow

FULL = """\
[report]
title = "T"
group = "G"
short_title = "S"
language = "fr"
document = "TD69/P"
meeting = "Geneva"
study_period = "2025-2028"
questions = "Q15/17"
keywords = ["a", "b"]
abstract = "An abstract."

[versions]
scheme = "r{n}"

[chapters]
folder = "text"
order = ["b.md", "a.md"]

[gaps]
id_pattern = "X-[0-9]+"

[pdf]
watermark = false

[[people]]
name = "Ann"
email = "ann@example.org"
roles = "editor"
organization = "Org"
country = "CH"
"""


def test_every_key_fills_the_field_that_declares_it() -> None:
    settings = parse_settings(FULL)
    assert (settings.title, settings.group, settings.short_title) == ("T", "G", "S")
    assert (settings.language, settings.document, settings.meeting) == ("fr", "TD69/P", "Geneva")
    assert (settings.study_period, settings.questions) == ("2025-2028", "Q15/17")
    assert (settings.keywords, settings.abstract) == (("a", "b"), "An abstract.")
    assert (settings.version_scheme, settings.chapter_folder) == ("r{n}", "text")
    assert (settings.chapter_order, settings.gap_id_pattern) == (("b.md", "a.md"), "X-[0-9]+")
    assert settings.watermark is False
    assert settings.people == (Person("Ann", "ann@example.org", ("editor",), "Org", "CH"),)


def test_defaults_are_the_dataclass_defaults() -> None:
    settings = parse_settings('[report]\ntitle = "T"\ngroup = "G"\n')
    expected = ReportSettings(title="T", group="G")
    for f in fields(ReportSettings):
        assert getattr(settings, f.name) == getattr(expected, f.name), f.name


def test_known_keys_are_the_fields() -> None:
    """Every table's known keys, as the "did you mean" on an unknown key sees them."""
    assert {k.table or k.key for k in toml_keys(ReportSettings)} == {
        "report",
        "versions",
        "chapters",
        "gaps",
        "pdf",
        "words",
        "people",
        "workflow",
    }
    assert {k.key for k in toml_keys(Action)} == {
        "name",
        "from",
        "to",
        "roles",
        "gates",
        "note_required",
    }
    assert {k.key for k in toml_keys(Workflow)} == {"stages", "actions", "initial", "returned"}
    text = FULL.replace("[pdf]\nwatermark", "[pdf]\nwatermarks")
    line = text.splitlines().index("watermarks = false") + 1
    assert config_findings(text) == [
        (line, "unknown key 'watermarks' in [pdf] (did you mean 'watermark'?)")
    ]


def test_a_new_field_is_a_new_key() -> None:
    """The schema of any settings dataclass, as a new setting would declare it."""

    @dataclass
    class Example:
        needed: str
        size: bool = True
        names: tuple[str, ...] = field(default=(), metadata=toml("name-list", table="extra"))
        hidden: int = field(default=0, metadata=NOT_IN_TOML)
        optional: str = field(default="x", metadata=toml(optional=True))

    keys = {k.field: k for k in toml_keys(Example)}
    assert set(keys) == {"needed", "size", "names", "optional"}
    assert keys["needed"].required and keys["needed"].default == ""
    assert not keys["size"].required and keys["size"].default is True
    assert (keys["names"].key, keys["names"].table, keys["names"].is_array) == (
        "name-list",
        "extra",
        True,
    )
    assert toml_key(Stage, "name").required is False


@pytest.mark.parametrize(
    ("table", "key"), [("[[workflow.stages]]", "final"), ("[[workflow.actions]]", "note_required")]
)
def test_booleans_of_the_workflow_are_typed(table: str, key: str) -> None:
    """`final = "no"` once read as true (any non-empty value was); now it is refused."""
    text = FULL + (
        '\n[workflow]\n[[workflow.stages]]\nid = "draft"\n'
        '[[workflow.stages]]\nid = "returned"\nfinal = true\n'
        '[[workflow.actions]]\nname = "return"\nfrom = ["draft"]\nto = "returned"\n'
        'roles = ["editor"]\nnote_required = true\n'
    )
    assert parse_settings(text).workflow.stage("returned") == Stage(
        "returned", "returned", "", True
    )
    lines = text.splitlines()
    start = lines.index(table)
    at = next(n for n, line in enumerate(lines[start:], start + 1) if line.startswith(key))
    broken = "\n".join(
        line.replace("true", '"no"') if n == at else line for n, line in enumerate(lines, 1)
    )
    with pytest.raises(ConfigError) as caught:
        parse_settings(broken)
    assert caught.value.line == at
    assert caught.value.message == f"'{key}' must be true or false"
