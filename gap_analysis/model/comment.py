"""Reviewer comments on a version, in the fields of the ISO/ITU comment form, and their disposition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

COMMENT_TYPES = ("ge", "te", "ed")
"""General, technical, editorial: the ISO/ITU comment-form types."""
COMMENT_TYPE_NAMES = {"ge": "general", "te": "technical", "ed": "editorial"}
DISPOSITIONS = ("accepted", "accepted-modified", "rejected", "noted")
DISPOSITION_FIELDS = (
    "disposition",
    "reply",
    "resolved_in",
    "resolved_by",
    "resolved_date",
    "resolve_note",
)
"""The only fields of a comment record that may be rewritten once it is written."""


REPORT_PARTS = {
    "title": "Title",
    "cover": "Cover",
    "foreword": "Foreword",
    "summary": "Summary",
    "gap-register": "Gap register",
    "comments-disposition": "Comments and their disposition",
    "changes": "Changes since the previous version",
}
"""Parts of a version's document that are not chapters, which a reviewer may still name."""


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment on one version.

    The comment points at a chapter id and a section anchor, which survive
    renumbering; `section_number` and `line` record where the reviewer saw it,
    as hints and for the comment form's "clause" column.
    """

    id: str
    version: str
    chapter: str
    """Chapter id; empty for a comment on the report as a whole."""
    section: str
    """Section anchor; empty for a comment on the chapter as a whole."""
    section_number: str
    """The section's (or chapter's) number in `version`, e.g. `5.2`."""
    section_title: str
    type: str
    member: str
    """The member body (or participant) that made the comment."""
    comment: str
    stage: str
    """The stage `version` stood at when the comment was made."""
    date: datetime
    line: int = 0
    clause: str = ""
    """The clause as the reviewer wrote it (defaults to `section_number`)."""
    paragraph: str = ""
    """Paragraph, figure or table."""
    proposal: str = ""
    observations: str = ""
    recorded_by: str = ""
    disposition: str = ""
    reply: str = ""
    resolved_in: str = ""
    """The version whose text carries the change (empty: none named)."""
    resolved_by: str = ""
    resolved_date: datetime | None = None
    resolve_note: str = ""
    """Why a resolved comment was resolved again (`--force`)."""
    ref: str = ""
    """The member body's own reference for the comment (`UK-3`), from its form."""
    part: str = ""
    """A part of the report that is no chapter (`title`, `gap-register`, ...; see `REPORT_PARTS`)."""
    order: int = 0
    """The comment's row in the form it was imported from: the register keeps the form's order."""
    path: str = ""

    @property
    def is_open(self) -> bool:
        return not self.disposition

    @property
    def where(self) -> str:
        """The clause as shown to reviewers."""
        return self.clause or self.section_number or REPORT_PARTS.get(self.part, "general")
