"""The annex "Comments and their disposition" of a version's PDF: trusted HTML built from the records.

Every value comes from a comment record a reviewer wrote, so every value is
escaped here; the build places the fragment as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from html import escape

from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras, ExtraAnnex
from gap_analysis.model.comment import Comment
from gap_analysis.services import comment_store

ANNEX_TITLE = "Comments and their disposition"
ANNEX_ID = "comments-disposition"
_COLUMNS = ("Member body", "Clause", "Type", "Comment", "Proposed change", "Disposition", "Reply",
            "Resolved in")
_WIDTHS = (12, 9, 7, 20, 14, 13, 14, 11)
"""Per cent of the table's width (fixed layout, so it fits the page): the text columns get the room."""


def _row(c: Comment) -> str:
    """One comment; its id's random part under the member body, to find it with `comment list`."""
    member = f'{escape(c.member)}<br><small class="comment-id">{escape(c.id.rsplit("-", 1)[-1])}</small>'
    cells = (c.where if c.chapter else "general", c.type, c.comment, c.proposal, c.disposition or "open",
             c.reply, c.resolved_in)
    return f"<tr><td>{member}</td>" + "".join(f"<td>{escape(value)}</td>" for value in cells) + "</tr>"


def annex_html(version: str, comments: Sequence[Comment]) -> str:
    """One table of the comments on `version`, oldest first, with a count of those still open."""
    if not comments:
        return f"<p>No comments have been recorded on {escape(version)}.</p>"
    still = sum(1 for c in comments if c.is_open)
    count = f"{len(comments)} comment{'s' if len(comments) != 1 else ''}"
    summary = f"{count} on {escape(version)}; " + (f"{still} still open." if still else "all resolved.")
    summary += " Types: ge general, te technical, ed editorial."
    head = "".join(f"<th>{escape(name)}</th>" for name in _COLUMNS)
    columns = "".join(f'<col style="width: {width}%">' for width in _WIDTHS)
    rows = "".join(_row(c) for c in comments)
    return (f'<p class="comments-summary">{summary} Under each member body, the end of the comment\'s id '
            f'(see <code>gap-analysis comment list {escape(version)}</code>).</p>'
            f'<table class="content comments" style="table-layout: fixed; overflow-wrap: break-word">'
            f'<colgroup>{columns}</colgroup><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


def comments_annex(store: GitStore, version: str) -> ExtraAnnex:
    return ExtraAnnex(ANNEX_TITLE, annex_html(version, comment_store.read_all(store, version)), ANNEX_ID)


def with_comments_annex(store: GitStore, version: str, extras: BuildExtras) -> BuildExtras:
    """`extras` plus the version's comment annex (the records as they stand now)."""
    return replace(extras, annexes=(*extras.annexes, comments_annex(store, version)))
