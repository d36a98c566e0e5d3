"""Gap entries: the structured rows of the gap analysis."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gap_analysis.model.finding import Finding, Severity

GAP_REQUIRED_FIELDS = ("id", "area", "existing", "gap", "action", "lead")
GAP_OPTIONAL_FIELDS = ("priority", "status")
GAP_FIELDS = GAP_REQUIRED_FIELDS + GAP_OPTIONAL_FIELDS
GAP_PRIORITIES = ("high", "medium", "low")
GAP_STATUSES = ("open", "in-progress", "closed")
DEFAULT_GAP_ID_PATTERN = r"G-[A-Z]{2}-[0-9]{2}"


@dataclass(frozen=True, slots=True)
class Gap:
    id: str
    area: str
    existing: str
    gap: str
    action: str
    lead: str
    priority: str | None = None
    status: str | None = None
    chapter_id: str = ""
    section: str = ""
    """Number of the section holding the entry, e.g. `5.2`."""
    path: str = ""
    line: int = 0

    def fields(self) -> dict[str, str]:
        """The entry's own fields (not where it stands), for registers and diffs."""
        values = {name: getattr(self, name) for name in GAP_FIELDS}
        return {k: v for k, v in values.items() if v is not None}


def first_of_each_id(
    gaps: Iterable[Gap], severity: Severity = Severity.ERROR
) -> tuple[tuple[Gap, ...], list[Finding]]:
    """The first entry of each gap id, in order, and a `duplicate-gap` finding for each repeat.

    One home for the rule that `check`, the gap register, the build and the DOCX share.
    """
    seen: dict[str, Gap] = {}
    findings: list[Finding] = []
    for gap in gaps:
        first = seen.get(gap.id)
        if first is None:
            seen[gap.id] = gap
            continue
        findings.append(
            Finding(
                gap.path,
                gap.line,
                "duplicate-gap",
                f"gap id '{gap.id}' is already used at {first.path}:{first.line}",
                severity,
            )
        )
    return tuple(seen.values()), findings
