"""One chapter -> HTML whose ids cannot collide with any other chapter's.

Every id is prefixed with the chapter id (`method--scope`, `method--fn-1`), so
chapters can be concatenated into one document. Links to other chapter files
become internal links; links to gap ids stay bare (`#G-AA-01`), since gap ids
are unique across the report. Images are resolved relative to the chapter file
into repository-relative paths; a reference that cannot be one (absolute,
outside the repository, a URL) is refused here and named in `problems`. The
renderer's URL fetcher still checks every path again: this module is not the
security boundary.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import replace
from html import escape
from urllib.parse import quote, unquote

from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from gap_analysis.markdown.engine import parse, parser
from gap_analysis.markdown.gaps import parse_gap
from gap_analysis.markdown.numbered_html import NUMBERED_RULES, NumberedRenderer
from gap_analysis.model.build import Reference, RenderedChapter, TocEntry
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.gap import GAP_REQUIRED_FIELDS, Gap
from gap_analysis.model.id_patterns import id_matches
from gap_analysis.model.languages import ENGLISH, Words, is_rtl, text_direction, words_for
from gap_analysis.model.numbering import Numbering, Target
from gap_analysis.model.paths import normalize

TOC_DEPTH = 2
"""Headings down to this level (1 = chapter) are listed on the contents page."""
_EXTERNAL = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class ChapterRenderer(NumberedRenderer):
    """markdown-it's HTML renderer with chapter-aware rules; one instance per chapter."""

    def __init__(
        self,
        chapter: Chapter,
        chapter_paths: dict[str, str],
        gap_pattern: str,
        annex_word: str = ENGLISH.annex,
        numbering: Numbering | None = None,
        words: Words | None = None,
    ) -> None:
        words = words or replace(words_for("en"), annex=annex_word)
        super().__init__(chapter, gap_pattern, numbering, words)
        self.annex_word = words.annex
        self.rtl = is_rtl(chapter.lang or "")
        self.chapter_paths = chapter_paths
        self.gap_pattern = gap_pattern
        self.folder = posixpath.dirname(chapter.path)
        self.toc: list[TocEntry] = []
        self.gaps: list[Gap] = []
        self.images: list[Reference] = []
        self.problems: list[tuple[str, int, str]] = []
        self.section = chapter.number
        self.has_title = False

    # -- ids and links ---------------------------------------------------

    def install(self) -> None:
        """Route the chapter-aware rules of `_RULES` to this instance's methods."""
        for name in _RULES:
            self.rules[name] = getattr(self, name)

    def image_path(self, path: str) -> str:
        """The path an image is printed with (a redline serves the older snapshot's elsewhere)."""
        return path

    def is_gap_id(self, anchor: str) -> bool:
        try:
            return id_matches(self.gap_pattern, anchor)
        except re.error:
            return False

    def fragment(self, chapter_id: str, anchor: str) -> str:
        if not anchor:
            return f"#{chapter_id}"
        if self.is_gap_id(anchor):
            return f"#{anchor}"
        return f"#{chapter_id}--{anchor}"

    def link_place(self, href: str) -> tuple[str, str] | None:
        """(chapter id, anchor) of a link into the report; None for an outside or broken one."""
        if href.startswith("#"):
            return self.chapter.id, unquote(href[1:])
        if _SCHEME.match(href):
            return None
        path, _, anchor = href.partition("#")
        target = normalize(unquote(path), self.folder) if path else None
        if target is not None and target in self.chapter_paths:
            return self.chapter_paths[target], unquote(anchor)
        return None

    def link_target(self, href: str) -> str | None:
        """The href to print, or None when the link leads nowhere a PDF can go."""
        if _EXTERNAL.match(href):
            return href
        place = self.link_place(href)
        return self.fragment(*place) if place is not None else None

    def link_number(self, href: str) -> Target | None:
        """What a link with empty text (`[](04-landscape.md#filtering)`) is filled with."""
        place = self.link_place(href)
        if place is None:
            return None
        chapter_id, anchor = place
        found = self.numbering.heading(chapter_id, anchor)
        if found is None and anchor:
            found = self.numbering.resolve(anchor)
        return found

    # -- rules -----------------------------------------------------------

    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        self.block_line(tokens, idx)
        element_id, label = self.heading(tokens[idx])
        token = tokens[idx]
        return (
            f'<{token.tag} id="{escape(element_id)}" class="numbered">'
            f'<span class="number">{escape(label)}</span> '
        )

    def heading(self, token: Token) -> tuple[str, str]:
        """(element id, printed number) of a heading; notes the section and the contents entry.

        The chapter's title heading is listed under the chapter id.
        """
        level = int(token.tag[1])
        meta = token.meta
        anchor = str(meta.get("anchor", "section"))
        element_id = self.unique_id(anchor)
        number = str(meta.get("number", ""))
        title = str(meta.get("title", ""))
        toc_id = element_id
        if level == 1 and not self.has_title:
            self.has_title = True
            toc_id = self.chapter.id
            number = self.chapter.number
        self.section = number
        if level <= TOC_DEPTH:
            self.toc.append(TocEntry(toc_id, number, title, level))
        label = f"{self.annex_word} {number}" if level == 1 and self.chapter.is_annex else number
        return element_id, label

    def paragraph_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        """What `dir="auto"` does in a browser (WeasyPrint has no `auto`): a paragraph whose
        first strong character runs the other way from its chapter gets its own direction."""
        inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
        direction = text_direction(inline.content) if inline is not None else None
        if direction is not None and (direction == "rtl") != self.rtl:
            tokens[idx].attrSet("dir", direction)
        figure = self.figure_open(tokens[idx])
        if figure:
            self.block_line(tokens, idx)
            return figure
        return self.renderToken(tokens, idx, options, env)

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        target = self.link_target(href)
        token.meta["printed"] = target is not None
        filled = ""
        if idx + 1 < len(tokens) and tokens[idx + 1].type == "link_close":
            number = self.link_number(href)
            filled = escape(number.printed(self.words) if number is not None else href)
        if target is None:
            return f'<span class="link">{filled}'
        kind = "internal" if target.startswith("#") else "external"
        return f'<a class="{kind}" href="{escape(target)}">{filled}'

    def link_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        for back in range(idx - 1, -1, -1):
            if tokens[back].type == "link_open" and tokens[back].level == tokens[idx].level:
                return "</a>" if tokens[back].meta.get("printed") else "</span>"
        return "</a>"

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = self.renderInlineAsText(token.children or [], options, env)
        title = str(token.attrGet("title") or "")
        path = self.image_source(src)
        if path is None:
            return f'<span class="image-refused">[image omitted: {escape(alt or src)}]</span>'
        caption = f' title="{escape(title)}"' if title else ""
        return f'<img src="{escape(quote(self.image_path(path)))}" alt="{escape(alt)}"{caption}>'

    def image_source(self, src: str) -> str | None:
        """The repository path of an image reference, recorded; None (and a problem) when refused."""
        reason = ""
        path: str | None = None
        if _SCHEME.match(src) or src.startswith("//"):
            reason = "only files of the report may be images (no URLs)"
        else:
            path = normalize(unquote(src.split("#", 1)[0].split("?", 1)[0]), self.folder)
            if path is None:
                reason = "the path leaves the repository or is absolute"
        self.images.append(Reference(src, path or "", self.chapter.path, self.line, reason))
        if path is None:
            self.problems.append((self.chapter.path, self.line, f"image '{src}' refused: {reason}"))
        return path

    def gap_entry(self, content: str) -> Gap | None:
        """A fenced gap entry parsed and placed in the current section; None (problems noted) if invalid."""
        gap, findings = parse_gap(content, self.chapter.path, self.line, self.gap_pattern)
        for finding in findings:
            self.problems.append((finding.path, finding.line, finding.message))
        if gap is None:
            return None
        gap = replace(gap, chapter_id=self.chapter.id, section=self.section)
        self.gaps.append(gap)
        return gap

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        self.block_line(tokens, idx)
        info = token.info.strip().split(" ")[0] if token.info else ""
        if info != "gap":
            lang = f' class="language-{escape(info)}"' if info else ""
            return f"<pre><code{lang}>{escape(token.content)}</code></pre>\n"
        gap = self.gap_entry(token.content)
        if gap is None:
            return (
                f'<div class="gap-entry invalid"><p class="gap-head">Gap entry (invalid)</p>'
                f"<pre>{escape(token.content)}</pre></div>\n"
            )
        return gap_box(gap)

    # -- footnotes (ids prefixed per chapter) ----------------------------

    def footnote_name(self, token: Token) -> str:
        return str(int(token.meta["id"]) + 1)

    def footnote_ref_id(self, token: Token) -> str:
        """The id of a reference to a footnote (a second reference to one note gets `-1`, ...)."""
        sub = int(token.meta.get("subId", 0) or 0)
        return self.local_id(f"fnref-{self.footnote_name(token)}" + (f"-{sub}" if sub else ""))

    def footnote_ref(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        name = self.footnote_name(tokens[idx])
        ref_id = self.footnote_ref_id(tokens[idx])
        return (
            f'<sup class="footnote-ref"><a href="#{self.local_id("fn-" + name)}" '
            f'id="{ref_id}">{name}</a></sup>'
        )

    def footnote_block_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return '<section class="footnotes"><p class="footnotes-title">Notes</p><ol>\n'

    def footnote_block_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return "</ol></section>\n"

    def footnote_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        name = self.footnote_name(tokens[idx])
        return f'<li id="{self.local_id("fn-" + name)}" value="{name}">'

    def footnote_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return "</li>\n"

    def footnote_anchor(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        ref_id = self.footnote_ref_id(tokens[idx])
        # An upward arrow that the bundled fonts draw (U+21A9 is in none of them).
        return (
            f' <a href="#{ref_id}" class="footnote-back" aria-label="back to the text">\u2191</a>'
        )


_RULES = NUMBERED_RULES + (
    "heading_open",
    "paragraph_open",
    "link_open",
    "link_close",
    "image",
    "fence",
    "footnote_ref",
    "footnote_block_open",
    "footnote_block_close",
    "footnote_open",
    "footnote_close",
    "footnote_anchor",
)


def gap_box(gap: Gap, marked: dict[str, str] | None = None, classes: str = "") -> str:
    """A gap entry as a boxed, anchored block (the element id is the gap id).

    `marked` gives trusted HTML for fields whose change a redline shows (by field
    name; a field only the older entry has is shown too, struck).
    """
    marked = marked or {}
    values = gap.fields()
    rows = []
    for name in ("area", "existing", "gap", "action", "lead", "priority", "status"):
        if name in marked:
            rows.append((name.capitalize(), marked[name]))
        elif values.get(name) or name in GAP_REQUIRED_FIELDS:
            rows.append((name.capitalize(), str(escape(values.get(name, "")))))
    body = "".join(f"<tr><th>{name}</th><td>{value}</td></tr>" for name, value in rows)
    extra = f" {classes}" if classes else ""
    return (
        f'<div class="gap-entry{extra}" id="{escape(gap.id)}">'
        f'<p class="gap-head"><span class="gap-id">{escape(gap.id)}</span> '
        f'<a class="gap-register-link" href="#gap-register--{escape(gap.id)}">register</a></p>'
        f'<table class="gap-fields">{body}</table></div>\n'
    )


def render_chapter(
    chapter: Chapter,
    chapter_paths: dict[str, str],
    gap_pattern: str,
    annex_word: str = ENGLISH.annex,
    source_lines: bool = False,
    *,
    numbering: Numbering | None = None,
    words: Words | None = None,
    parsed: tuple[list[Token], dict[str, object]] | None = None,
) -> RenderedChapter:
    """HTML of one chapter.

    `chapter_paths` maps every chapter's repository path to its id, so links
    between chapter files can become internal links. `numbering` is the
    report's (`markdown.numbering.report_numbering`), so figures, tables and
    references carry the numbers they have in the whole report; `words` the
    report's words ("Figure", "Annex"...). With `source_lines`, each top-level
    block carries `data-line` (its first file line), so the live preview can put
    a finding next to the block it concerns. `parsed`: the chapter's tokens and env
    (`engine.parse` with `gap_pattern`), when the caller has parsed it already.
    """
    tokens, env = parsed or parse(chapter.body, chapter.number, gap_pattern)
    if source_lines:
        for token in tokens:
            if token.map and token.nesting == 1 and token.level == 0:
                token.attrSet("data-line", str(chapter.file_line(token.map[0] + 1)))
    renderer = ChapterRenderer(
        chapter, chapter_paths, gap_pattern, annex_word, numbering=numbering, words=words
    )
    renderer.install()
    return finish_chapter(chapter, renderer, renderer.render(tokens, parser().options, env))


def finish_chapter(chapter: Chapter, renderer: ChapterRenderer, body: str) -> RenderedChapter:
    """The rendered chapter, with a numbered title when the Markdown has no `#` heading."""
    heading = ""
    if not renderer.has_title:
        label = f"{renderer.annex_word} {chapter.number}" if chapter.is_annex else chapter.number
        heading = (
            f'<h1 id="{escape(chapter.id)}" class="numbered"><span class="number">'
            f"{escape(label)}</span> {escape(chapter.title)}</h1>\n"
        )
        renderer.toc.insert(0, TocEntry(chapter.id, chapter.number, chapter.title, 1))
    title = next((e.title for e in renderer.toc if e.level == 1), chapter.title)
    return RenderedChapter(
        id=chapter.id,
        number=chapter.number,
        title=title,
        is_annex=chapter.is_annex,
        html=heading + body,
        toc=tuple(renderer.toc),
        gaps=tuple(renderer.gaps),
        images=tuple(renderer.images),
        problems=tuple(renderer.problems),
        figures=tuple(renderer.figures),
        tables=tuple(renderer.tables),
        lang=chapter.lang or "",
        rtl=renderer.rtl,
    )
