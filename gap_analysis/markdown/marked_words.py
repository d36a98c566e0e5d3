"""A word diff laid onto the inline tokens the HTML renderer draws.

The diff engine compares a block's visible words (`structure.inline_text`:
text, inline code, image alt text, `[^label]` for a footnote reference, line
breaks as spaces). Here the same words are counted again while the renderer
walks the block's inline tokens, so each inserted word is wrapped in `<ins>`
where it stands (inside emphasis, links, code) and each deleted run is drawn,
struck, before the word that follows it. When the count disagrees with the
diff (it should not), the whole block is drawn as old words struck and new
ones inserted, which is still exact for accepting or rejecting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from markdown_it.token import Token

from gap_analysis.model.diff import DELETE, EQUAL, INSERT, WordOp
from gap_analysis.model.word_plan import WordPlan

_FOOTNOTE_WORD = re.compile(r"\[\^([^\]\s]+)\]")


def old_words(ops: tuple[WordOp, ...]) -> str:
    return " ".join(op.text for op in ops if op.op in (EQUAL, DELETE) and op.text.strip())


def new_words(ops: tuple[WordOp, ...]) -> str:
    return " ".join(op.text for op in ops if op.op in (EQUAL, INSERT) and op.text.strip())


def deleted_html(words: list[str] | str, note_number: Callable[[str], str]) -> str:
    """Struck old words; a footnote reference among them shows as its old number."""
    text = words if isinstance(words, str) else " ".join(words)
    parts = []
    last = 0
    for found in _FOOTNOTE_WORD.finditer(text):
        parts.append(escape(text[last : found.start()]))
        parts.append(f'<sup class="footnote-ref">{escape(note_number(found.group(1)))}</sup>')
        last = found.end()
    parts.append(escape(text[last:]))
    return f'<del class="rl-words">{"".join(parts)}</del>'


def formatted_words(
    children: Sequence[Token], tag: Callable[[Sequence[Token], int], str]
) -> list[str]:
    """Each word of a block's inline tokens, counted as the diff counts them
    (`structure.inline_text`), as HTML with the emphasis, code and links around it.

    `tag(children, index)` is the renderer's HTML of an opening or closing token, so a
    deleted run struck in a redline looks as it did in the older build. Each word carries
    its own tags (`<em>a</em> <em>b</em>` draws as `<em>a b</em>`).
    """
    words: list[str] = []
    stack: list[tuple[str, str]] = []
    in_word = False

    def add(html: str) -> None:
        nonlocal in_word
        if in_word:
            words[-1] += html
        else:
            words.append(html)
            in_word = True

    def text(content: str, wrap: list[tuple[str, str]]) -> None:
        nonlocal in_word
        opening = "".join(o for o, _ in wrap)
        closing = "".join(c for _, c in reversed(wrap))
        for piece in re.split(r"(\s+)", content):
            if piece.isspace():
                in_word = False
            elif piece:
                add(opening + escape(piece) + closing)

    for index, child in enumerate(children):
        kind = child.type
        if kind == "text":
            text(child.content, stack)
        elif kind == "code_inline":
            text(child.content, [*stack, ("<code>", "</code>")])
        elif kind == "image":
            text(child.content, stack)
        elif kind in ("softbreak", "hardbreak"):
            in_word = False
        elif kind == "footnote_ref":
            number = int(child.meta.get("id", 0)) + 1
            wrap = "".join(o for o, _ in stack), "".join(c for _, c in reversed(stack))
            add(f'{wrap[0]}<sup class="footnote-ref">{number}</sup>{wrap[1]}')
        elif child.nesting == 1:
            stack.append((tag(children, index), _closing(children, index, tag)))
        elif child.nesting == -1 and stack:
            stack.pop()
    return words


def _closing(
    children: Sequence[Token], index: int, tag: Callable[[Sequence[Token], int], str]
) -> str:
    """The HTML that closes the inline element opened at `index`."""
    depth = 0
    for later in range(index + 1, len(children)):
        depth += children[later].nesting
        if depth < 0:
            return tag(children, later)
    return ""


def _join(pieces: list[tuple[str, str]]) -> str:
    """Pieces as HTML: consecutive inserted words (and the spaces between them) in one `<ins>`."""
    out: list[str] = []
    run: list[str] = []
    spaces: list[str] = []
    for kind, html in pieces:
        if kind == "ins":
            run.extend(spaces)
            spaces = []
            run.append(html)
        elif kind == "space" and run:
            spaces.append(html)
        else:
            if run:
                out.append(f'<ins class="rl-words">{"".join(run)}</ins>')
                run = []
            out.extend(spaces)
            spaces = []
            out.append(html)
    if run:
        out.append(f'<ins class="rl-words">{"".join(run)}</ins>')
    out.extend(spaces)
    return "".join(out)


class WordWalker:
    """Counts words across the pieces of one block and marks them from a `WordPlan`."""

    def __init__(
        self,
        plan: WordPlan,
        note_number: Callable[[str], str],
        old: Sequence[str] | None = None,
    ) -> None:
        """`old`: the older block's words as it drew them (`formatted_words`); deleted runs
        are then struck with their emphasis, code and links, else as plain words."""
        self.plan = plan
        self.note_number = note_number
        self.old = old if old is not None and len(old) == plan.old_count else None
        self.index = -1
        self.in_word = False
        self.ok = True

    def _deleted(self, before: int) -> str:
        words = self.plan.deleted_before.pop(before, None)
        if not words:
            return ""
        start = self.plan.deleted_from.get(before)
        if self.old is not None and start is not None:
            return f'<del class="rl-words">{" ".join(self.old[start : start + len(words)])}</del> '
        return deleted_html(words, self.note_number) + " "

    def _inserted(self, index: int) -> bool:
        if index >= len(self.plan.inserted):
            self.ok = False
            return False
        return self.plan.inserted[index]

    def text(self, content: str) -> str:
        """Plain text: runs of inserted words wrapped once, deleted runs placed before their word."""
        pieces: list[tuple[str, str]] = []
        for piece in re.split(r"(\s+)", content):
            if not piece:
                continue
            if piece.isspace():
                self.in_word = False
                pieces.append(("space", escape(piece)))
                continue
            if not self.in_word:
                self.index += 1
                self.in_word = True
                deleted = self._deleted(self.index)
                if deleted:
                    pieces.append(("del", deleted))
            kind = "ins" if self._inserted(self.index) else "word"
            pieces.append((kind, escape(piece)))
        return _join(pieces)

    def atom(self, words_text: str, html: str) -> str:
        """Something drawn whole (an image, a footnote reference) that counts as `words_text`."""
        if not words_text.strip():
            return html
        before = ""
        first = None
        indices = []
        for piece in re.split(r"(\s+)", words_text):
            if not piece:
                continue
            if piece.isspace():
                self.in_word = False
                continue
            if not self.in_word:
                self.index += 1
                self.in_word = True
                if first is None:
                    first = self.index
                    before = self._deleted(self.index)
                else:
                    before += self._deleted(self.index)
            indices.append(self.index)
        inserted = any(self._inserted(i) for i in indices)
        return before + (f'<ins class="rl-words">{html}</ins>' if inserted else html)

    def space(self) -> None:
        self.in_word = False

    def finish(self) -> str:
        """Deleted words after the last new word; and whether the count agreed with the plan."""
        if self.index + 1 != len(self.plan.inserted):
            self.ok = False
        rest = sorted(self.plan.deleted_before)
        tail = "".join(" " + self._deleted(i).rstrip() for i in rest)
        return tail
