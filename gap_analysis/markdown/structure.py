"""Chapter -> sections and leaf blocks with file lines, for `check`, the diff engine and gaps.

`text` of a block is its visible text with white space folded, so re-wrapping
is no change; `formatting` is the same text with emphasis marks and link
targets kept, so a change of formatting alone shows as one.
"""

from __future__ import annotations

from dataclasses import replace

from markdown_it.token import Token

from gap_analysis.markdown.engine import parse
from gap_analysis.markdown.labels import inline_refs, label_of
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.gap import DEFAULT_GAP_ID_PATTERN
from gap_analysis.model.structure import (
    Block,
    BlockKind,
    ChapterStructure,
    CrossRef,
    Label,
    Link,
    Section,
)

_CONTAINERS = {
    "bullet_list_open",
    "ordered_list_open",
    "list_item_open",
    "blockquote_open",
    "footnote_block_open",
    "footnote_open",
    "dl_open",
    "dd_open",
    "table_open",
    "thead_open",
    "tbody_open",
}


def inline_text(token: Token) -> tuple[str, str]:
    """(visible text, text with formatting marks and link targets)."""
    plain: list[str] = []
    marked: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            plain.append(child.content)
            marked.append(f"`{child.content}`" if kind == "code_inline" else child.content)
        elif kind in ("softbreak", "hardbreak"):
            plain.append(" ")
            marked.append(" ")
        elif kind == "image":
            alt = child.content
            plain.append(alt)
            marked.append(f"![{alt}]({child.attrGet('src') or ''})")
        elif kind == "link_close":
            marked.append(f"]({child.meta.get('href', '')})")
        elif kind == "link_open":
            marked.append("[")
        elif kind == "footnote_ref":
            label = str(child.meta.get("label", ""))
            plain.append(f"[^{label}]")
            marked.append(f"[^{label}]")
        elif kind == "crossref":
            # The target, never its number: a renumbering is no change of the text.
            plain.append(child.content)
            marked.append(child.content)
        elif child.markup:
            marked.append(child.markup)
    return " ".join("".join(plain).split()), " ".join("".join(marked).split())


def _links(token: Token, line: int) -> list[Link]:
    found = []
    pending: Token | None = None
    for child in token.children or []:
        if child.type == "link_open":
            pending = child
            found.append(Link(str(child.attrGet("href") or ""), line))
        elif child.type == "link_close" and pending is not None:
            child.meta["href"] = pending.attrGet("href") or ""
            pending = None
        elif child.type == "image":
            found.append(Link(str(child.attrGet("src") or ""), line, is_image=True))
    return found


def chapter_structure(
    chapter: Chapter, gap_pattern: str = DEFAULT_GAP_ID_PATTERN, tokens: list[Token] | None = None
) -> ChapterStructure:
    """The chapter's sections and blocks, links, figure and table labels, and `@` references.

    `gap_pattern` (the report's `gaps.id_pattern`) says which `@name` is a gap reference;
    `tokens`: the chapter already parsed with it (`engine.parse`), to parse it once.
    """
    if tokens is None:
        tokens, _env = parse(chapter.body, chapter.number, gap_pattern)
    offset = chapter.body_line
    body_lines = chapter.body.split("\n")
    sections: list[Section] = []
    links: list[Link] = []
    labels: list[Label] = []
    refs: list[CrossRef] = []
    current: dict[str, object] = {
        "anchor": "",
        "title": chapter.title,
        "number": chapter.number,
        "level": 1,
        "line": offset,
    }
    blocks: list[Block] = []
    depth = {"list": 0, "quote": 0, "footnote": 0, "dl": 0}
    row_cells: list[str] = []
    row_marks: list[str] = []
    row_line = (0, 0)

    def flush() -> None:
        sections.append(
            Section(
                str(current["anchor"]),
                str(current["title"]),
                str(current["number"]),
                int(str(current["level"])),
                int(str(current["line"])),
                tuple(blocks),
            )
        )

    for index, token in enumerate(tokens):
        kind = token.type
        start, end = (token.map or [0, 0])[0] + offset, (token.map or [0, 1])[1] + offset - 1
        if kind == "inline":
            refs.extend(inline_refs(token, start))
            label = label_of(tokens, index, start)
            if label is not None:
                labels.append(label)
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth["list"] += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth["list"] -= 1
        elif kind == "blockquote_open":
            depth["quote"] += 1
        elif kind == "blockquote_close":
            depth["quote"] -= 1
        elif kind == "footnote_open":
            depth["footnote"] += 1
        elif kind == "footnote_close":
            depth["footnote"] -= 1
        elif kind == "dl_open":
            depth["dl"] += 1
        elif kind == "dl_close":
            depth["dl"] -= 1
        elif kind == "heading_open":
            inline = tokens[index + 1]
            links.extend(_links(inline, start))
            text, marks = inline_text(inline)
            level = int(token.tag[1])
            if level == 1 and not sections and not blocks and current["anchor"] == "":
                current.update(anchor=token.meta["anchor"], title=token.meta["title"], line=start)
                blocks.append(
                    Block(
                        BlockKind.HEADING,
                        text,
                        start,
                        end,
                        level=1,
                        formatting=marks,
                        anchor=token.meta["anchor"],
                        source=_source(body_lines, offset, start, end),
                    )
                )
                continue
            flush()
            blocks = [
                Block(
                    BlockKind.HEADING,
                    text,
                    start,
                    end,
                    level=level,
                    formatting=marks,
                    anchor=token.meta["anchor"],
                    source=_source(body_lines, offset, start, end),
                )
            ]
            current = {
                "anchor": token.meta["anchor"],
                "title": token.meta["title"],
                "number": token.meta["number"],
                "level": level,
                "line": start,
            }
        elif kind == "tr_open":
            row_cells, row_marks, row_line = [], [], (start, end)
        elif kind == "inline" and tokens[index - 1].type in ("th_open", "td_open"):
            links.extend(_links(token, row_line[0]))
            text, marks = inline_text(token)
            row_cells.append(text)
            align = (
                tokens[index - 1].attrGet("style") if tokens[index - 1].type == "th_open" else None
            )
            row_marks.append(f"{{{align}}} {marks}" if align else marks)
        elif kind == "tr_close":
            if tokens[index - 1].type == "th_close":
                # The header row's span takes in the delimiter row below it, whose
                # colons (column alignment) show in the row's `formatting`.
                row_line = (row_line[0], row_line[1] + 1)
            blocks.append(
                Block(
                    BlockKind.TABLE_ROW,
                    " | ".join(row_cells),
                    row_line[0],
                    row_line[1],
                    cells=tuple(row_cells),
                    formatting=" | ".join(row_marks),
                    source=_source(body_lines, offset, *row_line),
                )
            )
        elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
            para = tokens[index - 1]
            p_start = (para.map or [0, 0])[0] + offset
            p_end = (para.map or [0, 1])[1] + offset - 1
            links.extend(_links(token, p_start))
            text, marks = inline_text(token)
            block_kind = (
                BlockKind.FOOTNOTE
                if depth["footnote"]
                else BlockKind.LIST_ITEM
                if depth["list"]
                else BlockKind.QUOTE
                if depth["quote"]
                else BlockKind.DEFINITION
                if depth["dl"]
                else BlockKind.PARAGRAPH
            )
            blocks.append(
                Block(
                    block_kind,
                    text,
                    p_start,
                    p_end,
                    level=depth["list"],
                    formatting=marks,
                    source=_source(body_lines, offset, p_start, p_end),
                )
            )
        elif kind == "inline" and tokens[index - 1].type == "table_caption_open":
            text, marks = inline_text(token)
            blocks.append(
                Block(
                    BlockKind.PARAGRAPH,
                    text,
                    start,
                    end,
                    formatting=marks,
                    source=_source(body_lines, offset, start, end),
                )
            )
        elif kind == "inline" and tokens[index - 1].type == "dt_open":
            links.extend(_links(token, start))
            text, marks = inline_text(token)
            blocks.append(
                Block(
                    BlockKind.DEFINITION,
                    text,
                    start,
                    end,
                    formatting=marks,
                    source=_source(body_lines, offset, start, end),
                )
            )
        elif kind in ("fence", "code_block"):
            info = token.info.strip().split(" ")[0] if token.info else ""
            block_kind = BlockKind.GAP if info == "gap" else BlockKind.CODE
            text = token.content.rstrip("\n")
            blocks.append(
                Block(
                    block_kind,
                    text,
                    start,
                    end,
                    formatting=info,
                    anchor=_gap_id(text) if block_kind is BlockKind.GAP else "",
                    source=_source(body_lines, offset, start, end),
                )
            )
        elif kind == "hr":
            blocks.append(
                Block(
                    BlockKind.RULE,
                    "---",
                    start,
                    end,
                    source=_source(body_lines, offset, start, end),
                )
            )
    flush()
    sections = _footnotes_in_place(sections)
    return ChapterStructure(
        chapter.id,
        chapter.path,
        chapter.number,
        chapter.title,
        tuple(sections),
        tuple(links),
        tuple(labels),
        tuple(refs),
        chapter.is_annex,
        chapter.former_ids,
    )


def _source(lines: list[str], body_line: int, start: int, end: int) -> str:
    first = start - body_line
    return "\n".join(lines[max(first, 0) : max(end - body_line + 1, first + 1)])


def _gap_id(text: str) -> str:
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("id:"):
            return stripped[3:].strip().strip("'\"")
    return ""


def _footnotes_in_place(sections: list[Section]) -> list[Section]:
    """Footnote definitions in the section where they are written, in line order.

    markdown-it gathers footnotes at the end of the token stream, so they would
    otherwise all land in the chapter's last section; a changed footnote must be
    reported where its definition stands.
    """
    notes = [b for s in sections for b in s.blocks if b.kind is BlockKind.FOOTNOTE]
    if not notes:
        return sections
    starts = [s.line for s in sections]
    homes: dict[int, list[Block]] = {}
    for note in notes:
        index = max((i for i, start in enumerate(starts) if start <= note.line), default=0)
        homes.setdefault(index, []).append(note)
    placed = []
    for index, section in enumerate(sections):
        kept = [b for b in section.blocks if b.kind is not BlockKind.FOOTNOTE]
        blocks = sorted([*kept, *homes.get(index, [])], key=lambda b: b.line)
        placed.append(replace(section, blocks=tuple(blocks)))
    return placed
