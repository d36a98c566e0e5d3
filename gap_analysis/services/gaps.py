"""The gap register: every gap entry of a snapshot, with the chapter and section that hold it.

`gaps`, the PDF annex and the change summary read gaps through here, so they
agree on what an entry is and where it stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from gap_analysis.errors import ContentError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.gaps import report_gaps
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.gap import Gap
from gap_analysis.model.snapshot import SnapshotInfo
from gap_analysis.model.structure import ChapterStructure
from gap_analysis.model.wording import plural
from gap_analysis.services.snapshots import Loaded, load


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One gap and where it stands in the report."""

    gap: Gap
    chapter_number: str
    chapter_title: str
    section_title: str
    section_anchor: str

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = dict(self.gap.fields())
        data.update(
            chapter=self.gap.chapter_id,
            chapter_number=self.chapter_number,
            chapter_title=self.chapter_title,
            section=self.gap.section,
            section_title=self.section_title,
            section_anchor=self.section_anchor,
            path=self.gap.path,
            line=self.gap.line,
        )
        return data


@dataclass(frozen=True, slots=True)
class GapRegister:
    snapshot: SnapshotInfo
    entries: tuple[RegisterEntry, ...]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    def filtered(self, *, status: str | None = None, priority: str | None = None) -> GapRegister:
        kept = tuple(
            e
            for e in self.entries
            if (status is None or (e.gap.status or "open") == status)
            and (priority is None or e.gap.priority == priority)
        )
        return GapRegister(self.snapshot, kept, self.findings)


def structures_of(loaded: Loaded) -> list[ChapterStructure]:
    return [chapter_structure(chapter) for chapter in loaded.report.chapters]


def register_of(loaded: Loaded, structures: list[ChapterStructure] | None = None) -> GapRegister:
    """The register of an already loaded snapshot (the build and `check` have one at hand)."""
    structures = structures if structures is not None else structures_of(loaded)
    parsed = report_gaps(structures, loaded.settings.gap_id_pattern)
    by_chapter = {s.chapter_id: s for s in structures}
    entries = []
    for gap in parsed.gaps:
        structure = by_chapter[gap.chapter_id]
        section = next((s for s in structure.sections if s.number == gap.section), None)
        entries.append(
            RegisterEntry(
                gap,
                structure.number,
                structure.title,
                section.title if section else structure.title,
                section.anchor if section else "",
            )
        )
    return GapRegister(loaded.snapshot.info, tuple(entries), parsed.findings)


def gap_register(store: GitStore, rev: str | None, *, strict: bool = True) -> GapRegister:
    """The register at `rev` (the working tree when None).

    With `strict`, an entry that cannot be read is an error naming its file and
    line: a register that silently left an entry out would mislead.
    """
    register = register_of(load(store, rev))
    if strict and register.errors:
        first = register.errors[0]
        more = len(register.errors) - 1
        tail = (
            f" (and {more} more {plural(more, 'problem')}; run 'gap-analysis check')"
            if more
            else ""
        )
        raise ContentError(f"{first.code}: {first.message}{tail}", path=first.path, line=first.line)
    return register
