"""The parts of a meeting packet that the report itself does not have, as trusted HTML fragments.

The packet is one HTML document laid out once (through `services/build/pdf.py`),
so page numbers run through it and every part gets a bookmark from its
heading. These fragments are made from escaped text only.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import escape

from gap_analysis.diff.formats import chapter_heading, describe
from gap_analysis.model.comment import Comment
from gap_analysis.model.diff import DiffResult
from gap_analysis.render.comments_html import annex_html
from gap_analysis.render.redline_html import change_html

LEGEND = (
    "<style>.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; "
    "clip: rect(0 0 0 0); white-space: nowrap; }</style>"
    '<p class="legend">Inserted text is <ins>underlined</ins>, deleted text '
    "<del>struck through</del>.</p>"
)


def summary_section(title: str, summary: str) -> str:
    """The change summary (from `render.summary_html`) as the packet's part before the report."""
    return (
        f'<section class="chapter packet-summary" id="packet-summary">'
        f'<h1 class="unnumbered">{escape(title)}</h1>{summary}</section>'
    )


def redline_html(result: DiffResult) -> str:
    """Every change, chapter by chapter and section by section, with insertions and deletions marked."""
    parts = [LEGEND]
    for chapter in result.changed_chapters:
        parts.append(
            f'<h2 class="unnumbered">{escape(chapter_heading(chapter))} '
            f"({escape(str(chapter.status))})</h2>"
        )
        label = None
        for change in chapter.changes:
            here = f"{change.section} {change.section_title}".strip()
            if here != label:
                parts.append(f'<h3 class="unnumbered">{escape(here)}</h3>')
                label = here
            parts.append(
                f'<div class="change {escape(str(change.kind))}"><p class="meta">'
                f"{escape(describe(change))}</p><div>{change_html(change)}</div></div>"
            )
    if not result.changed_chapters:
        parts.append("<p>No changes.</p>")
    return "".join(parts)


def disposition_html(groups: Sequence[tuple[str, Sequence[Comment]]]) -> str:
    """The comment form with dispositions, one table per version commented on."""
    if not any(comments for _, comments in groups):
        return "<p>No comments were recorded on these versions.</p>"
    return "".join(
        f'<h2 class="unnumbered">Comments on {escape(version)}</h2>{annex_html(version, comments)}'
        for version, comments in groups
        if comments
    )
