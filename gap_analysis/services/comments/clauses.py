"""Every clause a reviewer can name, judged in one place for `comment add` and every form import.

A reviewer names what they saw in the PDF: a section number (`5.2`, `A.1`,
`Annex A`), a chapter or annex by its title (`Abbreviations`), a part that is
no chapter (`General` or nothing, `Title`, `Cover`, `Foreword`, `Summary`), an
annex the tool generates (the gap register, the comments and their
disposition, the changes since the previous version: by letter or by title),
or a table or figure the report numbers in its own captions (`Table 3`: the
section whose text has a paragraph starting "Table 3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gap_analysis.model.chapter import annex_letter
from gap_analysis.model.languages import WORDS
from gap_analysis.model.numbering import number_report
from gap_analysis.model.structure import BlockKind, ChapterStructure, Section
from gap_analysis.services.comments.anchors import GENERAL_CLAUSES, Index
from gap_analysis.services.comments.form_columns import fold

_PARTS = {
    "title": "title",
    "documenttitle": "title",
    "cover": "cover",
    "coverpage": "cover",
    "foreword": "foreword",
    "preface": "foreword",
    "summary": "summary",
    "abstract": "summary",
    "executivesummary": "summary",
}
_GENERATED_TITLES = {
    **{fold(w.gap_register): "gap-register" for w in WORDS.values() if fold(w.gap_register)},
    "commentsandtheirdisposition": "comments-disposition",
    "commentdisposition": "comments-disposition",
    "dispositionofcomments": "comments-disposition",
    "changes": "changes",
}
_ANNEX = re.compile(r"^\s*annex\s+([A-Z]{1,2})\b\.?\s*(.*)$", re.IGNORECASE)
_CAPTIONED = re.compile(r"^\s*(table|figure|fig\.?)\s*((?:[A-Z]{1,2}\.)?[0-9]+)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a clause points: a chapter and section, a part of the report, or the whole of it."""

    structure: ChapterStructure | None = None
    section: Section | None = None
    part: str = ""


class Clauses:
    """The clauses of one version: its sections, its annexes (own and generated), its captions."""

    def __init__(self, index: Index, *, has_previous: bool) -> None:
        self.index = index
        annexes = sum(1 for s in index.chapters.values() if not s.number.isdigit())
        generated = ["gap-register", "comments-disposition"] + (["changes"] if has_previous else [])
        self.generated = {annex_letter(annexes + i): part for i, part in enumerate(generated)}
        self.titles = {fold(s.title): s for s in index.chapters.values()}
        self.numbered = {
            (t.kind, t.number): t for t in number_report(index.chapters.values()).labels.values()
        }
        """Labelled figures and tables by (`fig`/`tbl`, number as printed): `Table 3`, `Figure A.1`."""

    def place(self, clause: str, chapter: str = "") -> Place | str:
        """The place `clause` names (inside `chapter`, a chapter id or number, when given), or why none."""
        structure = None
        if chapter:
            structure = self.index.chapters.get(chapter) or self.index.by_number.get(chapter)
            if structure is None:
                return f"chapter '{chapter}' does not exist in this version"
        found = self._place(clause.strip(), structure)
        if isinstance(found, str) or structure is None:
            return found
        if found.structure is None and not found.part:
            return Place(structure)
        if found.structure is not structure:
            return f"clause '{clause}' is not in chapter '{chapter}' ({structure.number})"
        return found

    def _place(self, clause: str, within: ChapterStructure | None) -> Place | str:
        folded = fold(clause)
        if clause.lower() in GENERAL_CLAUSES or folded in ("general", "whole", "wholedocument"):
            return Place()
        if folded in _PARTS:
            return Place(part=_PARTS[folded])
        titled = self._by_title(folded)
        if titled is not None:
            return titled
        annex = _ANNEX.match(clause)
        if annex and annex.group(1).upper() in self.generated:
            return Place(part=self.generated[annex.group(1).upper()])
        if clause.upper() in self.generated:
            return Place(part=self.generated[clause.upper()])
        captioned = _CAPTIONED.match(clause)
        if captioned:
            return self._caption(captioned.group(1), captioned.group(2), within)
        found = self.index.clause(clause)
        if isinstance(found, str) and annex and annex.group(2):
            titled = self._by_title(fold(annex.group(2)))
            if titled is not None:
                return titled
        return found if isinstance(found, str) else Place(*found)

    def _by_title(self, folded: str) -> Place | None:
        if not folded:
            return None
        if folded in self.titles:
            return Place(self.titles[folded])
        generated = _GENERATED_TITLES.get(folded) or (
            "changes" if folded.startswith("changessince") else None
        )
        if generated and generated in self.generated.values():
            return Place(part=generated)
        return None

    def _numbered(self, kind: str, number: str, within: ChapterStructure | None) -> Place | None:
        """The section of the figure or table the report numbers `number` (`3`, `A.1`)."""
        target = self.numbered.get((kind, number))
        if target is None:
            return None
        structure = self.index.chapters[target.chapter_id]
        if within is not None and structure is not within:
            return None
        sections = [s for s in structure.sections if s.line <= target.line]
        section = sections[-1] if sections else None
        return Place(structure, section if section is not None and section.level > 1 else None)

    def _caption(self, kind: str, number: str, within: ChapterStructure | None) -> Place | str:
        """The section holding the paragraph that starts `Table 3` (or `Figure 2`, `Fig. 2`)."""
        word = "table" if kind.lower() == "table" else "figure"
        numbered = self._numbered("tbl" if word == "table" else "fig", number.upper(), within)
        if numbered is not None:
            return numbered
        pattern = re.compile(
            rf"^\**\s*(?:{word}|fig\.?)\s*{re.escape(number)}(?![0-9])"
            if word == "figure"
            else rf"^\**\s*{word}\s*{re.escape(number)}(?![0-9])",
            re.IGNORECASE,
        )
        structures = [within] if within is not None else list(self.index.chapters.values())
        for structure in structures:
            for section in structure.sections:
                for block in section.blocks:
                    if block.kind is BlockKind.TABLE_ROW:
                        continue
                    if pattern.match(block.text):
                        return Place(structure, section if section.level > 1 else None)
        return (
            f"the report numbers no {word} {number} (no caption starts '{word.title()} {number}')"
        )
