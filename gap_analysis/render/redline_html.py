"""Redline pieces made here (the chapters themselves come from the build's renderer):
the legend with the redline stylesheet, a removed chapter, and the standalone page.

Insertions and deletions are `<ins>` and `<del>` with a class per kind; colour
is never the only mark (deletions are struck through, insertions underlined,
moves double-underlined), and a bar in the margin marks each changed block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from gap_analysis.model.diff import DiffResult
from gap_analysis.render.resources import jinja_environment, static_text

_ID = re.compile(r'(\sid="|\shref="#)')
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def demote_headings(html: str, levels: int = 1) -> str:
    """Chapter HTML `levels` heading levels down (h1 -> h2), under a page's own headings.

    Safe on this HTML: it is made by the tool with raw HTML off, so every `<h`
    in it is a tag (text is escaped).
    """
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + levels)}", html)


def redline_css() -> str:
    return static_text("redline.css")


def legend_html(
    old_label: str, removed: Sequence[str], *, pdf: str | None = None, stylesheet: bool = True
) -> str:
    """The legend at the start of a redline, with the stylesheet its marks need.

    `pdf`: the redline is laid out as a PDF of this variant ("" for a plain PDF). The
    screen-reader labels inside marks are then left out of sight and of the text, except
    in `pdf/ua-1`, whose tagged text a screen reader reads ("inserted: ...").
    Without `stylesheet` the marks' styles are left to a linked file (the archive site,
    whose Content-Security-Policy allows no inline style).
    """
    hide = "" if pdf is None or pdf == "pdf/ua-1" else ".rl-sr { display: none; }"
    gone = ""
    if removed:
        gone = (
            "<p>Chapters removed since then (shown struck where they stood): "
            + ", ".join(str(escape(r)) for r in removed)
            + ".</p>"
        )
    style = f"<style>{redline_css()}{hide}</style>" if stylesheet else ""
    return (
        style + f'<section class="rl-legend"><p class="legend">Redline against '
        f"{escape(old_label)}: inserted text is <ins>underlined</ins>, deleted text is "
        f'<del>struck through</del>, moved text is <ins class="rl-moved">double-underlined</ins> '
        "with a note of where it came from, and a bar in the margin marks each change."
        f"</p>{gone}</section>"
    )


def removed_chapter_html(number: str, title: str, blocks: Sequence[str]) -> str:
    """A chapter only the older snapshot has: its blocks (rendered by the build's renderer), struck."""
    note = f"chapter {number} {title} removed"
    return (
        f'<del class="rl-block rl-chapter rl-removed" data-note="{escape(note)}">'
        + "".join(blocks)
        + "</del>"
    )


def prefixed_ids(html: str, prefix: str) -> str:
    """Chapter HTML whose ids (and links to them) carry `prefix`, to sit beside the same chapters."""
    return _ID.sub(lambda m: m.group(1) + prefix, html)


def redline_page(
    result: DiffResult,
    chapters: Sequence[tuple[str, str]],
    legend: str,
    *,
    language: str = "en",
    title: str = "",
) -> str:
    """A standalone page: heading, summary line, legend, then each chapter's redline HTML."""
    env = jinja_environment("templates")
    template = env.get_template("redline.html.j2")
    return template.render(
        language=language,
        title=title,
        heading=result.heading,
        summary=result.headline,
        legend=Markup(legend),  # noqa: S704 - tool-made HTML
        chapters=[(chapter_id, Markup(html)) for chapter_id, html in chapters],  # noqa: S704 - rendered with raw HTML off
    )
