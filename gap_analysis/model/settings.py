"""The report's settings, as read from `report.toml`: the fields are its schema."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gap_analysis.model.gap import DEFAULT_GAP_ID_PATTERN
from gap_analysis.model.languages import Words, words_for
from gap_analysis.model.people import Person
from gap_analysis.model.schema import toml
from gap_analysis.model.workflow import Workflow, default_workflow

_REPORT = toml(table="report")


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """The settings of `report.toml`; its fields are the file's schema (see `model.schema`)."""

    title: str = field(metadata=_REPORT)
    group: str = field(metadata=_REPORT)
    short_title: str = field(default="", metadata=_REPORT)
    language: str = field(default="en", metadata=_REPORT)
    document: str = field(default="", metadata=_REPORT)
    """Document number for builds that are not a version (free form, e.g. `TD69/P`)."""
    meeting: str = field(default="", metadata=_REPORT)
    study_period: str = field(default="", metadata=_REPORT)
    questions: str = field(default="", metadata=_REPORT)
    keywords: tuple[str, ...] = field(default=(), metadata=_REPORT)
    abstract: str = field(default="", metadata=_REPORT)
    version_scheme: str = field(default="v0.{n}", metadata=toml("scheme", table="versions"))
    """How version names are made: `{n}` is the version's number."""
    chapter_folder: str = field(default="chapters", metadata=toml("folder", table="chapters"))
    chapter_order: tuple[str, ...] = field(default=(), metadata=toml("order", table="chapters"))
    gap_id_pattern: str = field(
        default=DEFAULT_GAP_ID_PATTERN, metadata=toml("id_pattern", table="gaps")
    )
    watermark: bool = field(default=True, metadata=toml(table="pdf"))
    figure_word: str = field(default="", metadata=toml("figure", table="words"))
    """`[words]`: the words of cross-references and captions; "" takes the report language's."""
    table_word: str = field(default="", metadata=toml("table", table="words"))
    clause_word: str = field(default="", metadata=toml("clause", table="words"))
    annex_word: str = field(default="", metadata=toml("annex", table="words"))
    people: tuple[Person, ...] = ()
    """`[[people]]`: an array of tables."""
    workflow: Workflow = field(default_factory=default_workflow)
    """`[workflow]`: without it, the default review path."""

    @property
    def running_title(self) -> str:
        return self.short_title or self.title

    @property
    def words(self) -> Words:
        """The report language's words, with any `[words]` of `report.toml` put in."""
        words = words_for(self.language or "en")
        return replace(
            words,
            figure=self.figure_word or words.figure,
            table=self.table_word or words.table,
            clause=self.clause_word or words.clause,
            annex=self.annex_word or words.annex,
        )

    @property
    def editors(self) -> tuple[Person, ...]:
        return tuple(p for p in self.people if "editor" in p.roles)

    def person(self, who: str) -> Person | None:
        return next((p for p in self.people if p.matches(who)), None)
