"""The redline is the report: accepting every change of its HTML gives the newer version's
build, rejecting every change the older one's (hypothesis, over generated edits)."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from gap_analysis.diff import diff_reports
from gap_analysis.markdown.html import render_chapter
from gap_analysis.markdown.redline import render_redline
from gap_analysis.markdown.redline_old import capture_old
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.diff import SnapshotRef
from gap_analysis.model.redline import ChapterMarks
from tests.redline_text import accepted, rejected, words
from tests.test_diff_properties import (
    SETTINGS,
    VOCABULARY,
    Doc,
    Paragraph,
    Table,
    cell,
    documents,
    paragraph,
    sentence,
    table,
)

PATTERN = r"G-[A-Z]{2}-[0-9]{2}"


def chapter(doc: Doc) -> Chapter:
    return Chapter("chapter", "chapters/01-chapter.md", "Chapter title", doc.render(), 1, "1")


def redline(old: Doc, new: Doc) -> tuple[str, str, str]:
    """(redline HTML, the newer build's HTML, the older build's HTML) of one chapter."""
    old_chapter, new_chapter = chapter(old), chapter(new)
    result = diff_reports(
        [chapter_structure(old_chapter)],
        [chapter_structure(new_chapter)],
        SnapshotRef("old", None),
        SnapshotRef("new", None),
    )
    marks = ChapterMarks.of(result.chapters[0])
    captured = capture_old(old_chapter, {}, PATTERN)
    html = render_redline(new_chapter, {}, PATTERN, marks, captured).html
    return (
        html,
        render_chapter(new_chapter, {}, PATTERN).html,
        render_chapter(old_chapter, {}, PATTERN).html,
    )


def _paragraphs(doc: Doc) -> list[tuple[int, int]]:
    return [
        (s, b)
        for s, (_t, blocks) in enumerate(doc.sections)
        for b, block in enumerate(blocks)
        if isinstance(block, Paragraph)
    ]


@st.composite
def edited(draw: st.DrawFn) -> tuple[Doc, Doc]:
    """A document and a copy with one to four edits of any kind the redline marks."""
    doc = draw(documents(min_sections=3))
    new = doc.copy()
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                [
                    "insert-sentence",
                    "delete-words",
                    "delete-paragraph",
                    "add-paragraph",
                    "add-table",
                    "cell",
                    "delete-row",
                    "move-section",
                    "move-paragraph",
                    "rename",
                    "add-section",
                    "delete-section",
                    "add-column",
                    "drop-column",
                    "move-table",
                    "move-row",
                    "delete-table",
                ]
            )
        )
        places = _paragraphs(new)
        sections = new.sections
        if kind == "insert-sentence" and places:
            s, b = draw(st.sampled_from(places))
            target = sections[s][1][b]
            assert isinstance(target, Paragraph)
            target.sentences.insert(draw(st.integers(0, len(target.sentences))), draw(sentence))
        elif kind == "delete-words" and places:
            s, b = draw(st.sampled_from(places))
            target = sections[s][1][b]
            assert isinstance(target, Paragraph)
            first = target.sentences[0]
            if len(first) > 2:
                del first[draw(st.integers(0, len(first) - 1))]
        elif kind == "delete-paragraph" and places:
            s, b = draw(st.sampled_from(places))
            if len(sections[s][1]) > 1:
                del sections[s][1][b]
        elif kind == "add-paragraph":
            s = draw(st.integers(0, len(sections) - 1))
            blocks = sections[s][1]
            blocks.insert(draw(st.integers(0, len(blocks))), draw(paragraph))
        elif kind == "add-table":
            s = draw(st.integers(0, len(sections) - 1))
            sections[s][1].append(draw(table))
        elif kind in ("cell", "delete-row"):
            tables = [
                (s, b)
                for s, (_t, blocks) in enumerate(sections)
                for b, block in enumerate(blocks)
                if isinstance(block, Table)
            ]
            if tables:
                s, b = draw(st.sampled_from(tables))
                target = sections[s][1][b]
                assert isinstance(target, Table)
                r = draw(st.integers(0, len(target.rows) - 1))
                if kind == "cell":
                    target.rows[r][draw(st.integers(0, len(target.rows[r]) - 1))] = draw(cell)
                elif len(target.rows) > 1:
                    del target.rows[r]
        elif kind == "move-section" and len(sections) >= 3:
            source = draw(st.integers(0, len(sections) - 1))
            moved = sections.pop(source)
            sections.insert(draw(st.integers(0, len(sections))), moved)
        elif kind == "move-paragraph" and places and len(sections) >= 2:
            s, b = draw(st.sampled_from(places))
            if len(sections[s][1]) > 1:
                block = sections[s][1].pop(b)
                t = draw(st.integers(0, len(sections) - 1))
                sections[t][1].insert(draw(st.integers(0, len(sections[t][1]))), block)
        elif kind == "rename":
            s = draw(st.integers(0, len(sections) - 1))
            title = " ".join(draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=3)))
            sections[s] = (f"Renamed {title}", sections[s][1])
        elif kind == "add-section":
            title = " ".join(draw(st.lists(st.sampled_from(VOCABULARY), min_size=2, max_size=3)))
            sections.insert(
                draw(st.integers(0, len(sections))), (f"New {title}", [draw(paragraph)])
            )
        elif kind == "delete-section" and len(sections) > 1:
            del sections[draw(st.integers(0, len(sections) - 1))]
        elif kind in ("add-column", "drop-column", "move-table", "move-row", "delete-table"):
            _edit_a_table(draw, kind, sections)
    return doc, new


def _edit_a_table(
    draw: st.DrawFn, kind: str, sections: list[tuple[str, list[Paragraph | Table]]]
) -> None:
    """A table that gains or loses a column, moves to another section, gives a row to another
    table, or goes (the shapes of the pair found on 2026-12-01: rows of other widths, moved)."""
    tables = [
        (s, b)
        for s, (_t, blocks) in enumerate(sections)
        for b, block in enumerate(blocks)
        if isinstance(block, Table)
    ]
    if not tables:
        return
    s, b = draw(st.sampled_from(tables))
    target = sections[s][1][b]
    assert isinstance(target, Table)
    if kind == "add-column":
        column = draw(st.integers(0, len(target.rows[0])))
        for row in target.rows:
            row.insert(column, draw(cell))
    elif kind == "drop-column" and len(target.rows[0]) > 1:
        column = draw(st.integers(0, len(target.rows[0]) - 1))
        for row in target.rows:
            del row[column]
    elif kind == "move-table":
        sections[s][1].pop(b)
        t = draw(st.integers(0, len(sections) - 1))
        sections[t][1].insert(draw(st.integers(0, len(sections[t][1]))), target)
        if not sections[s][1]:
            sections[s][1].append(draw(paragraph))
    elif kind == "move-row" and len(tables) > 1 and len(target.rows) > 1:
        row = target.rows.pop(draw(st.integers(0, len(target.rows) - 1)))
        s2, b2 = draw(st.sampled_from([t for t in tables if t != (s, b)]))
        other = sections[s2][1][b2]
        assert isinstance(other, Table)
        other.rows.insert(draw(st.integers(0, len(other.rows))), row)
    elif kind == "delete-table" and len(sections[s][1]) > 1:
        del sections[s][1][b]


@SETTINGS
@given(edited())
def test_accepting_every_change_gives_the_new_build_and_rejecting_the_old(
    pair: tuple[Doc, Doc],
) -> None:
    old, new = pair
    html, new_html, old_html = redline(old, new)
    assert accepted(html) == words(new_html)
    assert rejected(html) == words(old_html)


def test_rejecting_every_change_of_a_found_pair_gives_the_old() -> None:
    old, new = FOUND_PAIR
    html, new_html, old_html = redline(old, new)
    assert accepted(html) == words(new_html)
    assert rejected(html) == words(old_html)


FOUND_PAIR = (
    Doc(
        sections=[
            (
                "Consent age 1",
                [
                    Table(
                        rows=[
                            ["data age age", "rating age"],
                            ["rating rating", "age user consent"],
                            ["age", "privacy filter"],
                            ["age age", "content harm school"],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            ["school", "policy", "age", "device", "age", "policy", "content"],
                            ["user", "age", "school", "age", "age", "age", "account"],
                        ]
                    ),
                ],
            ),
            (
                "Age age 2",
                [
                    Table(
                        rows=[
                            ["age age age", "filter age content", "account"],
                            ["age", "age content", "age content harm"],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            [
                                "harm",
                                "age",
                                "age",
                                "device",
                                "age",
                                "harm",
                                "age",
                                "user",
                                "age",
                                "age",
                                "data",
                                "harm",
                            ],
                            [
                                "account",
                                "age",
                                "school",
                                "school",
                                "privacy",
                                "age",
                                "device",
                                "design",
                                "control",
                                "age",
                                "data",
                            ],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            ["safety", "consent", "school", "policy", "age"],
                            ["rating", "consent", "age", "age", "safety", "age"],
                            [
                                "account",
                                "rating",
                                "age",
                                "age",
                                "age",
                                "policy",
                                "safety",
                                "age",
                                "consent",
                                "age",
                                "age",
                                "age",
                            ],
                            ["age", "school", "age", "consent", "harm", "control"],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            ["age", "school", "age", "age", "age", "policy", "control", "age"],
                            [
                                "design",
                                "policy",
                                "age",
                                "privacy",
                                "age",
                                "rating",
                                "device",
                                "consent",
                                "age",
                            ],
                        ]
                    ),
                ],
            ),
            (
                "Age data design 3",
                [
                    Paragraph(
                        sentences=[
                            ["harm", "age", "age", "privacy", "age", "age"],
                            [
                                "age",
                                "rating",
                                "safety",
                                "device",
                                "filter",
                                "age",
                                "policy",
                                "harm",
                            ],
                            [
                                "age",
                                "age",
                                "data",
                                "age",
                                "age",
                                "age",
                                "age",
                                "safety",
                                "consent",
                                "harm",
                                "age",
                                "filter",
                            ],
                            ["age", "age", "data", "privacy", "age", "age", "age"],
                        ]
                    )
                ],
            ),
            (
                "Age user 4",
                [
                    Table(
                        rows=[
                            ["age", "rating age safety"],
                            ["data consent", "privacy data"],
                            ["data age", "age age account"],
                            ["device", "age age age"],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            ["harm", "age", "age", "privacy", "age", "age"],
                            [
                                "age",
                                "rating",
                                "safety",
                                "device",
                                "filter",
                                "age",
                                "policy",
                                "harm",
                            ],
                            [
                                "age",
                                "age",
                                "data",
                                "age",
                                "age",
                                "age",
                                "age",
                                "safety",
                                "consent",
                                "harm",
                                "age",
                                "filter",
                            ],
                            ["age", "age", "data", "privacy", "age", "age", "age"],
                        ]
                    ),
                ],
            ),
            (
                "User age school 5",
                [
                    Table([["age age age", "age"], ["age", "age"]]),
                    Paragraph(
                        sentences=[
                            [
                                "content",
                                "control",
                                "age",
                                "age",
                                "age",
                                "design",
                                "data",
                                "policy",
                                "data",
                                "consent",
                            ],
                            ["age", "consent", "rating", "user"],
                            [
                                "design",
                                "user",
                                "safety",
                                "school",
                                "device",
                                "age",
                                "age",
                                "filter",
                                "rating",
                                "age",
                                "age",
                                "design",
                            ],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            [
                                "age",
                                "age",
                                "age",
                                "age",
                                "safety",
                                "age",
                                "school",
                                "harm",
                                "policy",
                                "content",
                                "policy",
                                "filter",
                            ],
                            [
                                "policy",
                                "safety",
                                "age",
                                "age",
                                "age",
                                "age",
                                "age",
                                "content",
                                "safety",
                                "age",
                            ],
                            [
                                "safety",
                                "age",
                                "school",
                                "content",
                                "privacy",
                                "school",
                                "account",
                                "age",
                                "age",
                            ],
                            ["control", "age", "age", "privacy", "age", "age", "user"],
                        ]
                    ),
                ],
            ),
        ]
    ),
    Doc(
        sections=[
            (
                "Age age 2",
                [
                    Table(
                        rows=[
                            ["age age age", "filter age content", "account"],
                            ["age", "age content", "age content harm"],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            ["safety", "consent", "school", "policy", "age"],
                            ["rating", "consent", "age", "age", "safety", "age"],
                            [
                                "account",
                                "rating",
                                "age",
                                "age",
                                "age",
                                "policy",
                                "safety",
                                "age",
                                "consent",
                                "age",
                                "age",
                                "age",
                            ],
                            ["age", "school", "age", "consent", "harm", "control"],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            ["age", "school", "age", "age", "age", "policy", "control", "age"],
                            [
                                "design",
                                "policy",
                                "age",
                                "privacy",
                                "age",
                                "rating",
                                "device",
                                "consent",
                                "age",
                            ],
                        ]
                    ),
                    Table([["age", "age", "age", "age"]]),
                ],
            ),
            (
                "Age data design 3",
                [
                    Paragraph(
                        sentences=[
                            ["harm", "age", "age", "privacy", "age", "age"],
                            [
                                "age",
                                "rating",
                                "safety",
                                "device",
                                "filter",
                                "age",
                                "policy",
                                "harm",
                            ],
                            [
                                "age",
                                "age",
                                "data",
                                "age",
                                "age",
                                "age",
                                "age",
                                "safety",
                                "consent",
                                "harm",
                                "age",
                                "filter",
                            ],
                            ["age", "age", "data", "privacy", "age", "age", "age"],
                        ]
                    )
                ],
            ),
            (
                "Age user 4",
                [
                    Table(
                        rows=[
                            ["age", "rating age safety"],
                            ["data consent", "privacy data"],
                            ["data age", "age age account"],
                            ["device", "age age age"],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            ["harm", "age", "age", "privacy", "age", "age"],
                            [
                                "age",
                                "rating",
                                "safety",
                                "device",
                                "filter",
                                "age",
                                "policy",
                                "harm",
                            ],
                            [
                                "age",
                                "age",
                                "data",
                                "age",
                                "age",
                                "age",
                                "age",
                                "safety",
                                "consent",
                                "harm",
                                "age",
                                "filter",
                            ],
                            ["age", "age", "data", "privacy", "age", "age", "age"],
                        ]
                    ),
                ],
            ),
            (
                "User age school 5",
                [
                    Table(rows=[["age age age", "age"], ["age", "age"]]),
                    Paragraph(
                        sentences=[
                            [
                                "content",
                                "control",
                                "age",
                                "age",
                                "age",
                                "design",
                                "data",
                                "policy",
                                "data",
                                "consent",
                            ],
                            ["age", "consent", "rating", "user"],
                            [
                                "design",
                                "user",
                                "safety",
                                "school",
                                "device",
                                "age",
                                "age",
                                "filter",
                                "rating",
                                "age",
                                "age",
                                "design",
                            ],
                        ]
                    ),
                    Paragraph(
                        sentences=[
                            [
                                "age",
                                "age",
                                "age",
                                "age",
                                "safety",
                                "age",
                                "school",
                                "harm",
                                "policy",
                                "content",
                                "policy",
                                "filter",
                            ],
                            [
                                "policy",
                                "safety",
                                "age",
                                "age",
                                "age",
                                "age",
                                "age",
                                "content",
                                "safety",
                                "age",
                            ],
                            [
                                "safety",
                                "age",
                                "school",
                                "content",
                                "privacy",
                                "school",
                                "account",
                                "age",
                                "age",
                            ],
                            ["control", "age", "age", "privacy", "age", "age", "user"],
                        ]
                    ),
                ],
            ),
        ]
    ),
)
"""A pair hypothesis drew on 2026-12-01 for which the reject-all property failed: a table's
header row, paired as moved with a header row of another width, was drawn unmarked (rows of
different widths had no cell diffs, and a moved row's unchanged cells were not drawn as moved)."""


def test_a_section_removed_after_one_that_moved_away_is_struck_at_its_own_place() -> None:
    """Found by the property on 2026-12-01: sections 1-4 became 3, 4, 1 (2 removed); the
    removed section was drawn after section 1's new place, not where it stood."""

    def section(title: str, word: str) -> tuple[str, list[Paragraph | Table]]:
        return (title, [Paragraph([[word, "age", "safety", "standard", word]])])

    sections = [section(f"Part {n}", w) for n, w in enumerate(VOCABULARY[:4], 1)]
    old = Doc([(t, [Paragraph([list(s) for s in p.sentences]) for p in b]) for t, b in sections])
    new = Doc([sections[2], sections[3], sections[0]])
    html, new_html, old_html = redline(old, new)
    assert accepted(html) == words(new_html)
    assert rejected(html) == words(old_html)


@SETTINGS
@given(documents())
def test_an_unchanged_chapter_has_no_marks(doc: Doc) -> None:
    html, new_html, _old = redline(doc, doc.copy())
    assert "<ins" not in html and "<del" not in html
    assert words(html) == words(new_html)


@st.composite
def rich_chapters(draw: st.DrawFn) -> tuple[str, str]:
    """A chapter with numbered lists, footnotes, quotes and code, and an edited copy."""

    def words(low: int, high: int) -> str:
        return " ".join(draw(st.lists(st.sampled_from(VOCABULARY), min_size=low, max_size=high)))

    sections = []
    for index in range(draw(st.integers(2, 4))):
        blocks = []
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["para", "list", "quote", "code", "note", "styled"]))
            if kind == "list":
                blocks.append(
                    "\n".join(f"{n}. {words(3, 8)}" for n in range(1, draw(st.integers(2, 5))))
                )
            elif kind == "quote":
                blocks.append(f"> {words(4, 10)}")
            elif kind == "code":
                blocks.append(f"```text\n{words(2, 6)}\n{words(2, 6)}\n```")
            elif kind == "styled":
                blocks.append(
                    f"{words(1, 4)} *{words(1, 3)}* [{words(1, 3)}](https://example.org/"
                    f"{len(blocks)}) `{words(1, 2)}` **{words(1, 2)}** {words(1, 4)}."
                )
            elif kind == "note":
                label = f"n{index}{len(blocks)}"
                blocks.append(f"{words(4, 10)}.[^{label}]\n\n[^{label}]: {words(3, 8)}.")
            else:
                blocks.append(words(5, 15) + ".")
        sections.append([f"## Part {index + 1} {words(1, 2)}", *blocks])
    old = ["# Chapter title", *("\n\n".join(s) for s in sections)]
    new_sections = [list(s) for s in sections]
    for _ in range(draw(st.integers(1, 4))):
        s = draw(st.integers(0, len(new_sections) - 1))
        section = new_sections[s]
        b = draw(st.integers(1, len(section) - 1)) if len(section) > 1 else 0
        action = draw(st.sampled_from(["edit", "drop", "add", "swap", "lines", "cut"]))
        if action == "edit" and b:
            text = section[b].split(" ")
            text.insert(
                draw(st.integers(1, max(1, len(text) - 1))), draw(st.sampled_from(VOCABULARY))
            )
            section[b] = " ".join(text)
        elif action == "cut" and b:
            text = section[b].split(" ")
            # A fenced block keeps its first and last word, which hold the fences: a cut
            # fence would turn the rest of the chapter into code, literally "[^n1]" and all.
            first = 1 if section[b].startswith("```") else 0
            if len(text) > first + 2:
                start = draw(st.integers(first, len(text) - 2))
                del text[start : start + draw(st.integers(1, min(4, len(text) - start - 1)))]
                section[b] = " ".join(text)
        elif action == "drop" and b and len(section) > 2:
            del section[b]
        elif action == "add":
            section.insert(draw(st.integers(1, len(section))), words(4, 10) + ".")
        elif action == "swap" and len(new_sections) > 1:
            t = draw(st.integers(0, len(new_sections) - 1))
            new_sections[s], new_sections[t] = new_sections[t], new_sections[s]
        elif action == "lines" and b and "\n" in section[b] and section[b][0].isdigit():
            lines = section[b].split("\n")
            del lines[draw(st.integers(0, len(lines) - 1))]
            section[b] = "\n".join(lines) if lines else words(3, 5) + "."
    new = ["# Chapter title", *("\n\n".join(s) for s in new_sections)]
    return "\n\n".join(old) + "\n", "\n\n".join(new) + "\n"


@SETTINGS
@given(rich_chapters())
def test_lists_notes_quotes_and_code_accept_and_reject(pair: tuple[str, str]) -> None:
    old_text, new_text = pair
    old = Chapter("chapter", "chapters/01-chapter.md", "Chapter title", old_text, 1, "1")
    new = Chapter("chapter", "chapters/01-chapter.md", "Chapter title", new_text, 1, "1")
    result = diff_reports(
        [chapter_structure(old)],
        [chapter_structure(new)],
        SnapshotRef("old", None),
        SnapshotRef("new", None),
    )
    html = render_redline(
        new, {}, PATTERN, ChapterMarks.of(result.chapters[0]), capture_old(old, {}, PATTERN)
    ).html
    assert "[^" not in html
    new_html = render_chapter(new, {}, PATTERN).html
    old_html = render_chapter(old, {}, PATTERN).html
    assert _body(accepted, html) == _body(words, new_html)
    assert _body(rejected, html) == _body(words, old_html)
    # The notes: their words exactly; their order follows the newer version, so when a
    # section moves, rejecting every change may list the older notes in another order
    # (a documented limit).
    assert sorted(_notes(accepted, html)) == sorted(_notes(words, new_html))
    assert sorted(_notes(rejected, html)) == sorted(_notes(words, old_html))


def _body(read: Callable[[str], list[str]], html: str) -> list[str]:
    return read(html.split('<section class="footnotes">', 1)[0])


def _notes(read: Callable[[str], list[str]], html: str) -> list[str]:
    return read("".join(html.split('<section class="footnotes">', 1)[1:]))
