"""The base of the chapter renderers: element ids, the current file line, and what the
report's numbering puts into a chapter (numbered figures and tables, `@` references).

`markdown/html.py`'s `ChapterRenderer` (and through it the redline and DOCX
walks) builds on it. The numbers come from the report's `Numbering`
(`model.numbering`), so a chapter rendered alone still prints the numbers it
has in the whole report; a renderer given none numbers its chapter on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.build import TocEntry
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.languages import Words
from gap_analysis.model.numbering import Numbering, number_report


class NumberedRenderer(RendererHTML):
    """Ids prefixed with the chapter, file lines, figures, table captions and references."""

    def __init__(
        self, chapter: Chapter, gap_pattern: str, numbering: Numbering | None, words: Words
    ) -> None:
        super().__init__()
        self.chapter = chapter
        self.words = words
        self.numbering = numbering if numbering is not None else own_numbering(chapter, gap_pattern)
        """The report's numbering; without one, the chapter is numbered on its own."""
        self.figures: list[TocEntry] = []
        self.tables: list[TocEntry] = []
        """The chapter's numbered figures and tables, for the lists after the contents."""
        self.line = chapter.body_line
        self.ids: dict[str, int] = {}

    # -- ids and lines ---------------------------------------------------

    def local_id(self, anchor: str) -> str:
        return f"{self.chapter.id}--{anchor}"

    def unique_id(self, anchor: str) -> str:
        count = self.ids.get(anchor, 0) + 1
        self.ids[anchor] = count
        return self.local_id(anchor if count == 1 else f"{anchor}-{count}")

    def block_line(self, tokens: Sequence[Token], idx: int) -> None:
        token = tokens[idx]
        if token.map:
            self.line = self.chapter.file_line(token.map[0] + 1)

    def renderToken(
        self,
        tokens: Sequence[Token],
        idx: int,
        options: OptionsDict,  # noqa: N802
        env: EnvType,
    ) -> str:
        """Every block token without its own rule passes here: keep the current line."""
        self.block_line(tokens, idx)
        return super().renderToken(tokens, idx, options, env)

    # -- figures and tables ----------------------------------------------

    def label_number(self, label: str, kind: str, caption: str) -> tuple[str, str]:
        """(element id, "Figure 3") of a figure (`fig`) or table (`tbl`) this chapter
        defines; listed for the list of figures or tables."""
        element_id = self.unique_id(label)
        target = self.numbering.resolve(label)
        number = target.number if target is not None and target.kind == kind else "?"
        word = self.words.figure if kind == "fig" else self.words.table
        entries = self.figures if kind == "fig" else self.tables
        entries.append(TocEntry(element_id, number, caption, 1))
        return element_id, f"{word} {number}"

    def figure_open(self, token: Token) -> str:
        """`<figure>` for a paragraph the `figures` rule marked; "" for any other paragraph."""
        label = token.meta.get("figure")
        if not label:
            return ""
        caption = str(token.meta.get("caption", ""))
        element_id, printed = self.label_number(str(label), "fig", caption)
        token.meta["printed"] = printed
        return f'<figure id="{escape(element_id)}" class="figure">'

    def paragraph_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        opening = tokens[idx - 2] if idx >= 2 else None
        if opening is not None and opening.type == "paragraph_open" and opening.meta.get("figure"):
            caption = escape(str(opening.meta.get("caption", "")))
            printed = escape(str(opening.meta.get("printed", "")))
            return (
                f'<figcaption><span class="caption-label">{printed}:</span> '
                f"{caption}</figcaption></figure>\n"
            )
        return self.renderToken(tokens, idx, options, env)

    def table_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        self.block_line(tokens, idx)
        label = tokens[idx].meta.get("table")
        if not label:
            return '<table class="content">\n'
        caption = self.renderInlineAsText(tokens[idx + 2].children or [], options, env)
        element_id, printed = self.label_number(str(label), "tbl", caption)
        tokens[idx].meta["printed"] = printed
        return f'<table class="content" id="{escape(element_id)}">\n'

    def table_caption_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        printed = ""
        for back in range(idx - 1, -1, -1):
            if tokens[back].type == "table_open":
                printed = str(tokens[back].meta.get("printed", ""))
                break
        return f'<caption><span class="caption-label">{escape(printed)}:</span> '

    def table_caption_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return "</caption>\n"

    # -- references ------------------------------------------------------

    def crossref(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        """`@fig-x` as "Figure 3", linked; an unknown name prints as Quarto does (`?@fig-x`)."""
        token = tokens[idx]
        target = self.numbering.resolve(str(token.meta.get("name", "")))
        if target is None:
            return f'<span class="xref unknown">?{escape(token.content)}</span>'
        return (
            f'<a class="internal xref" href="{escape(target.href)}">'
            f"{escape(target.printed(self.words))}</a>"
        )


NUMBERED_RULES = (
    "paragraph_close",
    "table_open",
    "table_caption_open",
    "table_caption_close",
    "crossref",
)
"""The rules of this class that `ChapterRenderer.install` routes to the instance."""


def own_numbering(chapter: Chapter, gap_pattern: str) -> Numbering:
    """The numbering of one chapter alone, for a renderer given no report numbering."""
    return number_report([chapter_structure(chapter, gap_pattern)])
