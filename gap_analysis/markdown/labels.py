"""The figure and table labels and the `@` references of a chapter's tokens, with file lines.

Read from the tokens the caption and reference rules (`figures`,
`table_captions`, `crossrefs`) leave, for `ChapterStructure.labels` and `.refs`.
"""

from __future__ import annotations

from markdown_it.token import Token

from gap_analysis.model.structure import CrossRef, Label


def inline_refs(token: Token, line: int) -> list[CrossRef]:
    """The `@name` references of an inline token, each on its own file line."""
    found = []
    offset = 0
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            offset += 1
        elif child.type == "crossref":
            found.append(CrossRef(str(child.meta["name"]), line + offset))
    return found


def label_of(tokens: list[Token], index: int, line: int) -> Label | None:
    """The figure or table label the inline token at `index` carries (with its caption)."""
    before = tokens[index - 1]
    name = str(before.meta.get("figure") or before.meta.get("table") or "")
    if not name or before.type not in ("paragraph_open", "table_caption_open"):
        return None
    if before.type == "paragraph_open":
        caption = str(before.meta.get("caption", ""))
    else:
        parts = [
            c.content for c in tokens[index].children or [] if c.type in ("text", "code_inline")
        ]
        caption = " ".join("".join(parts).split())
    return Label(name[:3], name, caption, line)
