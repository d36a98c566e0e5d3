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
from gap_analysis.model.comment import COMMENT_TYPE_NAMES, Comment
from gap_analysis.services import comment_store

ANNEX_TITLE = "Comments and their disposition"
ANNEX_ID = "comments-disposition"
_COLUMNS = ("Id", "Member body", "Clause", "Type", "Comment", "Proposed change", "Disposition", "Reply",
            "Resolved in")


def _row(c: Comment) -> str:
    cells = (c.id.rsplit("-", 1)[-1], c.member, c.where if c.chapter else "general",
             COMMENT_TYPE_NAMES.get(c.type, c.type), c.comment, c.proposal, c.disposition or "open",
             c.reply, c.resolved_in)
    return "<tr>" + "".join(f"<td>{escape(value)}</td>" for value in cells) + "</tr>"


def annex_html(version: str, comments: Sequence[Comment]) -> str:
    """One table of the comments on `version`, oldest first, with a count of those still open."""
    if not comments:
        return f"<p>No comments have been recorded on {escape(version)}.</p>"
    still = sum(1 for c in comments if c.is_open)
    count = f"{len(comments)} comment{'s' if len(comments) != 1 else ''}"
    summary = f"{count} on {escape(version)}; " + (f"{still} still open." if still else "all resolved.")
    head = "".join(f"<th>{escape(name)}</th>" for name in _COLUMNS)
    rows = "".join(_row(c) for c in comments)
    return (f'<p class="comments-summary">{summary} Ids are the last part of each comment\'s id '
            f'(see <code>gap-analysis comment list {escape(version)}</code>).</p>'
            f'<table class="content comments"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')


def comments_annex(store: GitStore, version: str) -> ExtraAnnex:
    return ExtraAnnex(ANNEX_TITLE, annex_html(version, comment_store.read_all(store, version)), ANNEX_ID)


def with_comments_annex(store: GitStore, version: str, extras: BuildExtras) -> BuildExtras:
    """`extras` plus the version's comment annex (the records as they stand now)."""
    return replace(extras, annexes=(*extras.annexes, comments_annex(store, version)))
