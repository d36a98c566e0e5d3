"""Gap entries: the structured rows of the gap analysis."""

from __future__ import annotations

from dataclasses import dataclass

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
