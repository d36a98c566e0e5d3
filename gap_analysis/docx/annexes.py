"""The tool's own annexes (`ExtraAnnex`: change summary, comment disposition, ...) as flow blocks.

The PDF prints an annex's HTML, which this tool made from its models
(`render/summary_html`, `render/comments_html`), never from a user's
Markdown. The DOCX reads that same HTML back into the flow blocks the body
writer already knows (headings, paragraphs, list items, tables, links), so
each annex has one renderer and the two documents cannot disagree. Pictures
(the words chart) are left out: their numbers are in the table beside them.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

from gap_analysis.model.build import ExtraAnnex
from gap_analysis.model.flow import FlowBlock, Heading, Paragraph, ParaStyle, Run, Table

_INLINE = {"strong", "b", "em", "i", "code"}
_SKIPPED = {"svg", "figure", "style", "script", "colgroup"}
_BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "div", "caption"}


class _Reader(HTMLParser):
    """A small reader of trusted, tool-made HTML; anything it does not know adds its text only."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[FlowBlock] = []
        self.runs: list[Run] = []
        self.marks: dict[str, int] = {}
        self.link = ""
        self.skipping = 0
        self.lists: list[str] = []
        self.rows: list[tuple[tuple[Run, ...], ...]] = []
        self.cells: list[tuple[Run, ...]] = []
        self.header_rows = 0
        self.in_head = False
        self.head_cells = 0
        self.block = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        if self.skipping:
            return
        if tag in _BLOCKS:
            self.flush()
            self.block = tag
        if tag in _INLINE:
            self.marks[tag] = self.marks.get(tag, 0) + 1
        elif tag == "a":
            self.link = dict(attrs).get("href") or ""
        elif tag == "br":
            self.runs.append(Run(line_break=True))
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append(tag)
        elif tag == "table":
            self.flush()
            self.rows, self.header_rows = [], 0
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.cells, self.head_cells = [], 0
        if tag == "th":
            self.head_cells += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping -= 1
            return
        if self.skipping:
            return
        if tag in _INLINE:
            self.marks[tag] = max(self.marks.get(tag, 0) - 1, 0)
        elif tag == "a":
            self.link = ""
        elif tag in ("td", "th"):
            self.cells.append(tuple(self.runs))
            self.runs, self.block = [], ""
        elif tag == "tr":
            if len(self.rows) == self.header_rows and (
                self.in_head or self.head_cells == len(self.cells) > 0
            ):
                self.header_rows += 1  # leading rows of header cells
            self.rows.append(tuple(self.cells))
        elif tag == "thead":
            self.in_head = False
        elif tag == "table":
            if self.rows:
                self.blocks.append(Table(tuple(self.rows), header_rows=self.header_rows))
            self.rows = []
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skipping or not data.strip() and not self.runs:
            return
        bold = bool(self.marks.get("strong") or self.marks.get("b")) or self.block == "th"
        self.runs.append(
            Run(
                " ".join(data.split()) if data.strip() else " ",
                bold=bold,
                italic=bool(self.marks.get("em") or self.marks.get("i")),
                code=bool(self.marks.get("code")),
                link=self.link,
            )
        )

    def flush(self) -> None:
        """The text gathered so far as the block it stands in."""
        runs = _spaced(self.runs)
        self.runs = []
        block, self.block = self.block, ""
        if not runs or block in ("td", "th"):
            return
        if block.startswith("h") and block[1:].isdigit():
            level = min(int(block[1:]), 4)
            title = "".join(r.text for r in runs)
            self.blocks.append(Heading(level, "", "", runs, f"annex--{_slug(title)}"))
        elif block == "li" and self.lists:
            style = ParaStyle.NUMBERED if self.lists[-1] == "ol" else ParaStyle.BULLET
            self.blocks.append(Paragraph(runs, style, level=len(self.lists)))
        else:
            self.blocks.append(Paragraph(runs))


def _spaced(runs: list[Run]) -> tuple[Run, ...]:
    """Runs with one space between words where the HTML had white space or a tag boundary."""
    out: list[Run] = []
    for item in runs:
        if out and item.text and not item.line_break and out[-1].text:
            if item.text == " " or out[-1].text.endswith(" "):
                pass
            elif not item.text.startswith((".", ",", ";", ":", ")")):
                item = replace(item, text=" " + item.text)
        out.append(item)
    while out and out[-1].text == " ":
        out.pop()
    return tuple(out)


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:40]


def annex_blocks(annex: ExtraAnnex, label: str) -> tuple[FlowBlock, ...]:
    """An annex as blocks: its title as a level-1 heading labelled `label` (`Annex C`), then its HTML."""
    title = Heading(1, label.rsplit(" ", 1)[-1], label, (Run(annex.title),), annex.id)
    reader = _Reader()
    reader.feed(annex.html)
    reader.close()
    reader.flush()
    return (title, *reader.blocks)
