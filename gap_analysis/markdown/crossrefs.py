"""Rule `crossrefs`: `@fig-x`, `@tbl-x`, `@sec-x` and `@G-AA-01` become `crossref` tokens.

Quarto's syntax. Only a label prefix (`fig-`, `tbl-`, `sec-`) or a gap id (the
report's `gaps.id_pattern`, passed in `env['gap_pattern']`) makes a reference:
`@PierrickV` stays text, and so does an e-mail address (`a@b.org`), since a
reference never follows a letter or digit. The token keeps the name
(`meta['name']`) and prints `@name` as its text, so the diff and `check` see
the target, never a number; the renderers print the number from
`model.numbering`.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from gap_analysis.markdown.figures import LABEL_NAME
from gap_analysis.model.gap import DEFAULT_GAP_ID_PATTERN
from gap_analysis.model.id_patterns import id_matches
from gap_analysis.model.numbering import is_label

_NAME = re.compile(LABEL_NAME)


def is_reference(name: str, gap_pattern: str) -> bool:
    """A name `@` turns into a reference: a label, or an id of the gap pattern."""
    if is_label(name):
        return True
    try:
        return id_matches(gap_pattern, name)
    except re.error:
        return False


def _crossref(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@":
        return False
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in "_@"):
        return False
    found = _NAME.match(state.src, pos + 1, state.posMax)
    if found is None:
        return False
    name = found.group(0)
    pattern = str(state.env.get("gap_pattern", DEFAULT_GAP_ID_PATTERN))
    if not is_reference(name, pattern):
        return False
    if not silent:
        token = state.push("crossref", "", 0)
        token.content = f"@{name}"
        token.meta["name"] = name
    state.pos = found.end()
    return True


def crossrefs_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("emphasis", "crossrefs", _crossref)
