"""Gap entries: fenced `gap` blocks holding a YAML mapping -> `Gap` objects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from gap_analysis.errors import ContentError
from gap_analysis.markdown.frontmatter import load_yaml
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.gap import (
    GAP_FIELDS,
    GAP_PRIORITIES,
    GAP_REQUIRED_FIELDS,
    GAP_STATUSES,
    Gap,
    first_of_each_id,
)
from gap_analysis.model.id_patterns import MAX_ID_LENGTH, id_matches
from gap_analysis.model.structure import BlockKind, ChapterStructure


@dataclass(frozen=True, slots=True)
class GapParse:
    gaps: tuple[Gap, ...]
    findings: tuple[Finding, ...]


def parse_gap(text: str, path: str, line: int, pattern: str) -> tuple[Gap | None, list[Finding]]:
    """One gap block (its content; `line` is the file line of the opening fence)."""
    findings: list[Finding] = []
    try:
        data = load_yaml(text, path, line + 1)
    except ContentError as exc:
        return None, [Finding(path, exc.line or line, "gap-yaml", exc.message)]
    if not isinstance(data, dict):
        return None, [
            Finding(path, line, "gap-yaml", "a gap entry must be a YAML mapping of fields")
        ]
    values: dict[str, str] = {}
    for key, value in data.items():
        if key not in GAP_FIELDS:
            findings.append(
                Finding(path, line, "gap-field", f"unknown gap field '{key}'", Severity.WARNING)
            )
            continue
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            findings.append(Finding(path, line, "gap-field", f"gap field '{key}' must be text"))
            continue
        values[str(key)] = " ".join(str(value).split())
    missing = [f for f in GAP_REQUIRED_FIELDS if not values.get(f)]
    if missing:
        findings.append(
            Finding(
                path,
                line,
                "gap-field",
                f"gap entry {values.get('id', '(no id)')} lacks {', '.join(missing)}",
            )
        )
        return None, findings
    if not id_matches(pattern, values["id"]):
        too_long = len(values["id"]) > MAX_ID_LENGTH
        findings.append(
            Finding(
                path,
                line,
                "gap-id",
                f"gap id '{values['id'][:MAX_ID_LENGTH]}...' is longer than {MAX_ID_LENGTH} "
                "characters"
                if too_long
                else f"gap id '{values['id']}' does not match the pattern {pattern}",
            )
        )
    if values.get("priority") and values["priority"] not in GAP_PRIORITIES:
        findings.append(
            Finding(
                path,
                line,
                "gap-field",
                f"priority '{values['priority']}' is not one of {', '.join(GAP_PRIORITIES)}",
            )
        )
    if values.get("status") and values["status"] not in GAP_STATUSES:
        findings.append(
            Finding(
                path,
                line,
                "gap-field",
                f"status '{values['status']}' is not one of {', '.join(GAP_STATUSES)}",
            )
        )
    gap = Gap(
        values["id"],
        values["area"],
        values["existing"],
        values["gap"],
        values["action"],
        values["lead"],
        values.get("priority"),
        values.get("status"),
        path=path,
        line=line,
    )
    return gap, findings


def chapter_gaps(structure: ChapterStructure, pattern: str) -> GapParse:
    """Every gap entry of one chapter, with the section that holds it."""
    gaps: list[Gap] = []
    findings: list[Finding] = []
    for section in structure.sections:
        for block in section.blocks:
            if block.kind is not BlockKind.GAP:
                continue
            gap, problems = parse_gap(block.text, structure.path, block.line, pattern)
            findings.extend(problems)
            if gap is not None:
                gaps.append(replace(gap, chapter_id=structure.chapter_id, section=section.number))
    return GapParse(tuple(gaps), tuple(findings))


def report_gaps(
    structures: list[ChapterStructure],
    pattern: str,
    per_chapter: Callable[[ChapterStructure, str], GapParse] = chapter_gaps,
) -> GapParse:
    """All gaps of a report; duplicate ids are findings, the first entry is kept.

    `per_chapter` reads one chapter's entries (the live preview passes a memoised one).
    """
    parsed = [per_chapter(structure, pattern) for structure in structures]
    gaps, duplicates = first_of_each_id(gap for one in parsed for gap in one.gaps)
    return GapParse(gaps, tuple(f for one in parsed for f in one.findings) + tuple(duplicates))
