"""What a reviewer put into a Word copy: comments (with replies), tracked changes, tables.

Read through python-docx's oxml layer. The body is walked once in document
order; a Heading N paragraph written by this tool is numbered by Word's list
numbering (`docx.numbering`, whose counters are followed here) or starts with
its number and a tab (`2.1<TAB>Scope`, `Annex A<TAB>...`, in a revision-marks
copy), which gives the clause of everything after it. A reply is a comment whose `w15:paraIdParent` (in
`commentsExtended.xml`) names another comment's paragraph, or, where that
part is missing, a comment anchored to exactly the same text as an earlier one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.oxml import parse_xml

from gap_analysis.docx.numbering import ListCounters
from gap_analysis.model.languages import WORDS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
_ANNEX_WORDS = frozenset(words.annex for words in WORDS.values())
"""`Annex A`, `Annexe A`, `Anexo A`...: an annex heading's label in any ITU language."""
_HEADING = re.compile(r"^Heading\s*([1-9])$", re.IGNORECASE)
_CHANGES = {f"{W}ins": "ins", f"{W}moveTo": "ins", f"{W}del": "del", f"{W}moveFrom": "del"}


@dataclass
class WordComment:
    id: str
    author: str
    text: str
    clause: str
    quote: str = ""
    replies: list[tuple[str, str]] = field(default_factory=list)
    """(author, text) of each reply, in order."""
    parent: str = ""
    """The id of the comment this one replies to."""
    span: tuple[int, int] = (0, 0)
    """Where its anchor starts and ends, counted in characters of the body."""


@dataclass
class TrackedChange:
    author: str
    clause: str
    deleted: str = ""
    inserted: str = ""
    context: str = ""
    """The paragraph's text before the change (what a reader of the old text sees)."""
    position: int = 0
    """Where the change starts, counted in characters of the body."""


@dataclass
class ReviewMarks:
    comments: list[WordComment]
    changes: list[TrackedChange]
    tables: list[list[list[str]]]


def _text_of(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _comment_text(element: Any) -> str:
    paragraphs = [_text_of(p) for p in element.iter(f"{W}p")]
    return "\n".join(p for p in paragraphs if p.strip())


def _clause_of(paragraph: Any, current: str, counters: ListCounters) -> str:
    numbered = counters.advance(paragraph)
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    if style is None or not _HEADING.match(style.get(f"{W}val", "")):
        return current
    if numbered:
        return numbered  # Word prints the heading's number from its list
    text = _text_of(paragraph)
    if "\t" not in text:
        return current
    label = text.split("\t", 1)[0].strip()
    word, _space, letter = label.rpartition(" ")
    return letter if word in _ANNEX_WORDS else label


def _change_kind(node: Any) -> tuple[str, Any] | None:
    """The enclosing tracked change of a text node: ('ins'|'del', element) or None."""
    parent = node.getparent()
    while parent is not None and parent.tag != f"{W}p":
        kind = _CHANGES.get(parent.tag)
        if kind:
            return kind, parent
        parent = parent.getparent()
    return None


def read_marks(
    document: Any, members: dict[str, bytes], accepted: frozenset[str] = frozenset()
) -> ReviewMarks:
    """The reviewer's marks; revisions by an author in `accepted` (the tool's own revision marks,
    made in the editor's name) are read as accepted: their insertions are text, deletions gone."""
    body = document.element.body
    comments = _comments(document, members)
    open_ranges: set[str] = set()
    quotes: dict[str, list[str]] = {}
    starts: dict[str, int] = {}
    clause_at: dict[str, str] = {}
    changes: list[TrackedChange] = []
    clause = "general"
    position = 0
    counters = ListCounters(document)
    for paragraph in body.iter(f"{W}p"):
        clause = _clause_of(paragraph, clause, counters)
        context: list[str] = []
        current: TrackedChange | None = None
        for node in paragraph.iter(
            f"{W}t", f"{W}delText", f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}tab"
        ):
            tag = node.tag
            if tag == f"{W}commentRangeStart":
                key = node.get(f"{W}id", "")
                open_ranges.add(key)
                starts[key] = position
                clause_at[key] = clause
                continue
            if tag == f"{W}commentRangeEnd":
                key = node.get(f"{W}id", "")
                open_ranges.discard(key)
                if key in comments:
                    comments[key].span = (starts.get(key, position), position)
                continue
            text = "\t" if tag == f"{W}tab" else node.text or ""
            found = _change_kind(node)
            if found is not None and found[1].get(f"{W}author", "") in accepted:
                if found[0] == "del":
                    continue
                found = None
            if found is None:
                current = None
            else:
                kind, element = found
                author = element.get(f"{W}author", "")
                if (
                    current is None
                    or current.author != author
                    or (kind == "del" and current.inserted)
                ):
                    current = TrackedChange(
                        author, clause, context="".join(context), position=position
                    )
                    changes.append(current)
                if kind == "ins":
                    current.inserted += text
                    continue  # not in the version's text: neither context nor quote
                current.deleted += text
            context.append(text)
            for key in open_ranges:
                quotes.setdefault(key, []).append(text)
            position += len(text)
        for key in open_ranges:
            quotes.setdefault(key, []).append("\n")
        position += 1
    for key, comment in comments.items():
        comment.quote = " ".join("".join(quotes.get(key, [])).split())
        comment.clause = clause_at.get(key, "general")
    tables = [
        [[_text_of(cell) for cell in row.iter(f"{W}tc")] for row in table.iter(f"{W}tr")]
        for table in body.iter(f"{W}tbl")
    ]
    return ReviewMarks(_threads(comments), changes, tables)


def _comments(document: Any, members: dict[str, bytes]) -> dict[str, WordComment]:
    """Comments by id, with `parent` set from `commentsExtended.xml` where there is one."""
    raw = members.get("word/comments.xml")
    if raw is None:
        return {}
    root = parse_xml(raw)  # python-docx's parser: entities never resolved (and refused before)
    found: dict[str, WordComment] = {}
    para_of: dict[str, str] = {}
    for element in root.iter(f"{W}comment"):
        key = element.get(f"{W}id", "")
        found[key] = WordComment(key, element.get(f"{W}author", ""), _comment_text(element), "")
        paragraphs = list(element.iter(f"{W}p"))
        if paragraphs:
            para_id = paragraphs[-1].get(f"{W14}paraId")
            if para_id:
                para_of[para_id.upper()] = key
    extended = members.get("word/commentsExtended.xml")
    if extended is not None:
        for entry in parse_xml(extended).iter(f"{W15}commentEx"):
            child = para_of.get((entry.get(f"{W15}paraId") or "").upper())
            parent = para_of.get((entry.get(f"{W15}paraIdParent") or "").upper())
            if child and parent:
                found[child].parent = parent
    return found


def _threads(comments: dict[str, WordComment]) -> list[WordComment]:
    """Top-level comments, each with its replies (by `parent`, else by the same anchor)."""
    tops: list[WordComment] = []
    by_span: dict[tuple[int, int, str], WordComment] = {}
    for comment in comments.values():
        if comment.parent and comment.parent in comments:
            comments[comment.parent].replies.append((comment.author, comment.text))
            continue
        same = by_span.get((*comment.span, comment.quote))
        if same is not None and not any(c.parent for c in comments.values()):
            same.replies.append((comment.author, comment.text))
            continue
        by_span[(*comment.span, comment.quote)] = comment
        tops.append(comment)
    return tops
