"""The parts of a meeting packet that the report itself does not have, as trusted HTML fragments.

The packet is one HTML document laid out once (through `services/build/pdf.py`),
so page numbers run through it and every part gets a bookmark from its
heading. These fragments are made from escaped text only.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import escape

from gap_analysis.model.comment import Comment
from gap_analysis.render.comments_html import annex_html
from gap_analysis.render.redline_html import demote_headings, prefixed_ids


def summary_section(title: str, summary: str) -> str:
    """The change summary (from `render.summary_html`) as the packet's part before the report."""
    return (
        f'<section class="chapter packet-summary" id="packet-summary">'
        f'<h1 class="unnumbered">{escape(title)}</h1>{summary}</section>'
    )


def redline_html(legend: str, chapters: Sequence[tuple[str, str]]) -> str:
    """The redline annex: the changed chapters as the build draws them, marks on them.

    Headings go one level down (the annex has its own title) and ids get a
    prefix, since the same chapters stand unmarked earlier in the packet.
    """
    if not chapters:
        return legend + "<p>No changes.</p>"
    return legend + "".join(
        f'<section class="packet-redline-chapter">'
        f"{prefixed_ids(demote_headings(html), 'packet-redline-')}</section>"
        for _chapter_id, html in chapters
    )


def disposition_html(groups: Sequence[tuple[str, Sequence[Comment]]]) -> str:
    """The comment form with dispositions, one table per version commented on."""
    if not any(comments for _, comments in groups):
        return "<p>No comments were recorded on these versions.</p>"
    return "".join(
        f'<h2 class="unnumbered">Comments on {escape(version)}</h2>{annex_html(version, comments)}'
        for version, comments in groups
        if comments
    )
