"""Where a comment stands now: its chapter id and section anchor looked up in a snapshot.

A comment records the anchor of the section it was made on, which survives
renumbering and moves; the section number it had is kept only as a hint. A
section is looked for by anchor in its chapter, then by anchor anywhere (a
section moved to another chapter), then by its old title in its chapter (a
heading whose explicit anchor changed). When none matches, it lost its place.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gap_analysis.errors import ContentError
from gap_analysis.model.comment import Comment
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.structure import ChapterStructure, Section

_CLAUSE = re.compile(
    r"^\s*(?:(?:sub)?clause|annex|section|§)?\s*([0-9]+|[A-Z]{1,2})((?:\.[0-9]+)*)\.?(?=$|[\s,;:()])",
    re.IGNORECASE,
)
GENERAL_CLAUSES = ("", "general", "all", "whole document", "document", "-", "n/a", "none")


@dataclass(frozen=True, slots=True)
class CommentPlace:
    """A comment's place in one snapshot."""

    chapter: str
    number: str
    title: str
    found: bool = True
    moved: bool = False
    """Found, but under another number or chapter than when it was made."""
    reason: str = ""
    """Why it was not found."""

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}".strip() if self.found else "(place lost)"


class Index:
    """The sections of one snapshot, by chapter and anchor."""

    def __init__(self, structures: Sequence[ChapterStructure]) -> None:
        self.chapters = {s.chapter_id: s for s in structures}
        for structure in structures:  # a renamed chapter answers to its former ids too
            for former in structure.former_ids:
                self.chapters.setdefault(former, structure)
        self.by_number = {s.number: s for s in structures}
        self.anchors: dict[str, list[tuple[ChapterStructure, Section]]] = {}
        for structure in structures:
            for section in structure.sections:
                if section.anchor:
                    self.anchors.setdefault(section.anchor, []).append((structure, section))

    def locate(self, comment: Comment) -> CommentPlace:
        if not comment.chapter:
            return CommentPlace("", "", "General")
        structure = self.chapters.get(comment.chapter)
        if structure is None and not comment.section:
            return CommentPlace(
                comment.chapter,
                "",
                "",
                found=False,
                reason=f"chapter '{comment.chapter}' is no longer in the report",
            )
        if not comment.section:
            assert structure is not None
            return CommentPlace(
                structure.chapter_id,
                structure.number,
                structure.title,
                moved=structure.number != comment.section_number,
            )
        if structure is not None:
            section = next((s for s in structure.sections if s.anchor == comment.section), None)
            if section is not None:
                return self._place(structure, section, comment)
        elsewhere = self.anchors.get(comment.section, [])
        if len(elsewhere) == 1:
            return self._place(*elsewhere[0], comment)
        if structure is not None and comment.section_title:
            titled = [s for s in structure.sections if s.title == comment.section_title]
            if len(titled) == 1:
                return self._place(structure, titled[0], comment)
        where = f"chapter '{comment.chapter}'" if structure is not None else "the report"
        return CommentPlace(
            comment.chapter,
            "",
            "",
            found=False,
            reason=f"section '{comment.section}' ({comment.section_number} "
            f"{comment.section_title}) is no longer in {where}",
        )

    @staticmethod
    def _place(structure: ChapterStructure, section: Section, comment: Comment) -> CommentPlace:
        moved = section.number != comment.section_number or structure.chapter_id != comment.chapter
        return CommentPlace(structure.chapter_id, section.number, section.title, moved=moved)

    def section(self, chapter_id: str, ref: str) -> tuple[ChapterStructure, Section | None]:
        """`ref` is a section number (`5.2`) or anchor in chapter `chapter_id`; "" for the chapter."""
        structure = self.chapters.get(chapter_id)
        if structure is None:
            known = ", ".join(sorted(self.chapters)) or "none"
            raise ContentError(f"no chapter '{chapter_id}' in this version (chapters: {known})")
        top = (
            structure.sections[0].anchor
            if structure.sections and structure.sections[0].level == 1
            else ""
        )
        if not ref or ref in (structure.number, top):
            return structure, None
        for section in structure.sections:
            if ref in (section.number, section.anchor) and section.level > 1:
                return structure, section
        numbers = ", ".join(s.number for s in structure.sections if s.level > 1) or "none"
        raise ContentError(
            f"chapter '{chapter_id}' has no section '{ref}' in this version "
            f"(give a number or an anchor; sections: {numbers})"
        )

    def clause(self, clause: str) -> tuple[ChapterStructure, Section | None] | str:
        """The chapter and section a comment-form clause such as `5.2` or `Annex A.1` names.

        Returns a reason (text) when it names none; `(structure, None)` for a whole chapter.
        """
        match = _CLAUSE.match(clause)
        if not match:
            return f"clause '{clause}' is not a section number such as 5.2 or A.1"
        head, rest = match.group(1).upper(), match.group(2)
        structure = self.by_number.get(head)
        if structure is None:
            return f"clause '{clause}' names chapter {head}, which the version does not have"
        if not rest:
            return structure, None
        number = head + rest
        section = next((s for s in structure.sections if s.number == number and s.level > 1), None)
        if section is None:
            return f"clause '{clause}' names section {number}, which chapter {head} does not have"
        return structure, section


def lost_findings(comments: Sequence[Comment], index: Index, where: str) -> list[Finding]:
    """A finding for each open comment that no longer finds its section in the snapshot."""
    findings = []
    for comment in comments:
        if not comment.is_open:
            continue
        place = index.locate(comment)
        if not place.found:
            findings.append(
                Finding(
                    comment.path,
                    0,
                    "comment-lost",
                    f"comment {comment.id} on {comment.version} ({comment.member}, clause {comment.where}) "
                    f"lost its place in {where}: {place.reason}; resolve it or restore the section",
                    Severity.WARNING,
                )
            )
    return findings
