"""The authoring guide and `init`'s report.toml cannot go stale: both come from the settings dataclasses.

`docs/authoring.md` holds the key table `report_keys.key_table()` makes from
the dataclasses (and so every key, its type and default); `init` writes a
report.toml that lists every key, and uncommenting its optional lines gives a
file that sets every key and that the tool reads.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from gap_analysis.config import parse_settings
from gap_analysis.model.chapter import KNOWN_FRONT_MATTER_KEYS
from gap_analysis.model.gap import GAP_FIELDS
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.workflow import default_workflow
from gap_analysis.services.report_keys import NOTES, key_rows, key_table
from tests.helpers import ROOT, CliInvoke, git

GUIDE = ROOT / "docs" / "authoring.md"


def _has(data: dict[str, Any], path: str) -> bool:
    """Whether the parsed TOML `data` sets the dotted `path` (in every table of an array)."""
    head, _, rest = path.partition(".")
    if head not in data:
        return False
    value = data[head]
    if not rest:
        return True
    tables = value if isinstance(value, list) else [value]
    return bool(tables) and all(isinstance(t, dict) and _has(t, rest) for t in tables)


def test_every_key_of_the_dataclasses_is_in_the_guide_with_its_type_and_default() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    table = re.search(r"<!-- report-keys:[^\n]*-->\n(.*?)<!-- end report-keys -->", text, re.S)
    assert table is not None, "the guide lost its report-keys markers"
    assert table.group(1) == key_table(), (
        "docs/authoring.md's key table is stale; paste in the output of "
        "python -c 'from gap_analysis.services.report_keys import key_table; print(key_table(), end=\"\")'"
    )
    paths = [row.path for row in key_rows()]
    for path in paths:
        assert f"| `{path}` |" in text, path
    assert {"report.title", "report.abstract", "people.email", "workflow.actions.from"} <= set(
        paths
    )


def test_every_key_has_a_note_and_every_note_a_key() -> None:
    assert set(NOTES) == {row.path for row in key_rows()}


def test_the_guide_covers_front_matter_and_gap_fields() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for key in KNOWN_FRONT_MATTER_KEYS:
        assert f"| `{key}` |" in text, key
    for name in GAP_FIELDS:
        assert f"| `{name}` |" in text, name
    for heading in (
        "## Footnotes",
        "## Images",
        "## Tables",
        "## Gap entries",
        "## Editor's notes",
    ):
        assert heading in text
    assert "## Captions and cross-references" in text


def test_init_writes_every_key_and_uncommented_it_still_reads(
    tmp_path: Path, cli: CliInvoke
) -> None:
    target = tmp_path / "new-report"
    result = cli(None, "init", str(target), "--title", "T", "--group", "G")
    assert result.exit_code == 0, result.output
    text = (target / "report.toml").read_text(encoding="utf-8")
    assert "docs/authoring.md" in text and "README" not in text
    written = tomllib.loads(text)
    required = [r.path for r in key_rows() if r.key.required and not r.path.startswith("workflow.")]
    assert all(_has(written, path) for path in required), required
    uncommented = re.sub(r"(?m)^# (\[|[a-z_]+ = )", r"\1", text)
    full = tomllib.loads(uncommented)
    missing = [r.path for r in key_rows() if not _has(full, r.path)]
    assert missing == []
    settings = parse_settings(uncommented)
    defaults = ReportSettings(title="T", group="G")
    default = default_workflow()
    assert settings.workflow.stages == default.stages
    assert [replace(a, line=0) for a in settings.workflow.actions] == list(default.actions)
    assert (settings.workflow.initial, settings.workflow.returned) == ("draft", "returned")
    for name in ("short_title", "keywords", "chapter_order", "gap_id_pattern", "watermark"):
        assert getattr(settings, name) == getattr(defaults, name), name


def test_init_first_chapter_shows_a_gap_entry_a_figure_and_references(
    tmp_path: Path, cli: CliInvoke
) -> None:
    target = tmp_path / "new-report"
    assert cli(None, "init", str(target)).exit_code == 0
    gaps = cli(target, "gaps", "--format", "csv")
    assert gaps.exit_code == 0, gaps.output
    assert "G-XX-01" in gaps.stdout and "medium" in gaps.stdout
    chapter = (target / "chapters" / "01-introduction.md").read_text(encoding="utf-8")
    assert "```gap\nid: G-XX-01\n" in chapter and "[G-XX-01](#G-XX-01)" in chapter
    assert ": An example table {#tbl-example}" in chapter and "@tbl-example" in chapter
    assert "{#fig-review-path}" in chapter and "@fig-review-path" in chapter
    assert cli(target, "check", "--strict").exit_code == 0
    assert git(target, "status", "--porcelain") == ""
    pdf = target / "first.pdf"
    built = cli(target, "build", "-o", str(pdf))
    assert built.exit_code == 0, built.output
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Figure 1: The path a version takes through the review bodies" in text
    assert "Figure 1 prints as its number" in " ".join(text.split())
    assert "Table 1" in text and "@fig-" not in text and "@tbl-" not in text


def test_help_names_the_guide(cli: CliInvoke) -> None:
    result = cli(None, "--help")
    assert result.exit_code == 0 and "docs/authoring.md" in result.stdout
