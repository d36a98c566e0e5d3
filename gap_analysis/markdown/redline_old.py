"""The older chapter of a redline, rendered by the build's renderer and cut into blocks.

Each block's HTML is kept with its file lines and the container it stood in
(a list, a table, the footnotes), so the redline can draw a removed block,
struck, at its place in the newer chapter. Element ids get a prefix so they
cannot collide with the newer chapter's, and images are printed under
`OLD_IMAGES`, where the build serves the older snapshot's bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from gap_analysis.markdown.engine import parse, parser
from gap_analysis.markdown.html import ChapterRenderer
from gap_analysis.markdown.marked_words import formatted_words
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.languages import Words
from gap_analysis.model.numbering import Numbering

OLD_IMAGES = ".redline-old/"
"""Path prefix under which the older snapshot's images are served to the redline."""
CONTAINERS = {
    "bullet_list_open": "ul",
    "ordered_list_open": "ol",
    "blockquote_open": "quote",
    "footnote_block_open": "footnotes",
    "table_open": "table",
    "dl_open": "dl",
}
CLOSERS = {k.replace("_open", "_close"): v for k, v in CONTAINERS.items()}
_ID = re.compile(r' id="')


def block_line(chapter: Chapter, token: Token) -> int | None:
    return chapter.file_line(token.map[0] + 1) if token.map else None


@dataclass
class Leaf:
    """One block of the older chapter, rendered, with the container it stood in."""

    line: int
    container: str
    kind: str
    html: str
    cells: list[str] = field(default_factory=list)
    note: int = 0
    """Footnotes: the note's number in the older chapter."""


class _Capture(ChapterRenderer):
    """Renders the older chapter and keeps each block's HTML (ids made unique to the redline)."""

    def __init__(
        self,
        chapter: Chapter,
        paths: dict[str, str],
        pattern: str,
        numbering: Numbering | None,
        words: Words | None = None,
    ) -> None:
        super().__init__(chapter, paths, pattern, numbering=numbering, words=words)
        self.leaves: list[Leaf] = []
        self.formatted: dict[tuple[int, int], list[str]] = {}

    def image_path(self, path: str) -> str:
        return OLD_IMAGES + path

    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        stack: list[str] = []
        open_leaf: tuple[int, str, str] | None = None
        out: list[str] = []
        cells: list[str] = []
        note = 0
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "footnote_open":
                note = int(token.meta.get("id", 0)) + 1
            if kind in CONTAINERS:
                stack.append(CONTAINERS[kind])
            elif kind in CLOSERS and stack:
                stack.pop()
            html = self.render_one(tokens, index, options, env)
            line = block_line(self.chapter, token)
            if kind in ("heading_open", "paragraph_open", "tr_open", "dt_open") and line:
                open_leaf = (line, kind[:-5], stack[-1] if stack else "")
                out, cells = [], []
            in_cell = tokens[index - 1].type in ("td_open", "th_open")
            if kind == "inline" and open_leaf is not None:
                self.formatted[(open_leaf[0], len(cells) if in_cell else -1)] = formatted_words(
                    token.children or [],
                    lambda children, at: self.render_one(children, at, options, env),
                )
            if kind == "inline" and in_cell:
                cells.append(html)
            if open_leaf is not None:
                out.append(html)
                if kind == open_leaf[1] + "_close":
                    self.add(open_leaf, "".join(out), cells, note)
                    open_leaf = None
            elif kind in ("fence", "code_block", "hr") and line:
                self.add((line, kind, stack[-1] if stack else ""), html, [], note)
        return ""

    def add(self, leaf: tuple[int, str, str], html: str, cells: list[str], note: int) -> None:
        html = _ID.sub(' id="rl-old-', html)
        number = note if leaf[2] == "footnotes" else 0
        self.leaves.append(Leaf(leaf[0], leaf[2], leaf[1], html, list(cells), number))

    def render_one(
        self, tokens: Sequence[Token], index: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[index]
        if token.type == "inline":
            return self.renderInline(token.children or [], options, env)
        if token.type in self.rules:
            return str(self.rules[token.type](tokens, index, options, env))
        return self.renderToken(tokens, index, options, env)


@dataclass
class OldChapter:
    """The older chapter as the redline needs it: its blocks' HTML and its numbers."""

    leaves: list[Leaf]
    note_numbers: dict[str, str]
    heading_numbers: dict[str, str]
    number: str
    images: list[tuple[str, int]]
    """(path, line) of each image of the older snapshot the redline shows."""
    problems: list[tuple[str, int, str]]
    formatted: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    """Each block's words as the older build drew them (`formatted_words`), by (file line,
    table column or -1), so a deleted run keeps its emphasis and links."""

    def between(self, first: int, last: int) -> list[Leaf]:
        return [leaf for leaf in self.leaves if first <= leaf.line <= last]


def capture_old(
    chapter: Chapter,
    paths: dict[str, str],
    pattern: str,
    numbering: Numbering | None = None,
    words: Words | None = None,
) -> OldChapter:
    """The older chapter's blocks as HTML; `numbering`: the older report's (its figure and
    table numbers as they were)."""
    tokens, env = parse(chapter.body, chapter.number, pattern)
    renderer = _Capture(chapter, paths, pattern, numbering, words)
    renderer.install()
    renderer.render(tokens, parser().options, env)
    notes = env.get("footnotes", {})
    refs = notes.get("refs", {}) if isinstance(notes, dict) else {}
    headings = {
        str(t.meta.get("anchor")): str(t.meta.get("number"))
        for t in tokens
        if t.type == "heading_open"
    }
    return OldChapter(
        renderer.leaves,
        {label[1:]: str(number + 1) for label, number in refs.items()},
        headings,
        chapter.number,
        [(ref.path, ref.line) for ref in renderer.images if ref.path],
        list(renderer.problems),
        renderer.formatted,
    )
