"""The report's settings, as read from `report.toml`."""

from __future__ import annotations

from dataclasses import dataclass, field

from gap_analysis.model.gap import DEFAULT_GAP_ID_PATTERN
from gap_analysis.model.people import Person
from gap_analysis.model.workflow import Workflow, default_workflow


@dataclass(frozen=True, slots=True)
class ReportSettings:
    title: str
    group: str
    short_title: str = ""
    language: str = "en"
    document: str = ""
    """Document number for builds that are not a version (free form, e.g. `TD69/P`)."""
    meeting: str = ""
    study_period: str = ""
    questions: str = ""
    keywords: tuple[str, ...] = ()
    abstract: str = ""
    version_scheme: str = "v0.{n}"
    chapter_folder: str = "chapters"
    chapter_order: tuple[str, ...] = ()
    gap_id_pattern: str = DEFAULT_GAP_ID_PATTERN
    watermark: bool = True
    people: tuple[Person, ...] = ()
    workflow: Workflow = field(default_factory=default_workflow)

    @property
    def running_title(self) -> str:
        return self.short_title or self.title

    @property
    def editors(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if "editor" in p.roles)

    def person(self, who: str) -> Person | None:
        return next((p for p in self.people if p.matches(who)), None)
