"""Rule `table_captions`: `: Caption {#tbl-x}` right under a table is its numbered caption.

Pandoc's syntax. The caption line may follow the last row directly or after
one blank line; without the rule, the first would read as one more table row
and the second as a paragraph. The caption becomes tokens `table_caption_open`
(tag `caption`), an inline token and `table_caption_close`, placed right after
`table_open` (where HTML wants a `<caption>`) but mapped to the caption's own
line; `table_open` gets `meta['table']` (the label) and `meta['caption']`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table
from markdown_it.token import Token

from gap_analysis.markdown.figures import LABEL_NAME

CAPTION = re.compile(r"^\s{0,3}:\s+(.*?)\s*\{#(tbl-" + LABEL_NAME + r")\}\s*$")


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] : state.eMarks[line]]


def _caption_line(state: StateBlock, start: int, end: int) -> tuple[int, int] | None:
    """(line where the table must stop, caption line), or None when no caption follows."""
    line = start + 2
    while line < end and not state.isEmpty(line):
        if CAPTION.match(_line(state, line)):
            return line, line
        line += 1
    if line + 1 < end and CAPTION.match(_line(state, line + 1)):
        return line, line + 1
    return None


def _captioned_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if "|" not in _line(state, start):
        return False
    found = _caption_line(state, start, end)
    if found is None:
        return False
    stop, caption_line = found
    first = len(state.tokens)
    if not table(state, start, stop, silent):
        return False
    if silent:
        return True
    found_caption = CAPTION.match(_line(state, caption_line))
    assert found_caption is not None
    text, label = found_caption.group(1), found_caption.group(2)
    opening = state.tokens[first]
    opening.meta["table"] = label
    opening.meta["caption"] = text
    caption_open = Token("table_caption_open", "caption", 1)
    caption_open.map = [caption_line, caption_line + 1]
    caption_open.level = opening.level + 1
    caption_open.meta["table"] = label
    inline = Token("inline", "", 0)
    inline.content = text
    inline.map = [caption_line, caption_line + 1]
    inline.level = opening.level + 2
    inline.children = []
    caption_close = Token("table_caption_close", "caption", -1)
    caption_close.level = opening.level + 1
    state.tokens[first + 1 : first + 1] = [caption_open, inline, caption_close]
    state.line = caption_line + 1
    return True


def table_captions_plugin(md: MarkdownIt) -> None:
    md.block.ruler.before(
        "table", "table_captions", _captioned_table, {"alt": ["paragraph", "reference"]}
    )
