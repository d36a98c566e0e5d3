"""A chapter's redline: the build's own HTML renderer, marking changes as it renders.

`render_redline` renders the newer chapter with `markdown/html.py`'s renderer
and, block by block (keyed by the block's first file line, the identity
`markdown/structure.py` gives it), consults `ChapterMarks`:

* words inserted or deleted inside a paragraph, heading, list item, table
  cell, footnote, code block or gap field are marked where they stand
  (`marked_words.py`);
* a block added or moved here is wrapped whole in `<ins>`;
* blocks of the older chapter that were removed (or moved away) are rendered
  from the older chapter's tokens by the same renderer (`redline_old.py`) and
  drawn struck at their place, inside the container they belong to (a list
  item in its list, a row in its table, a footnote among the notes);
* renumbered headings and footnote references show the old number struck.

Notes ("moved from 4.3", both targets of a changed link) are attributes the
stylesheet draws, not text, so removing every `<del>` leaves exactly the newer
version's text and removing every `<ins>` the older one's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from urllib.parse import quote, unquote

from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from gap_analysis.markdown.engine import parse, parser
from gap_analysis.markdown.gaps import parse_gap
from gap_analysis.markdown.html import ChapterRenderer, finish_chapter, gap_box
from gap_analysis.markdown.marked_words import WordWalker, deleted_html, old_words
from gap_analysis.markdown.redline_old import (
    CLOSERS,
    CONTAINERS,
    OLD_IMAGES,
    OldChapter,
    block_line,
)
from gap_analysis.model.build import RenderedChapter
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.diff import Change, ChangeKind
from gap_analysis.model.languages import Words
from gap_analysis.model.numbering import Numbering
from gap_analysis.model.paths import normalize
from gap_analysis.model.redline import ChapterMarks, OldPlace
from gap_analysis.model.structure import BlockKind
from gap_analysis.model.word_plan import WordPlan

_WRAP = {
    "ul": ("<ul>", "</ul>"),
    "ol": ("<ol>", "</ol>"),
    "quote": ("<blockquote>", "</blockquote>"),
    "footnotes": ('<section class="footnotes"><ol>', "</ol></section>"),
    "table": ('<table class="content"><tbody>', "</tbody></table>"),
    "dl": ("<dl>", "</dl>"),
}
_LEAF_OPEN = ("heading_open", "paragraph_open", "tr_open", "dt_open", "list_item_open")
_NUMBER = re.compile(r'<span class="number">([^<]*)</span>')
_MARK_TAG = re.compile(r"<(ins|del)\b[^>]*>")
SCREEN_READER_CLASS = "rl-sr"
"""Labels ("inserted: ", "deleted: ") inside every mark, for screen readers: the stylesheet
hides them from sight (and from a PDF unless it is tagged for accessibility). They are
annotations, not the report's text."""


def _labelled(html: str) -> str:
    def label(found: re.Match[str]) -> str:
        word = "inserted" if found.group(1) == "ins" else "deleted"
        return f'{found.group(0)}<span class="{SCREEN_READER_CLASS}">{word}: </span>'

    return _MARK_TAG.sub(label, html)


def _attrs(tag_html: str, classes: str, note: str = "") -> str:
    """`tag_html` with classes (and a note the stylesheet draws) added to its first tag."""
    end = tag_html.find(">")
    if end < 0 or not tag_html.startswith("<"):
        return tag_html
    tag = tag_html[:end]
    closing = "/" if tag.endswith("/") else ""
    tag = tag.rstrip("/")
    if ' class="' in tag:
        tag = tag.replace(' class="', f' class="{classes} ', 1)
    else:
        tag += f' class="{classes}"'
    if note:
        tag += f' data-note="{escape(note)}"'
    return tag + closing + tag_html[end:]


def _main(changes: tuple[Change, ...]) -> Change | None:
    return next(
        (c for c in changes if c.kind not in (ChangeKind.FORMATTING, ChangeKind.LINK)), None
    )


def _note(changes: tuple[Change, ...]) -> str:
    notes = []
    for change in changes:
        if change.kind is ChangeKind.MOVED and change.old_section:
            notes.append(f"moved from {change.old_section}")
        elif change.kind is ChangeKind.LINK:
            notes.extend(f"link changed: {old} \u2192 {new}" for old, new in change.links)
        elif change.kind is ChangeKind.FORMATTING:
            notes.append("formatting changed")
    return "; ".join(notes)


def _whole(change: Change | None) -> bool:
    """The block is drawn inserted as a whole (added, or moved here unedited)."""
    if change is None:
        return False
    if change.kind is ChangeKind.ADDED:
        return True
    return change.kind is ChangeKind.MOVED and not WordPlan.of(change.ops).changed


def _row_width(tokens: Sequence[Token], tr_open: int) -> int:
    """The number of cells of the table row that opens at `tr_open`."""
    width = 0
    for token in tokens[tr_open + 1 :]:
        if token.type == "tr_close":
            break
        width += token.type in ("td_open", "th_open")
    return width


class RedlineRenderer(ChapterRenderer):
    """The chapter renderer with change marks; one instance per chapter."""

    def __init__(
        self,
        chapter: Chapter,
        chapter_paths: dict[str, str],
        gap_pattern: str,
        marks: ChapterMarks,
        old: OldChapter | None,
        changed_only: bool = False,
        numbering: Numbering | None = None,
        words: Words | None = None,
    ) -> None:
        super().__init__(chapter, chapter_paths, gap_pattern, numbering=numbering, words=words)
        self.marks = marks
        self.old = old
        self.changed_only = changed_only
        self.pending = sorted(marks.before.items())
        self.footnote_queue: list[tuple[int, str]] = []
        """Struck notes of the older chapter, with their old numbers, drawn in that order."""
        self.footnotes_done = False
        self.changes: tuple[Change, ...] = ()
        self.cell = -1
        self.row_width = 0
        self.closers: list[str] = []
        self.moved_note = False

    # -- numbers ---------------------------------------------------------

    def note_number(self, label: str) -> str:
        if self.old is None:
            return label
        return self.old.note_numbers.get(label, label)

    def old_number(self, token: Token, first: bool) -> str | None:
        if self.old is None:
            return None
        if first:
            return self.old.number
        main = _main(self.changes)
        if main is not None and main.old_section:
            return main.old_section
        return self.old.heading_numbers.get(str(token.meta.get("anchor", "")))

    # -- the block loop --------------------------------------------------

    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        out: list[str] = []
        stack: list[str] = []
        wrappers: list[int] = []
        skip = False
        first_heading = True
        for index, token in enumerate(tokens):
            kind = token.type
            line = block_line(self.chapter, token)
            if kind == "footnote_block_open":
                out.extend("</ins>" for _ in wrappers)
                wrappers.clear()
                skip = False
                out.append(self.before(10**9, []))
            if line is not None and token.nesting >= 0:
                if token.level == 0:
                    while wrappers and line > wrappers[-1]:
                        out.append("</ins>")
                        wrappers.pop()
                    if kind == "heading_open" and self.changed_only:
                        number = str(token.meta.get("number", ""))
                        skip = not first_heading and number not in self.marks.sections_changed
                out.append(self.before(line, stack))
                if token.level == 0 and kind == "heading_open":
                    for moved in self.marks.sections:
                        if moved.new_line == line:
                            out.append(
                                f'<ins class="rl-block rl-moved" data-note="{escape(moved.note)}">'
                            )
                            wrappers.append(moved.new_end_line)
                if kind == "heading_open":
                    first_heading = False
            if kind in CONTAINERS:
                stack.append(CONTAINERS[kind])
            elif kind in CLOSERS and stack:
                stack.pop()
            if skip:
                continue
            if kind in _LEAF_OPEN and line is not None:
                self.changes = self.marks.blocks.get(line, ())
                self.cell = -1
                # a note of a moved section moves with it, though drawn among the notes
                self.moved_note = bool(stack and stack[-1] == "footnotes") and any(
                    m.new_line <= line <= m.new_end_line for m in self.marks.sections
                )
            out.append(self.render_one(tokens, index, options, env))
        out.extend("</ins>" for _ in wrappers)
        out.append(self.before(10**9, []))
        if self.footnote_queue and not self.footnotes_done:
            # every note of the older chapter is gone: its notes section, struck
            out.append(
                '<section class="footnotes"><p class="footnotes-title"><del>Notes</del></p><ol>'
                + self.queued_notes(10**9)
                + "</ol></section>"
            )
        return "".join(out)

    def render_one(
        self, tokens: Sequence[Token], index: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[index]
        kind = token.type
        if kind == "inline":
            return self.inline(tokens, index, options, env)
        if kind in self.rules:
            html = str(self.rules[kind](tokens, index, options, env))
        else:
            html = self.renderToken(tokens, index, options, env)
        if kind in ("paragraph_open", "list_item_open", "tr_open", "dt_open") and self.changes:
            main = _main(self.changes)
            label = main.kind if main is not None else self.changes[0].kind
            if kind != "paragraph_open" or tokens[index - 1].type != "list_item_open":
                html = _attrs(html, f"rl-changed rl-{label}", _note(self.changes))
        if kind in ("td_open", "th_open"):
            self.cell += 1
        elif kind == "tr_open":
            self.row_width = _row_width(tokens, index)
        elif self.moved_note and kind == "paragraph_open":
            html += '<ins class="rl-moved">'
        elif self.moved_note and kind == "paragraph_close":
            html = "</ins>" + html
        return html

    # -- removed blocks --------------------------------------------------

    def before(self, line: int, stack: list[str]) -> str:
        """Blocks of the older chapter that stood before this line, struck, in their old order."""
        places: list[OldPlace] = []
        while self.pending and self.pending[0][0] <= line:
            places.extend(self.pending.pop(0)[1])
        inside = stack[-1] if stack else ""
        html = "".join(
            self.old_place(place, inside) for place in sorted(places, key=lambda p: p.old_line)
        )
        for opening, closing in _WRAP.values():
            html = html.replace(closing + opening, "")
        return html

    def old_place(self, place: OldPlace, inside: str) -> str:
        if self.old is None:
            return ""
        leaves = self.old.between(place.old_line, place.old_end_line)
        if not place.section:
            leaves = [leaf for leaf in leaves if leaf.line == place.old_line][:1]
        parts: list[str] = []
        for leaf in leaves:
            if leaf.container == "footnotes":
                self.footnote_queue.append(
                    (
                        leaf.note,
                        f'<li class="rl-removed"><del class="rl-block">{leaf.html}</del></li>',
                    )
                )
                continue
            item = self.old_leaf(leaf.kind, leaf.html, leaf.cells, leaf.container)
            if leaf.container != inside:
                if inside in ("ul", "ol"):
                    item = f'<li class="rl-removed">{item}</li>'
                elif leaf.container in _WRAP:
                    item = _WRAP[leaf.container][0] + item + _WRAP[leaf.container][1]
            parts.append(item)
        body = "".join(parts)
        for opening, closing in _WRAP.values():
            body = body.replace(closing + opening, "")
        if not body or not place.note:
            return body
        tag = "li" if inside in ("ul", "ol") else "div"
        return (
            f'<{tag} class="rl-moved-away" data-note="{escape(place.note)}">'
            f'<del class="rl-block">{body}</del></{tag}>'
        )

    @staticmethod
    def old_leaf(kind: str, html: str, cells: list[str], container: str) -> str:
        if kind == "tr":
            return (
                '<tr class="rl-removed">'
                + "".join(f'<td><del class="rl-words">{cell}</del></td>' for cell in cells)
                + "</tr>"
            )
        if container in ("ul", "ol"):
            return f'<li class="rl-removed"><del class="rl-block">{html}</del></li>'
        if kind == "heading":
            return f'<del class="rl-block">{_attrs(html, "rl-removed")}</del>'
        return f'<del class="rl-block rl-removed">{html}</del>'

    # -- marked rules ----------------------------------------------------

    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        first = not self.has_title and int(tokens[idx].tag[1]) == 1
        html = super().heading_open(tokens, idx, options, env)
        old = self.old_number(tokens[idx], first)
        number = _NUMBER.search(html)
        main = _main(self.changes)
        if number and old is not None and not _whole(main):
            label = f"{self.annex_word} {old}" if first and self.chapter.is_annex else old
            if label != number.group(1):
                html = html.replace(
                    number.group(0),
                    f'<span class="number"><del class="rl-number">{escape(label)}</del> '
                    f'<ins class="rl-number">{number.group(1)}</ins></span>',
                )
        if self.changes:
            label_kind = main.kind if main is not None else self.changes[0].kind
            html = _attrs(html, f"rl-changed rl-{label_kind}", _note(self.changes))
        if _whole(main):
            assert main is not None
            tag_end = html.index(">") + 1
            html = html[:tag_end] + f'<ins class="rl-{main.kind}">' + html[tag_end:]
            self.closers.append("</ins>")
        return html

    def heading_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        closer = self.closers.pop() if self.closers else ""
        return closer + self.renderToken(tokens, idx, options, env)

    def inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self.inline_marked(tokens, idx, options, env)

    def inline_marked(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        children = tokens[idx].children or []
        main = _main(self.changes)
        if main is None:
            return self.renderInline(children, options, env)
        heading = tokens[idx - 1].type == "heading_open"
        if _whole(main):
            body = self.renderInline(children, options, env)
            return body if heading else f'<ins class="rl-{main.kind}">{body}</ins>'
        ops = main.ops
        gone = ""
        column = -1
        if main.block == str(BlockKind.TABLE_ROW):
            gone = self.lost_columns(main)
            cell = next((c for c in main.cells if c.column == self.cell), None)
            if cell is None:
                # an unchanged cell of the row: moved with it, or kept as it was
                body = self.renderInline(children, options, env) + gone
                return (
                    f'<ins class="rl-moved">{body}</ins>' if main.kind is ChangeKind.MOVED else body
                )
            ops, column = cell.ops, cell.column
        plan = WordPlan.of(ops)
        formatted = self.old_formatted(main, column, plan)
        marked = self.marked(children, plan, options, env, formatted)
        if marked is not None:
            body = marked + gone
        else:
            new = self.renderInline(children, options, env)
            struck = (
                f'<del class="rl-words">{" ".join(formatted)}</del>'
                if formatted
                else deleted_html(old_words(ops), self.note_number)
            )
            body = f'{struck} <ins class="rl-words">{new}</ins>{gone}'
        if main.kind is ChangeKind.MOVED and not heading:
            return f'<ins class="rl-moved">{body}</ins>'
        return body

    def lost_columns(self, row: Change) -> str:
        """In a row's last cell: the struck words of the older row's columns the newer row lacks."""
        if self.cell != self.row_width - 1:
            return ""
        lost = [c.old for c in row.cells if c.column >= self.row_width and c.old.strip()]
        return "".join(" " + deleted_html(old, self.note_number) for old in lost)

    def old_formatted(self, change: Change, column: int, plan: WordPlan) -> list[str] | None:
        """The older block's words as it drew them, when they are the words the diff counted."""
        if self.old is None or change.old_line is None:
            return None
        found = self.old.formatted.get((change.old_line, column))
        return found if found is not None and len(found) == plan.old_count else None

    def marked(
        self,
        children: Sequence[Token],
        plan: WordPlan,
        options: OptionsDict,
        env: EnvType,
        old: list[str] | None = None,
    ) -> str | None:
        walker = WordWalker(plan, self.note_number, old)
        out = []
        for index, child in enumerate(children):
            kind = child.type
            if kind == "text":
                out.append(walker.text(child.content))
            elif kind == "code_inline":
                out.append(f"<code>{walker.text(child.content)}</code>")
            elif kind in ("softbreak", "hardbreak"):
                walker.space()
                out.append(self.rules[kind](children, index, options, env))
            elif kind == "image":
                html = self.rules["image"](children, index, options, env)
                out.append(walker.atom(child.content, html))
            elif kind == "footnote_ref":
                html = self.rules["footnote_ref"](children, index, options, env)
                out.append(walker.atom(f"[^{child.meta.get('label', '')}]", html))
            elif kind == "crossref":
                # The diff's word is the reference's target (`@fig-x`), printed as its number.
                html = self.rules["crossref"](children, index, options, env)
                out.append(walker.atom(child.content, html))
            elif kind in self.rules:
                out.append(self.rules[kind](children, index, options, env))
            else:
                out.append(self.renderToken(children, index, options, env))
        out.append(walker.finish())
        return "".join(out) if walker.ok else None

    def changed_target(self, target: str) -> str | None:
        """The older target of a link or image of this block that now points at `target`."""
        for change in self.changes:
            if change.kind is ChangeKind.LINK:
                for old, new in change.links:
                    if new == target and old != target:
                        return old
        return None

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        html = super().link_open(tokens, idx, options, env)
        old = self.changed_target(str(tokens[idx].attrGet("href") or ""))
        if old is None:
            return html
        return _attrs(html, "rl-link")

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """An image now showing another file: the older one struck, the newer one inserted."""
        html = super().image(tokens, idx, options, env)
        token = tokens[idx]
        old = self.changed_target(str(token.attrGet("src") or ""))
        if old is None:
            return html
        alt = escape(self.renderInlineAsText(token.children or [], options, env))
        path = normalize(unquote(old.split("#", 1)[0].split("?", 1)[0]), self.folder)
        if path is None or self.old is None:
            old_html = f'<span class="image-refused">[image omitted: {escape(old)}]</span>'
        else:
            self.old.images.append((path, self.line))
            old_html = f'<img src="{escape(quote(OLD_IMAGES + path))}" alt="{alt}">'
        return (
            f'<del class="rl-image" data-note="image replaced: {escape(old)}">{old_html}</del> '
            f'<ins class="rl-image">{html}</ins>'
        )

    def footnote_ref(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        html = super().footnote_ref(tokens, idx, options, env)
        if self.old is None:
            return html
        label = str(tokens[idx].meta.get("label", ""))
        old = self.old.note_numbers.get(label)
        new = self.footnote_name(tokens[idx])
        if old is not None and old != new:
            html = html.replace(
                f">{new}</a>",
                f'><del class="rl-number">{old}</del><ins class="rl-number">{new}</ins></a>',
            )
        return html

    def footnote_block_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        self.footnotes_done = True
        return self.queued_notes(10**9) + super().footnote_block_close(tokens, idx, options, env)

    def queued_notes(self, before: int) -> str:
        """The struck older notes numbered below `before`, in their older order."""
        self.footnote_queue.sort(key=lambda item: item[0])
        taken = [html for number, html in self.footnote_queue if number < before]
        self.footnote_queue = [item for item in self.footnote_queue if item[0] >= before]
        return "".join(taken)

    def footnote_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        label = str(tokens[idx].meta.get("label", ""))
        old = self.old.note_numbers.get(label) if self.old is not None else None
        queued = self.queued_notes(int(old)) if old is not None else ""
        return queued + super().footnote_open(tokens, idx, options, env)

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        line = block_line(self.chapter, token)
        changes = self.marks.blocks.get(line or 0, ())
        self.changes = ()
        html = super().fence(tokens, idx, options, env)
        main = _main(changes)
        if main is None:
            return html
        if _whole(main):
            return f'<ins class="rl-block rl-{main.kind}" data-note="{escape(_note(changes))}">{html}</ins>'
        if main.fields:
            gap, _ = parse_gap(token.content, self.chapter.path, self.line, self.gap_pattern)
            if gap is not None:
                marked = {}
                for changed in main.fields:
                    walker = WordWalker(WordPlan.of(changed.ops), self.note_number)
                    body = walker.text(changed.new or "") + walker.finish()
                    marked[changed.name] = (
                        body
                        if walker.ok
                        else (
                            deleted_html(changed.old or "", self.note_number)
                            + f' <ins class="rl-words">{escape(changed.new or "")}</ins>'
                        )
                    )
                return gap_box(gap, marked, "rl-changed rl-modified")
        walker = WordWalker(WordPlan.of(main.ops), self.note_number)
        body = walker.text(token.content) + walker.finish()
        if not walker.ok:
            body = (
                deleted_html(old_words(main.ops), self.note_number)
                + f'<ins class="rl-words">{escape(token.content)}</ins>'
            )
        inner = f"<pre><code>{body}</code></pre>"
        if main.kind is ChangeKind.MOVED:
            inner = f'<ins class="rl-moved">{inner}</ins>'
        return f'<div class="rl-changed rl-{main.kind}" data-note="{escape(_note(changes))}">{inner}</div>\n'


_MARKED_RULES = ("heading_close", "footnote_block_close")


def render_redline(
    chapter: Chapter,
    chapter_paths: dict[str, str],
    gap_pattern: str,
    marks: ChapterMarks,
    old: OldChapter | None,
    *,
    changed_only: bool = False,
    numbering: Numbering | None = None,
    words: Words | None = None,
) -> RenderedChapter:
    """The newer chapter as HTML with `marks` drawn on it (`old`: the older chapter's blocks).

    `numbering`: the newer report's, so figures and references print their numbers there.
    """
    tokens, env = parse(chapter.body, chapter.number, gap_pattern)
    renderer = RedlineRenderer(
        chapter, chapter_paths, gap_pattern, marks, old, changed_only, numbering, words
    )
    renderer.install()
    for name in _MARKED_RULES:
        renderer.rules[name] = getattr(renderer, name)
    body = renderer.render(tokens, parser().options, env)
    if marks.chapter_note:
        body = f'<p class="rl-note" data-note="{escape(marks.chapter_note)}"></p>' + body
    return finish_chapter(chapter, renderer, _labelled(body))
