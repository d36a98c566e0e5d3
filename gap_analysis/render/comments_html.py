"""Reviewer comments and their disposition as a trusted HTML table (version annex, packet).

Every value comes from a comment record a reviewer wrote, so every value is
escaped here; the build places the fragment as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from gap_analysis.model.comment import Comment
from gap_analysis.model.wording import counted

_COLUMNS = (
    "Member body",
    "Clause",
    "Type",
    "Comment",
    "Proposed change",
    "Disposition",
    "Reply",
    "Resolved in",
)
_WIDTHS = (12, 9, 7, 20, 14, 13, 14, 11)
"""Per cent of the table's width (fixed layout, so it fits the page): the text columns get the room."""


def _row(c: Comment) -> str:
    """One comment; its id's random part under the member body, to find it with `comment list`.

    The body's own reference (`UK-3`) follows the member body; line breaks in
    a cell are kept (`white-space: pre-line`).
    """
    ref = f" ({escape(c.ref)})" if c.ref else ""
    member = f'{escape(c.member)}{ref}<br><small class="comment-id">{escape(c.id.rsplit("-", 1)[-1])}</small>'
    cells = (
        c.where,
        c.type,
        c.comment,
        c.proposal,
        c.disposition or "open",
        c.reply,
        c.resolved_in,
    )
    return (
        f"<tr><td>{member}</td>" + "".join(f"<td>{escape(value)}</td>" for value in cells) + "</tr>"
    )


def annex_html(version: str, comments: Sequence[Comment]) -> str:
    """One table of the comments on `version`, oldest first, with a count of those still open."""
    if not comments:
        return f"<p>No comments have been recorded on {escape(version)}.</p>"
    still = sum(1 for c in comments if c.is_open)
    count = counted(len(comments), "comment")
    summary = f"{count} on {escape(version)}; " + (
        f"{still} still open." if still else "all resolved."
    )
    summary += " Types: ge general, te technical, ed editorial."
    head = "".join(f"<th>{escape(name)}</th>" for name in _COLUMNS)
    columns = "".join(f'<col style="width: {width}%">' for width in _WIDTHS)
    rows = "".join(_row(c) for c in comments)
    return (
        f'<p class="comments-summary">{summary} Under each member body, the end of the comment\'s id '
        f"(see <code>gap-analysis comment list {escape(version)}</code>).</p>"
        f'<table class="content comments" style="table-layout: fixed; overflow-wrap: break-word; '
        f'white-space: pre-line">'
        f"<colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
