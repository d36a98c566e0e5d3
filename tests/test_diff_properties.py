"""Property tests of the diff engine: edits made at random places are found, in the right
section and with the right kind; a snapshot compared with itself has no changes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gap_analysis.diff import diff_reports
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.diff import SECTION_BLOCK, Change, ChangeKind, DiffResult, SnapshotRef

VOCABULARY = (
    "age",
    "child",
    "online",
    "standard",
    "report",
    "gap",
    "signal",
    "service",
    "review",
    "group",
    "parent",
    "control",
    "privacy",
    "design",
    "safety",
    "harm",
    "filter",
    "user",
    "device",
    "policy",
    "data",
    "consent",
    "account",
    "school",
    "content",
    "rating",
)
EXAMPLES = int(os.environ.get("GA_PROPERTY_EXAMPLES", "25"))
"""Examples per property test: cheap by default; `GA_PROPERTY_EXAMPLES=2000` searches harder."""
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass
class Paragraph:
    sentences: list[list[str]]

    def render(self) -> str:
        return " ".join(" ".join(s).capitalize() + "." for s in self.sentences)


@dataclass
class Table:
    rows: list[list[str]]

    def render(self) -> str:
        header = "| " + " | ".join(f"Column {i + 1}" for i in range(len(self.rows[0]))) + " |"
        rule = "|" + "---|" * len(self.rows[0])
        return "\n".join([header, rule, *("| " + " | ".join(r) + " |" for r in self.rows)])


@dataclass
class Doc:
    sections: list[tuple[str, list[Paragraph | Table]]] = field(default_factory=list)

    def render(self) -> str:
        out = ["# Chapter title", ""]
        for title, blocks in self.sections:
            out += [f"## {title}", ""]
            for block in blocks:
                out += [block.render(), ""]
        return "\n".join(out)

    def copy(self) -> Doc:
        return Doc(
            [
                (
                    t,
                    [
                        Paragraph([list(s) for s in b.sentences])
                        if isinstance(b, Paragraph)
                        else Table([list(r) for r in b.rows])
                        for b in blocks
                    ],
                )
                for t, blocks in self.sections
            ]
        )


sentence = st.lists(st.sampled_from(VOCABULARY), min_size=4, max_size=12)
paragraph = st.builds(Paragraph, st.lists(sentence, min_size=1, max_size=4))
cell = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3).map(" ".join)
table = st.integers(2, 4).flatmap(
    lambda width: st.builds(
        Table, st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=4)
    )
)


@st.composite
def documents(draw: st.DrawFn, min_sections: int = 2) -> Doc:
    count = draw(st.integers(min_sections, 6))
    doc = Doc()
    for index in range(count):
        title = " ".join(draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3)))
        blocks: list[Paragraph | Table] = draw(st.lists(paragraph, min_size=1, max_size=3))
        if draw(st.booleans()):
            blocks.insert(draw(st.integers(0, len(blocks))), draw(table))
        doc.sections.append((f"{title.capitalize()} {index + 1}", blocks))
    return doc


def run(old: Doc, new: Doc) -> DiffResult:
    def structure(doc: Doc) -> object:
        return chapter_structure(
            Chapter("chapter", "chapters/01-chapter.md", "Chapter title", doc.render(), 1, "1")
        )

    return diff_reports(
        [structure(old)],
        [structure(new)],  # type: ignore[list-item]
        SnapshotRef("old", None),
        SnapshotRef("new", None),
    )


def changes(result: DiffResult) -> list[Change]:
    return [c for chapter in result.chapters for c in chapter.changes]


@SETTINGS
@given(documents())
def test_a_snapshot_against_itself_has_no_changes(doc: Doc) -> None:
    result = run(doc, doc.copy())
    assert not result.has_changes
    assert changes(result) == []


@SETTINGS
@given(documents(), st.data())
def test_rewrapping_and_trailing_spaces_are_no_change(doc: Doc, data: st.DataObject) -> None:
    width = data.draw(st.integers(20, 60))
    text = doc.render()
    wrapped = []
    for line in text.split("\n"):
        if line.startswith(("#", "|")) or len(line) <= width:
            wrapped.append(
                line + data.draw(st.sampled_from(["", " ", "  ", "\t"])) if line else line
            )
            continue
        current = ""
        for word in line.split(" "):
            if current and len(current) + len(word) > width:
                wrapped.append(current + " ")
                current = word
            else:
                current = f"{current} {word}" if current else word
        wrapped.append(current)
    old = chapter_structure(Chapter("chapter", "c.md", "Chapter title", text, 1, "1"))
    new = chapter_structure(Chapter("chapter", "c.md", "Chapter title", "\n".join(wrapped), 1, "1"))
    result = diff_reports([old], [new], SnapshotRef("a", None), SnapshotRef("b", None))
    assert changes(result) == []


@SETTINGS
@given(documents(), sentence, st.data())
def test_an_inserted_sentence_is_found(doc: Doc, inserted: list[str], data: st.DataObject) -> None:
    places = [
        (s, b)
        for s, (_t, blocks) in enumerate(doc.sections)
        for b, block in enumerate(blocks)
        if isinstance(block, Paragraph)
    ]
    s, b = data.draw(st.sampled_from(places))
    new = doc.copy()
    target = new.sections[s][1][b]
    assert isinstance(target, Paragraph)
    target.sentences.insert(data.draw(st.integers(0, len(target.sentences))), inserted)
    found = changes(run(doc, new))
    assert len(found) == 1, found
    change = found[0]
    assert (change.kind, change.block, change.section) == (
        ChangeKind.MODIFIED,
        "paragraph",
        f"1.{s + 1}",
    )
    assert len(change.added) - len(change.removed) == len(inserted)
    assert change.new_text == Paragraph(target.sentences).render()


@SETTINGS
@given(documents(), st.data())
def test_a_deleted_paragraph_is_found(doc: Doc, data: st.DataObject) -> None:
    places = [
        (s, b)
        for s, (_t, blocks) in enumerate(doc.sections)
        for b, block in enumerate(blocks)
        if isinstance(block, Paragraph)
    ]
    s, b = data.draw(st.sampled_from(places))
    new = doc.copy()
    deleted = new.sections[s][1].pop(b)
    assert isinstance(deleted, Paragraph)
    found = [c for c in changes(run(doc, new)) if c.kind is not ChangeKind.MOVED]
    assert [(c.kind, c.block, c.section) for c in found] == [
        (ChangeKind.REMOVED, "paragraph", f"1.{s + 1}")
    ]
    assert " ".join(found[0].removed) == deleted.render()


@SETTINGS
@given(documents(), cell, st.data())
def test_a_changed_table_cell_is_found(doc: Doc, new_cell: str, data: st.DataObject) -> None:
    places = [
        (s, b, r, c)
        for s, (_t, blocks) in enumerate(doc.sections)
        for b, block in enumerate(blocks)
        if isinstance(block, Table)
        for r, row in enumerate(block.rows)
        for c in range(len(row))
    ]
    if not places:
        return
    s, b, r, c = data.draw(st.sampled_from(places))
    new = doc.copy()
    table = new.sections[s][1][b]
    assert isinstance(table, Table)
    if table.rows[r][c] == new_cell:
        return
    old_cell, table.rows[r][c] = table.rows[r][c], new_cell
    found = changes(run(doc, new))
    assert len(found) == 1, found
    change = found[0]
    assert change.section == f"1.{s + 1}"
    assert change.block == "table-row"
    assert change.kind in (ChangeKind.MODIFIED, ChangeKind.MOVED)
    if change.kind is ChangeKind.MODIFIED:
        assert [(x.column, x.old, x.new, x.header) for x in change.cells] == [
            (c, old_cell, new_cell, f"Column {c + 1}")
        ]


@SETTINGS
@given(documents(min_sections=4), st.data())
def test_a_moved_section_is_found(doc: Doc, data: st.DataObject) -> None:
    count = len(doc.sections)
    source = data.draw(st.integers(0, count - 1))
    target = data.draw(st.integers(0, count - 1).filter(lambda t: abs(t - source) >= 2))
    new = doc.copy()
    new.sections.insert(target, new.sections.pop(source))
    found = changes(run(doc, new))
    assert [(c.kind, c.block) for c in found] == [(ChangeKind.MOVED, SECTION_BLOCK)], found
    assert found[0].section == f"1.{target + 1}"
    assert found[0].old_section == f"1.{source + 1}"
    assert found[0].new_text == doc.sections[source][0]


@SETTINGS
@given(documents(), st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4), st.data())
def test_a_renamed_heading_is_found(doc: Doc, words: list[str], data: st.DataObject) -> None:
    s = data.draw(st.integers(0, len(doc.sections) - 1))
    title = "Renamed " + " ".join(words)
    new = doc.copy()
    new.sections[s] = (title, new.sections[s][1])
    found = changes(run(doc, new))
    assert [(c.kind, c.block, c.section) for c in found] == [
        (ChangeKind.RENAMED, "heading", f"1.{s + 1}")
    ]
    assert (found[0].old_text, found[0].new_text) == (doc.sections[s][0], title)
