"""A `DiffResult` -> a standalone redline web page (one Jinja2 template, inline CSS, no script).

Insertions and deletions are `<ins>` and `<del>`, each with a visually hidden
label ("inserted:", "deleted:") because screen readers do not announce those
elements; colour is never the only mark (deletions are struck through,
insertions underlined).
"""

from __future__ import annotations

from functools import cache

import jinja2
from markupsafe import Markup, escape

from gap_analysis.diff.formats import chapter_heading, describe, headline, side_label
from gap_analysis.diff.words import word_diff
from gap_analysis.model.diff import (
    CHAPTER_BLOCK,
    DELETE,
    EQUAL,
    SECTION_BLOCK,
    Change,
    ChangeKind,
    DiffResult,
    WordOp,
)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("gap_analysis.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _mark(op: str, text: str) -> str:
    if op == DELETE:
        return f'<del><span class="sr">deleted: </span>{escape(text)}</del>'
    return f'<ins><span class="sr">inserted: </span>{escape(text)}</ins>'


def ops_html(ops: tuple[WordOp, ...]) -> Markup:
    """Word runs as inline HTML with `<del>`/`<ins>`; line breaks of code and gap entries kept."""
    parts = [str(escape(op.text)) if op.op == EQUAL else _mark(op.op, op.text) for op in ops]
    return Markup(" ".join(parts).replace(" \n ", "<br>"))  # noqa: S704 - every part escaped above


def change_html(change: Change) -> Markup:
    """The body of one change: the block with its deletions and insertions marked."""
    if change.kind is ChangeKind.ADDED:
        return Markup(_mark("+", change.new_text))  # noqa: S704 - escaped in _mark
    if change.kind is ChangeKind.REMOVED:
        return Markup(_mark("-", change.old_text))  # noqa: S704 - escaped in _mark
    if change.cells:
        rows = []
        for cell in change.cells:
            name = escape(cell.header or f"column {cell.column + 1}")
            rows.append(
                f'<li><span class="cell">{name}:</span> '
                f"{ops_html(word_diff(cell.old, cell.new).ops)}</li>"
            )
        return Markup(f'<ul class="cells">{"".join(rows)}</ul>')  # noqa: S704 - parts escaped
    if change.fields:
        rows = [
            f'<li><span class="cell">{escape(f.name)}:</span> '
            f"{ops_html(word_diff(f.old or '', f.new or '').ops)}</li>"
            for f in change.fields
        ]
        return Markup(f'<ul class="cells">{"".join(rows)}</ul>')  # noqa: S704 - parts escaped
    if change.block in (SECTION_BLOCK, CHAPTER_BLOCK) or not change.ops:
        return escape(change.new_text)
    return ops_html(change.ops)


def redline_chapters(result: DiffResult) -> list[dict[str, object]]:
    """Changed chapters, each with its changes grouped by section, for the redline templates."""
    chapters: list[dict[str, object]] = []
    for chapter in result.changed_chapters:
        sections: list[dict[str, object]] = []
        for change in chapter.changes:
            label = f"{change.section} {change.section_title}".strip()
            if not sections or sections[-1]["label"] != label:
                sections.append({"label": label, "changes": []})
            changes = sections[-1]["changes"]
            assert isinstance(changes, list)
            changes.append(
                {"kind": str(change.kind), "meta": describe(change), "body": change_html(change)}
            )
        chapters.append(
            {
                "heading": chapter_heading(chapter),
                "status": str(chapter.status),
                "id": chapter.id,
                "sections": sections,
            }
        )
    return chapters


def redline_page(result: DiffResult, *, language: str = "en", title: str = "") -> str:
    """The whole page as a string."""
    chapters = redline_chapters(result)
    heading = f"Changes from {side_label(result.old)} to {side_label(result.new)}"
    template = _environment().get_template("redline.html.j2")
    return template.render(
        language=language, title=title, heading=heading, summary=headline(result), chapters=chapters
    )
