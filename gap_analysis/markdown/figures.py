"""Rule `figures`: a paragraph that is only an image and `{#fig-x}` is a numbered figure.

`![Caption](images/x.png){#fig-x}` (Quarto's syntax): the image's text is the
caption. The paragraph's opening token gets `meta['figure']` (the label) and
`meta['caption']`; the `{#fig-x}` text is taken out of the inline children, so
it never prints and the diff sees the caption, not the label. The number comes
later, from the whole report (`model.numbering`).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

LABEL_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9_.:-]*[A-Za-z0-9])?"
"""What follows `fig-`, `tbl-` or `sec-` in a label (shared by the caption and reference rules)."""
_FIGURE_LABEL = re.compile(r"^\s*\{#(fig-" + LABEL_NAME + r")\}\s*$")


def _figures(state: StateCore) -> None:
    tokens = state.tokens
    for index in range(1, len(tokens)):
        inline = tokens[index]
        if inline.type != "inline" or tokens[index - 1].type != "paragraph_open":
            continue
        children = inline.children or []
        if len(children) < 2 or children[0].type != "image":
            continue
        rest = children[1:]
        if any(child.type != "text" for child in rest):
            continue
        found = _FIGURE_LABEL.match("".join(child.content for child in rest))
        if found is None:
            continue
        image = children[0]
        inline.children = [image]
        opening = tokens[index - 1]
        opening.meta["figure"] = found.group(1)
        opening.meta["caption"] = "".join(c.content for c in image.children or [])


def figures_plugin(md: MarkdownIt) -> None:
    # After text_join, which merges the text tokens that `{`, `#` and `}` split.
    md.core.ruler.after("text_join", "figures", _figures)
