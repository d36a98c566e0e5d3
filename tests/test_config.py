"""report.toml: every problem reported at once, with its line and a hint."""

from __future__ import annotations

import pytest

from gap_analysis.config import config_findings, parse_settings
from gap_analysis.errors import ConfigError
from gap_analysis.model.workflow import default_workflow

GOOD = """\
[report]
title = "A report"
group = "A group"
short_title = "Short"

[[people]]
name = "Ann"
email = "ann@example.org"
roles = ["editor"]
"""


def test_minimal_settings_and_defaults() -> None:
    settings = parse_settings(GOOD)
    assert settings.title == "A report"
    assert settings.running_title == "Short"
    assert settings.version_scheme == "v0.{n}"
    assert settings.workflow == default_workflow()
    assert [p.email for p in settings.editors] == ["ann@example.org"]
    assert settings.person("ANN@example.org") is not None


def test_unknown_key_has_line_and_hint() -> None:
    text = GOOD.replace('short_title = "Short"', 'shrot_title = "Short"')
    findings = config_findings(text)
    assert findings == [(4, "unknown key 'shrot_title' in [report] (did you mean 'short_title'?)")]
    with pytest.raises(ConfigError) as caught:
        parse_settings(text)
    assert str(caught.value).startswith("report.toml:4: unknown key 'shrot_title'")


def test_all_problems_at_once() -> None:
    text = GOOD.replace('title = "A report"\n', "").replace("ann@example.org", "not-an-address")
    messages = [m for _, m in config_findings(text)]
    assert "[report] needs 'title'" in messages
    assert "'not-an-address' is not an e-mail address" in messages


def test_invalid_toml_names_the_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings('[report]\ntitle = "x"\ngroup = \n')
    assert caught.value.line == 3


WORKFLOW = (
    GOOD
    + """
[workflow]
[[workflow.stages]]
id = "draft"
name = "Draft"

[[workflow.stages]]
id = "board"
name = "Board"

[[workflow.stages]]
id = "orphan"
name = "Orphan"

[[workflow.actions]]
name = "approve"
from = ["draft"]
to = "bord"
roles = ["chair"]
"""
)


def test_workflow_unknown_stage_role_and_unreachable_state() -> None:
    findings = dict((m, line) for line, m in config_findings(WORKFLOW))
    lines = WORKFLOW.splitlines()
    action_line = lines.index("[[workflow.actions]]") + 1
    assert (
        findings["action 'approve' names unknown stage 'bord' (did you mean 'board'?)"]
        == action_line
    )
    assert "action 'approve' names role 'chair' that no person in [[people]] holds" in findings
    orphan_line = [i for i, line in enumerate(lines, 1) if line == 'id = "orphan"'][0] - 1
    assert findings["stage 'orphan' cannot be reached from 'draft'"] == orphan_line
