"""The parts of a meeting packet that the report itself does not have, as trusted HTML fragments.

The packet is one HTML document laid out once (through `services/build.py`),
so page numbers run through it and every part gets a bookmark from its
heading. These fragments are made from escaped text only.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import escape

from gap_analysis.diff.formats import chapter_heading, describe, headline, side_label
from gap_analysis.model.comment import COMMENT_TYPE_NAMES, Comment
from gap_analysis.model.diff import DiffResult
from gap_analysis.render.redline_html import change_html

LEGEND = ('<style>.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; '
          'clip: rect(0 0 0 0); white-space: nowrap; }</style>'
          '<p class="legend">Inserted text is <ins>underlined</ins>, deleted text '
          '<del>struck through</del>.</p>')


def summary_html(result: DiffResult, chart_svg: str) -> str:
    """The change summary: headline, words chart, one row per changed chapter."""
    rows = "".join(
        f"<tr><td>{escape(chapter_heading(c))}</td><td>{escape(str(c.status))}</td>"
        f"<td>{c.words_added}</td><td>{c.words_removed}</td>"
        f"<td>{escape('; '.join(f'{n} {t}'.strip() for n, t in c.sections_touched))}</td></tr>"
        for c in result.changed_chapters)
    table = (f'<table class="content"><thead><tr><th>Chapter</th><th>Status</th><th>Words in</th>'
             f"<th>Words out</th><th>Sections touched</th></tr></thead><tbody>{rows}</tbody></table>"
             if rows else "<p>No chapter changed.</p>")
    title = f"Changes since {side_label(result.old)}"
    return (f'<section class="chapter packet-summary" id="packet-summary">'
            f'<h1 class="unnumbered">{escape(title)}</h1><p>{escape(headline(result))}.</p>'
            f'<figure class="words-chart">{chart_svg}</figure>{table}</section>')


def redline_html(result: DiffResult) -> str:
    """Every change, chapter by chapter and section by section, with insertions and deletions marked."""
    parts = [LEGEND]
    for chapter in result.changed_chapters:
        parts.append(f"<h2 class=\"unnumbered\">{escape(chapter_heading(chapter))} "
                     f"({escape(str(chapter.status))})</h2>")
        label = None
        for change in chapter.changes:
            here = f"{change.section} {change.section_title}".strip()
            if here != label:
                parts.append(f'<h3 class="unnumbered">{escape(here)}</h3>')
                label = here
            parts.append(f'<div class="change {escape(str(change.kind))}"><p class="meta">'
                         f"{escape(describe(change))}</p><div>{change_html(change)}</div></div>")
    if not result.changed_chapters:
        parts.append("<p>No changes.</p>")
    return "".join(parts)


def disposition_html(groups: Sequence[tuple[str, Sequence[Comment]]]) -> str:
    """The comment form with dispositions, one table per version commented on."""
    if not any(comments for _, comments in groups):
        return "<p>No comments were recorded on these versions.</p>"
    parts = []
    for version, comments in groups:
        if not comments:
            continue
        rows = "".join(
            f"<tr><td>{escape(c.id)}</td><td>{escape(c.member)}</td><td>{escape(c.where)}</td>"
            f"<td>{escape(COMMENT_TYPE_NAMES.get(c.type, c.type))}</td><td>{escape(c.comment)}</td>"
            f"<td>{escape(c.proposal)}</td><td>{escape(c.disposition or 'open')}</td>"
            f"<td>{escape(c.reply)}</td></tr>" for c in comments)
        parts.append(f'<h2 class="unnumbered">Comments on {escape(version)}</h2>'
                     f'<table class="content comments"><thead><tr><th>Id</th><th>Member body</th>'
                     f"<th>Clause</th><th>Type</th><th>Comment</th><th>Proposed change</th>"
                     f"<th>Disposition</th><th>Reply</th></tr></thead><tbody>{rows}</tbody></table>")
    return "".join(parts)
