"""One chapter -> `FlowChapter`: the HTML renderer's tokens as printable blocks (for DOCX).

Not a second Markdown parser: the tokens come from the one configured parser
(`engine.parse`), and headings, links, images and gap entries are resolved by
the HTML renderer's own methods (`ChapterRenderer.heading`, `link_target`,
`image_source`, `gap_entry`), so ids, numbers, refusals and gap findings are
the same as in the PDF. This walk only groups tokens into blocks and runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it.token import Token

from gap_analysis.markdown.engine import parse
from gap_analysis.markdown.html import ChapterRenderer
from gap_analysis.markdown.numbering import report_numbering
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.flow import (
    FlowBlock,
    FlowChapter,
    Footnote,
    GapBox,
    Heading,
    Paragraph,
    ParaStyle,
    Rule,
    Run,
    Table,
)
from gap_analysis.model.languages import Words
from gap_analysis.model.numbering import Numbering


@dataclass
class _Walk:
    resolver: ChapterRenderer
    blocks: list[FlowBlock] = field(default_factory=list)
    notes: list[Footnote] = field(default_factory=list)
    note_paras: list[Paragraph] | None = None
    note_number: int = 0
    lists: list[list[int]] = field(default_factory=list)
    """Open lists, innermost last: [ordered (0/1), items so far]."""
    item_paras: int = 0
    quote: int = 0
    definition: int = 0
    rows: list[tuple[tuple[Run, ...], ...]] = field(default_factory=list)
    row_lines: list[int] = field(default_factory=list)
    cells: list[tuple[Run, ...]] = field(default_factory=list)
    header_rows: int = 0
    in_table: bool = False
    caption: tuple[Run, ...] = ()
    table_id: str = ""

    def add(self, paragraph: Paragraph) -> None:
        if self.note_paras is not None:
            self.note_paras.append(paragraph)
        else:
            self.blocks.append(paragraph)

    def paragraph_style(self) -> tuple[ParaStyle, int, int]:
        if self.lists:
            ordered, count = self.lists[-1]
            self.item_paras += 1
            if self.item_paras > 1:
                return ParaStyle.CONTINUED, len(self.lists), 0
            style = ParaStyle.NUMBERED if ordered else ParaStyle.BULLET
            return style, len(self.lists), count
        if self.quote:
            return ParaStyle.QUOTE, 0, 0
        if self.definition:
            return ParaStyle.DEFINITION, 0, 0
        return ParaStyle.BODY, 0, 0


def runs_of(inline: Token, resolver: ChapterRenderer) -> tuple[Run, ...]:
    """An inline token's children as runs, links resolved as the HTML renderer does."""
    runs: list[Run] = []
    bold = italic = strike = 0
    links: list[str] = []

    def styled(text: str = "", link: str | None = None, **extra: Any) -> Run:
        """A run in the emphasis and link open here (made directly: one per text token)."""
        return Run(
            text,
            bold=bold > 0,
            italic=italic > 0,
            strike=strike > 0,
            link=(links[-1] if links else "") if link is None else link,
            **extra,
        )

    children = inline.children or []
    for index, child in enumerate(children):
        kind = child.type
        if kind == "text":
            runs.append(styled(child.content))
        elif kind == "code_inline":
            runs.append(styled(child.content, code=True))
        elif kind == "softbreak":
            runs.append(styled(" "))
        elif kind == "hardbreak":
            runs.append(styled(line_break=True))
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind in ("s_open", "s_close"):
            strike += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            href = str(child.attrGet("href") or "")
            links.append(resolver.link_target(href) or "")
            if index + 1 < len(children) and children[index + 1].type == "link_close":
                number = resolver.link_number(href)
                printed = number.printed(resolver.words) if number is not None else href
                runs.append(styled(printed, link=links[-1], diff_text=""))
        elif kind == "crossref":
            target = resolver.numbering.resolve(str(child.meta.get("name", "")))
            if target is None:
                runs.append(styled(f"?{child.content}", diff_text=child.content))
            else:
                printed = target.printed(resolver.words)
                runs.append(styled(printed, link=target.href, diff_text=child.content))
        elif kind == "link_close" and links:
            links.pop()
        elif kind == "image":
            src = str(child.attrGet("src") or "")
            alt = "".join(c.content for c in child.children or [])
            path = resolver.image_source(src)
            if path is None:
                runs.append(styled(f"[image omitted: {alt or src}]", diff_text=alt))
            else:
                title = str(child.attrGet("title") or "")
                counted = None if child.content == alt else child.content  # `An *old* chart`
                runs.append(styled(alt, image=path, image_title=title, diff_text=counted))
        elif kind == "footnote_ref":
            label = str(child.meta.get("label", ""))
            runs.append(styled(footnote=int(child.meta["id"]) + 1, footnote_label=label))
    return tuple(runs)


def flow_chapter(
    chapter: Chapter,
    chapter_paths: dict[str, str],
    gap_pattern: str,
    numbering: Numbering | None = None,
    words: Words | None = None,
    tokens: list[Token] | None = None,
) -> FlowChapter:
    """The chapter's blocks, footnotes, gaps, images and problems.

    `numbering` and `words` as for `render_chapter`: figures, tables and references
    carry the numbers they have in the whole report. `tokens`: the chapter already
    parsed (`engine.parse` with `gap_pattern`).
    """
    if tokens is None:
        tokens, _env = parse(chapter.body, chapter.number, gap_pattern)
    resolver = ChapterRenderer(
        chapter, chapter_paths, gap_pattern, numbering=numbering, words=words
    )
    walk = _Walk(resolver)
    for index, token in enumerate(tokens):
        _step(walk, tokens, index, token)
    if not resolver.has_title:
        label = f"{resolver.annex_word} {chapter.number}" if chapter.is_annex else chapter.number
        heading = Heading(1, chapter.number, label, (Run(text=chapter.title),), chapter.id)
        walk.blocks.insert(0, heading)
    title = next((e.title for e in resolver.toc if e.level == 1), chapter.title)
    return FlowChapter(
        id=chapter.id,
        number=chapter.number,
        title=title,
        is_annex=chapter.is_annex,
        blocks=tuple(walk.blocks),
        footnotes=tuple(walk.notes),
        gaps=tuple(resolver.gaps),
        images=tuple(resolver.images),
        problems=tuple(resolver.problems),
        figures=tuple(resolver.figures),
        tables=tuple(resolver.tables),
    )


def flow_report(
    chapters: Sequence[Chapter], gap_pattern: str, words: Words | None = None
) -> tuple[FlowChapter, ...]:
    """Every chapter as `flow_chapter` gives it, numbered across the report.

    Each chapter is parsed once, for both the report's numbering (its structure)
    and its blocks: the structure walk only reads the tokens the flow walk reads.
    """
    parsed = [parse(chapter.body, chapter.number, gap_pattern)[0] for chapter in chapters]
    numbering = report_numbering(chapters, gap_pattern, parsed)
    paths = {chapter.path: chapter.id for chapter in chapters}
    return tuple(
        flow_chapter(chapter, paths, gap_pattern, numbering, words, tokens)
        for chapter, tokens in zip(chapters, parsed, strict=True)
    )


def _step(walk: _Walk, tokens: Sequence[Token], index: int, token: Token) -> None:
    kind = token.type
    resolver = walk.resolver
    if token.map and token.block:
        resolver.block_line(tokens, index)
    if kind == "heading_open":
        element_id, label = resolver.heading(token)
        title = runs_of(tokens[index + 1], resolver)
        level = int(token.tag[1])
        heading = Heading(level, resolver.section, label, title, element_id, resolver.line)
        walk.blocks.append(heading)
    elif kind in ("bullet_list_open", "ordered_list_open"):
        start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 1
        walk.lists.append([1 if kind == "ordered_list_open" else 0, start - 1])
    elif kind in ("bullet_list_close", "ordered_list_close"):
        walk.lists.pop()
    elif kind == "list_item_open":
        walk.lists[-1][1] += 1
        walk.item_paras = 0
    elif kind == "blockquote_open":
        walk.quote += 1
    elif kind == "blockquote_close":
        walk.quote -= 1
    elif kind == "dd_open":
        walk.definition += 1
    elif kind == "dd_close":
        walk.definition -= 1
    elif kind == "footnote_open":
        walk.note_paras = []
        walk.note_number = int(token.meta["id"]) + 1
    elif kind == "footnote_close" and walk.note_paras is not None:
        token = next(t for t in reversed(tokens[:index]) if t.type == "footnote_open")
        label = str(token.meta.get("label", ""))
        walk.notes.append(Footnote(walk.note_number, tuple(walk.note_paras), label))
        walk.note_paras = None
    elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
        if walk.in_table:
            return
        style, depth, item = walk.paragraph_style()
        runs = runs_of(token, resolver)
        figure = tokens[index - 1].meta.get("figure")
        element_id = ""
        if figure and len(runs) == 1 and runs[0].image:
            caption = str(tokens[index - 1].meta.get("caption", ""))
            element_id, printed = resolver.label_number(str(figure), "fig", caption)
            runs = (replace(runs[0], image_title=f"{printed}: {caption}"),)
        walk.add(Paragraph(runs, style, depth, item, resolver.line, element_id))
    elif kind == "inline" and tokens[index - 1].type == "dt_open":
        walk.add(Paragraph(runs_of(token, resolver), ParaStyle.TERM, line=resolver.line))
    elif kind == "table_open":
        walk.rows, walk.row_lines, walk.header_rows, walk.in_table = [], [], 0, True
        walk.caption, walk.table_id = (), ""
        table_label = str(token.meta.get("table", ""))
        if table_label:
            caption_runs = runs_of(tokens[index + 2], resolver)
            plain = "".join(r.text for r in caption_runs)
            walk.table_id, printed = resolver.label_number(table_label, "tbl", plain)
            walk.caption = (Run(text=f"{printed}: "), *caption_runs)
    elif kind == "tr_open":
        walk.cells = []
        walk.row_lines.append(resolver.line)
    elif kind == "inline" and tokens[index - 1].type in ("th_open", "td_open"):
        walk.cells.append(runs_of(token, resolver))
    elif kind == "tr_close":
        walk.rows.append(tuple(walk.cells))
        if tokens[index - 1].type == "th_close":
            walk.header_rows += 1
    elif kind == "table_close":
        walk.blocks.append(
            Table(
                tuple(walk.rows),
                walk.header_rows,
                tuple(walk.row_lines),
                walk.caption,
                walk.table_id,
            )
        )
        walk.in_table = False
    elif kind in ("fence", "code_block"):
        info = token.info.strip().split(" ")[0] if token.info else ""
        gap = resolver.gap_entry(token.content) if info == "gap" else None
        if gap is not None:
            walk.blocks.append(GapBox(gap, resolver.line))
        else:
            lines: list[Run] = []
            for count, line in enumerate(token.content.rstrip("\n").split("\n")):
                if count:
                    lines.append(Run(line_break=True, code=True))
                lines.append(Run(text=line, code=True))
            walk.add(Paragraph(tuple(lines), ParaStyle.CODE, line=resolver.line))
    elif kind == "hr":
        walk.blocks.append(Rule(resolver.line))
