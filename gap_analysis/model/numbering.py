"""Figure, table and clause numbers of a whole report, and what every label refers to.

One pass over the parsed report (`ChapterStructure`s in report order), made once
per snapshot and handed to every output (PDF, HTML, site, DOCX, redline), so a
reference prints the same number everywhere. Figures and tables are numbered
through the chapters (1, 2, 3 ...) and per annex by letter (A.1, A.2, then B.1),
as ITU texts do. A reference names its target (`@fig-x`), never the number, so
a diff compares targets and a renumbering is no change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gap_analysis.model.languages import Words
from gap_analysis.model.structure import BlockKind, ChapterStructure

LABEL_PREFIXES = ("fig", "tbl", "sec")
"""Quarto's label prefixes: `@fig-x`, `@tbl-x`, `@sec-x` (anything else after `@` is text,
unless it is a gap id)."""


def is_label(name: str) -> bool:
    """`fig-x`, `tbl-x`, `sec-x`: a name a `@` reference takes whatever follows it."""
    prefix, dash, rest = name.partition("-")
    return bool(dash and rest) and prefix in LABEL_PREFIXES


@dataclass(frozen=True, slots=True)
class Target:
    """What a label or heading refers to, and the number it prints."""

    kind: str
    """`fig`, `tbl`, `clause` (a heading or chapter), `annex` (an annex) or `gap`."""
    chapter_id: str
    anchor: str
    """The element's anchor in its chapter ("" for the chapter itself; the id for a gap)."""
    number: str
    """`3`, `A.1`, `4.2`, `A`; a gap's id."""
    caption: str = ""
    path: str = ""
    line: int = 0

    @property
    def href(self) -> str:
        """The fragment of the element in the assembled document (ids as `markdown.html` makes them)."""
        if self.kind == "gap":
            return f"#{self.anchor}"
        if not self.anchor:
            return f"#{self.chapter_id}"
        return f"#{self.chapter_id}--{self.anchor}"

    def printed(self, words: Words) -> str:
        """ "Figure 3", "Table A.1", "clause 4.2", "Annex A", "G-AA-01"."""
        word = {
            "fig": words.figure,
            "tbl": words.table,
            "clause": words.clause,
            "annex": words.annex,
        }.get(self.kind, "")
        return f"{word} {self.number}" if word else self.number


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A label defined twice: the second definition, and where the first stands."""

    name: str
    path: str
    line: int
    first_path: str
    first_line: int


@dataclass(frozen=True, slots=True)
class Numbering:
    labels: Mapping[str, Target] = field(default_factory=dict)
    """`fig-x`, `tbl-x`, `sec-x` and gap ids -> their target (the first definition wins)."""
    headings: Mapping[tuple[str, str], Target] = field(default_factory=dict)
    """(chapter id, heading anchor) -> its clause; (chapter id, "") -> the chapter or annex."""
    duplicates: tuple[Duplicate, ...] = ()

    def resolve(self, name: str) -> Target | None:
        return self.labels.get(name)

    def heading(self, chapter_id: str, anchor: str) -> Target | None:
        return self.headings.get((chapter_id, anchor))

    def of_chapter(self, chapter_id: str, kind: str) -> tuple[Target, ...]:
        """The figures (`fig`) or tables (`tbl`) of one chapter, in order."""
        return tuple(
            t for t in self.labels.values() if t.chapter_id == chapter_id and t.kind == kind
        )

    @property
    def key(self) -> tuple[tuple[str, str, str, str, str], ...]:
        """What a chapter's HTML depends on (the live preview re-renders every chapter when it
        changes): names, kinds, places and numbers, not file lines or captions, so an edit
        that only moves lines re-renders that chapter alone."""
        return tuple(
            (name, t.kind, t.chapter_id, t.anchor, t.number)
            for name, t in sorted(self.labels.items())
        ) + tuple(
            (anchor, t.kind, chapter, t.anchor, t.number)
            for (chapter, anchor), t in sorted(self.headings.items())
        )


def number_report(structures: Iterable[ChapterStructure]) -> Numbering:
    """Number every labelled figure and table, and every heading, of a report."""
    labels: dict[str, Target] = {}
    headings: dict[tuple[str, str], Target] = {}
    duplicates: list[Duplicate] = []
    counters = {"fig": 0, "tbl": 0}

    def add(name: str, target: Target) -> None:
        first = labels.get(name)
        if first is None:
            labels[name] = target
        elif target.kind != "gap":  # `check` names a repeated gap id already (duplicate-gap)
            duplicates.append(Duplicate(name, target.path, target.line, first.path, first.line))

    for structure in structures:
        chapter = structure.chapter_id
        if structure.is_annex:
            counters = {"fig": 0, "tbl": 0}
        for label in structure.labels:
            counters[label.kind] += 1
            count = counters[label.kind]
            number = f"{structure.number}.{count}" if structure.is_annex else str(count)
            add(
                label.name,
                Target(
                    label.kind,
                    chapter,
                    label.name,
                    number,
                    label.caption,
                    structure.path,
                    label.line,
                ),
            )
        for target, anchor in _headings(structure):
            headings.setdefault((chapter, anchor), target)
            if is_label(anchor) and anchor.startswith("sec-"):
                add(anchor, target)
        for section in structure.sections:
            for block in section.blocks:
                if block.kind is BlockKind.GAP and block.anchor:
                    add(
                        block.anchor,
                        Target(
                            "gap",
                            chapter,
                            block.anchor,
                            block.anchor,
                            "",
                            structure.path,
                            block.line,
                        ),
                    )
    return Numbering(labels, headings, tuple(duplicates))


def _headings(structure: ChapterStructure) -> Sequence[tuple[Target, str]]:
    """(target, anchor) of the chapter itself and of each of its headings."""
    kind = "annex" if structure.is_annex else "clause"
    chapter = Target(kind, structure.chapter_id, "", structure.number, "", structure.path, 0)
    found = [(chapter, "")]
    for section in structure.sections:
        if not section.anchor:
            continue
        if section.level == 1:
            title = Target(
                kind, structure.chapter_id, "", structure.number, "", structure.path, section.line
            )
            found.append((title, section.anchor))
        else:
            found.append(
                (
                    Target(
                        "clause",
                        structure.chapter_id,
                        section.anchor,
                        section.number,
                        "",
                        structure.path,
                        section.line,
                    ),
                    section.anchor,
                )
            )
    return found
