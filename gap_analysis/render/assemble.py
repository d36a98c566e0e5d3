"""Document model -> one HTML document (Jinja2), with the print stylesheet inlined.

The HTML is complete on its own: `--html` writes it out, and plain WeasyPrint
can render it for comparison. Running headers are CSS strings generated here,
escaped so no text of the report can end the stylesheet or the string.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2
from markupsafe import Markup

from gap_analysis.model.build import ExtraAnnex, TocEntry
from gap_analysis.model.chapter import annex_letter
from gap_analysis.render.document import Document
from gap_analysis.render.fonts import font_face_css, needs_cjk
from gap_analysis.render.resources import STATIC_BASE, jinja_environment, static_text

_SAFE_CSS_CHAR = re.compile(r"[A-Za-z0-9 .,_()-]")


def css_string(text: str) -> str:
    """A double-quoted CSS string; every character that could matter is hex-escaped.

    Runs of white space become one space (a leading or trailing one is kept: "Page " matters).
    """
    out = []
    for char in re.sub(r"\s+", " ", text):
        out.append(char if _SAFE_CSS_CHAR.fullmatch(char) else f"\\{ord(char):x} ")
    return '"' + "".join(out) + '"'


@cache
def _environment() -> jinja2.Environment:
    env = jinja_environment("templates")
    env.filters["css_string"] = css_string
    return env


def stylesheet(text: str = "") -> str:
    """The print stylesheet: `@font-face` rules of the bundled fonts (and of CJK fonts when
    `text` needs them), then `report.css`, which names only those families."""
    return font_face_css(STATIC_BASE, needs_cjk(text)) + static_text("report.css")


def annexes(document: Document) -> list[tuple[str, ExtraAnnex]]:
    """The annexes after the report's own, with their letters: the gap register first."""
    used = sum(1 for chapter in document.chapters if chapter.is_annex)
    tail = [ExtraAnnex(document.words.gap_register, "", "gap-register"), *document.annexes]
    return [(annex_letter(used + index), annex) for index, annex in enumerate(tail)]


def to_html(document: Document) -> str:
    """The whole document as one HTML string."""
    template = _environment().get_template("report.html.j2")
    chapter_sections = [(c, Markup(c.html)) for c in document.chapters]  # noqa: S704 - rendered with raw HTML off
    extra = [(letter, annex, Markup(annex.html)) for letter, annex in annexes(document)]  # noqa: S704 - tool-made HTML
    before, between, after = document.words.page_of
    running = (
        f"@page {{ @top-left {{ content: {css_string(document.running_title)}; }}"
        f" @top-right {{ content: {css_string(document.running_label)}; }}"
        f" @bottom-left {{ content: {css_string(document.footer)}; }}"
        f" @bottom-right {{ content: {css_string(before)} counter(page) {css_string(between)}"
        f" counter(pages) {css_string(after)}; }} }}"
    )
    return template.render(
        doc=document,
        words=document.words,
        cover=document.cover,
        review_path=Markup(document.cover.review_path_svg),  # noqa: S704 - tool-made SVG, text escaped
        meta=document.metadata,
        chapters=chapter_sections,
        lists=_lists(document),
        annexes=extra,
        before=Markup(document.before_html),  # noqa: S704 - tool-made HTML
        css=Markup(stylesheet(_all_text(document)) + "\n" + running),  # noqa: S704 - the package's stylesheet
        created=document.metadata.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _lists(document: Document) -> list[tuple[str, str, str, list[TocEntry]]]:
    """(class, title, word, entries) of the list of figures and of tables, when there are any."""
    words = document.words
    found = [
        (
            "figures",
            words.list_of_figures,
            words.figure,
            [f for c in document.chapters for f in c.figures],
        ),
        (
            "tables",
            words.list_of_tables,
            words.table,
            [t for c in document.chapters for t in c.tables],
        ),
    ]
    return [entry for entry in found if entry[3]]


def _all_text(document: Document) -> str:
    """Every piece of text the document may draw, for the choice of fonts (markup included)."""
    return "".join(
        (
            document.running_title,
            document.running_label,
            document.footer,
            repr(document.cover),
            document.before_html,
            *(chapter.html for chapter in document.chapters),
            *(annex.html for annex in document.annexes),
            *(repr(gap) for gap in document.gaps),
        )
    )
