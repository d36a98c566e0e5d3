"""`gap-analysis gaps`: the gap register in Markdown, CSV and JSON, at any revision."""

from __future__ import annotations

import csv
import io
import json

from tests.helpers import CHAPTERS, CliInvoke, ReportRepo

SECOND_GAP = """
## Filtering {#filtering}

Filtering is covered by an old specification.

```gap
id: G-FL-01
area: Filtering | blocking
existing: CEN/TS 16080:2013
gap: No international standard.
action: Review the specification.
lead: CEN/TC 365
priority: medium
status: in-progress
```
"""


def test_markdown_register_lists_gap_with_chapter_and_section(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    result = cli(report_repo.path, "gaps")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.startswith("| G-")]
    assert len(rows) == 1
    assert "G-AA-01" in rows[0] and "2.1 Scope" in rows[0] and "| high |" in rows[0]


def test_csv_and_json_carry_every_field(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.write("chapters/02-method.md", CHAPTERS["02-method.md"] + SECOND_GAP)
    as_csv = cli(report_repo.path, "gaps", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["id"] for r in rows] == ["G-AA-01", "G-FL-01"]
    assert rows[1]["area"] == "Filtering | blocking"
    assert rows[1]["section"] == "2.2" and rows[1]["section_title"] == "Filtering"
    assert rows[1]["status"] == "in-progress" and rows[1]["chapter"] == "method"
    assert rows[1]["path"] == "chapters/02-method.md" and int(rows[1]["line"]) > 20
    as_json = json.loads(cli(report_repo.path, "gaps", "--json").stdout)
    assert as_json["snapshot"]["working_tree"] is True
    first = as_json["gaps"][0]
    assert first["lead"] == "SG17" and first["section_anchor"] == "scope"
    markdown = cli(report_repo.path, "gaps").stdout
    assert "Filtering \\| blocking" in markdown  # a pipe does not break the table


def test_register_at_an_old_revision_and_filters(report_repo: ReportRepo, cli: CliInvoke) -> None:
    first = report_repo.head()
    report_repo.write("chapters/02-method.md", CHAPTERS["02-method.md"] + SECOND_GAP)
    report_repo.commit("second gap")
    old = json.loads(cli(report_repo.path, "gaps", first, "--json").stdout)
    assert [g["id"] for g in old["gaps"]] == ["G-AA-01"]
    assert old["snapshot"]["commit"] == first
    now = json.loads(cli(report_repo.path, "gaps", "HEAD", "--json").stdout)
    assert [g["id"] for g in now["gaps"]] == ["G-AA-01", "G-FL-01"]
    only = json.loads(cli(report_repo.path, "gaps", "--json", "--status", "in-progress").stdout)
    assert [g["id"] for g in only["gaps"]] == ["G-FL-01"]
    high = json.loads(cli(report_repo.path, "gaps", "--json", "--priority", "high").stdout)
    assert [g["id"] for g in high["gaps"]] == ["G-AA-01"]


def test_gap_block_that_is_not_a_mapping_is_an_error_with_file_and_line(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    report_repo.write(
        "chapters/02-method.md", CHAPTERS["02-method.md"] + "\n```gap\n- just\n- a list\n```\n"
    )
    result = cli(report_repo.path, "gaps")
    assert result.exit_code == 1
    assert "chapters/02-method.md:" in result.stderr and "mapping" in result.stderr
    line = int(result.stderr.split("chapters/02-method.md:")[1].split(":")[0])
    lines = (report_repo.path / "chapters/02-method.md").read_text().splitlines()
    assert lines[line - 1].startswith("```gap")
    assert result.stdout == ""


def test_gap_block_with_a_yaml_tag_is_refused(report_repo: ReportRepo, cli: CliInvoke) -> None:
    tagged = CHAPTERS["02-method.md"].replace(
        "area: Age assurance", "area: !!python/name:os.system x"
    )
    report_repo.write("chapters/02-method.md", tagged)
    result = cli(report_repo.path, "gaps")
    assert result.exit_code == 1
    assert "chapters/02-method.md:" in result.stderr and "tag" in result.stderr
    assert result.stdout == ""


def test_duplicate_gap_id_is_an_error(report_repo: ReportRepo, cli: CliInvoke) -> None:
    duplicate = SECOND_GAP.replace("G-FL-01", "G-AA-01")
    report_repo.write("chapters/02-method.md", CHAPTERS["02-method.md"] + duplicate)
    result = cli(report_repo.path, "gaps")
    assert result.exit_code == 1
    assert "G-AA-01" in result.stderr and "already used" in result.stderr


def test_unknown_revision_is_refused(report_repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(report_repo.path, "gaps", "no-such-rev").exit_code == 1
    # an option-looking argument is never taken as a revision (gaps has -o now: another name)
    assert cli(report_repo.path, "gaps", "--outfile=x").exit_code == 2


def test_empty_register(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.write("chapters/02-method.md", CHAPTERS["02-method.md"].split("```gap")[0])
    result = cli(report_repo.path, "gaps")
    assert result.exit_code == 0 and "No gap entries." in result.stdout
    rows = list(csv.reader(io.StringIO(cli(report_repo.path, "gaps", "--format", "csv").stdout)))
    assert len(rows) == 1 and rows[0][0] == "id"
