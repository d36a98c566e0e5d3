"""The one configured markdown-it parser, and the rules that number headings.

Raw HTML is off (`js-default`); the security boundary is still the renderer's
URL fetcher, which does not trust this. Headings get their anchor and number
here, once, so the HTML renderer, `check` and the diff engine agree.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from gap_analysis.markdown.crossrefs import crossrefs_plugin
from gap_analysis.markdown.figures import figures_plugin
from gap_analysis.markdown.table_captions import table_captions_plugin
from gap_analysis.model.gap import DEFAULT_GAP_ID_PATTERN

_EXPLICIT_ANCHOR = re.compile(r"\s*\{#([A-Za-z][A-Za-z0-9_.:-]*)\}\s*$")
_NOT_SLUG = re.compile(r"[^\w\- ]+", re.UNICODE)


def slugify(text: str) -> str:
    """GitHub-style anchor: lowercase, punctuation dropped, spaces to hyphens."""
    slug = _NOT_SLUG.sub("", text.strip().lower()).replace(" ", "-")
    return re.sub(r"-{2,}", "-", slug).strip("-") or "section"


def _number_headings(state: StateCore) -> None:
    """Give every heading `meta['anchor']`, `meta['number']`, `meta['title']`.

    The chapter's number comes from `env['chapter_number']`. The first level-1
    heading is the chapter title; `##` gives N.1, `###` N.1.1. An explicit
    `{#anchor}` at the end of a heading wins over the slug.
    """
    chapter_number = str(state.env.get("chapter_number", ""))
    counters = [0] * 6
    seen: dict[str, int] = {}
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        level = int(token.tag[1])
        explicit = _EXPLICIT_ANCHOR.search(inline.content)
        if explicit:
            inline.content = inline.content[: explicit.start()]
        title = inline.content.strip()
        anchor = explicit.group(1) if explicit else slugify(_plain(title))
        if level == 1:
            number = chapter_number
        else:
            counters[level - 2] += 1
            for deeper in range(level - 1, 6):
                counters[deeper] = 0
            number = ".".join([chapter_number, *(str(c) for c in counters[: level - 1])])
        token.meta = {
            "anchor": anchor,
            "number": number,
            "title": _plain(title),
            "explicit": bool(explicit),
            "duplicate": anchor in seen,
        }
        seen[anchor] = seen.get(anchor, 0) + 1


_INLINE_MARKUP = re.compile(r"[*_`~]+|!?\[([^\]]*)\]\([^)]*\)")


def _plain(markdown_inline: str) -> str:
    """Heading text without emphasis marks or link targets."""
    return " ".join(_INLINE_MARKUP.sub(lambda m: m.group(1) or "", markdown_inline).split())


def _heading_numbers_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "number_headings", _number_headings)


PLUGINS = (
    footnote_plugin,
    deflist_plugin,
    _heading_numbers_plugin,
    table_captions_plugin,
    figures_plugin,
    crossrefs_plugin,
)
"""The rules added to markdown-it, in the order they are installed: each is one
module of this package (or of mdit-py-plugins) that names where its rule runs."""


@cache
def parser() -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    for plugin in PLUGINS:
        md.use(plugin)
    return md


def parse(
    body: str, chapter_number: str, gap_pattern: str = DEFAULT_GAP_ID_PATTERN
) -> tuple[list[Token], dict[str, object]]:
    """Tokens of a chapter body and the env the renderer needs (footnotes).

    `gap_pattern` tells the reference rule which `@name` is a gap id.
    """
    env: dict[str, object] = {"chapter_number": chapter_number, "gap_pattern": gap_pattern}
    return parser().parse(body, env), env
