"""The ISO/ITU comment form as CSV: reading what spreadsheet programs export, writing it back.

Reading is tolerant where spreadsheets differ and strict where data would be
lost. Headers are matched after folding case, spaces, punctuation and
footnote marks (`MB/NC¹`, `Clause/ Subclause`, `Type of comment²`), with the
usual synonyms; a title block above the header row is skipped. The
separator (comma, semicolon or tab) is the one under which a header row is
recognised. Text must be UTF-8, with or without a BOM (UTF-16 with a BOM is
accepted too); rows with bytes that are not UTF-8 are named, never guessed at.
Rows are numbered as a spreadsheet numbers them: the first row of the file is 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from gap_analysis.errors import ContentError
from gap_analysis.model.comment import Comment
from gap_analysis.model.wording import plural

REQUIRED = ("member", "type", "comment")
"""Columns an import cannot do without; a clause or a chapter column is needed too."""
FIELDS = (
    "member",
    "line",
    "clause",
    "paragraph",
    "type",
    "comment",
    "proposal",
    "observations",
    "chapter",
)
_EXACT = {
    "member": {
        "mbnc",
        "mb",
        "nc",
        "member",
        "memberbody",
        "body",
        "nationalbody",
        "nationalcommittee",
        "source",
        "organization",
        "organisation",
        "country",
        "commenter",
        "submitter",
        "memberorganization",
        "sectormember",
        "delegation",
    },
    "line": {"line", "lines", "lineno", "linenumber", "linenumbers", "linenr"},
    "clause": {
        "clause",
        "subclause",
        "clausesubclause",
        "clauseno",
        "clausenumber",
        "section",
        "sectionnumber",
        "clausesubclauseno",
    },
    "paragraph": {
        "paragraph",
        "para",
        "paragraphfiguretable",
        "paragraphfiguretablenote",
        "figuretable",
        "paragraphfiguretableetc",
        "paragraphfiguretablelist",
    },
    "type": {"type", "typeofcomment", "commenttype", "typegeteed", "typeofcommentgeteed", "kind"},
    "comment": {
        "comment",
        "comments",
        "commentjustificationforchange",
        "commentsjustificationforchange",
        "justificationforchange",
    },
    "proposal": {
        "proposedchange",
        "proposedchanges",
        "proposal",
        "proposedtext",
        "proposedresolution",
    },
    "observations": {
        "observations",
        "observationsofthesecretariat",
        "secretariatobservations",
        "observation",
        "observationsofthesecretariatoneachcommentsubmitted",
    },
    "chapter": {"chapter", "chapterid"},
}
_PREFIX = (
    ("typeof", "type"),
    ("observation", "observations"),
    ("proposed", "proposal"),
    ("paragraph", "paragraph"),
    ("clause", "clause"),
    ("linenumber", "line"),
    ("mbnc", "member"),
    ("memberbody", "member"),
    ("commentsjust", "comment"),
)
_TYPES = {
    "ge": "ge",
    "general": "ge",
    "gen": "ge",
    "te": "te",
    "technical": "te",
    "tech": "te",
    "ed": "ed",
    "editorial": "ed",
    "edit": "ed",
}
_SEPARATORS = (",", ";", "\t")
_HEADER_SEARCH_ROWS = 25


def fold(header: str) -> str:
    """`Type of comment²` -> `typeofcomment`; `MB/NC¹` -> `mbnc`."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKC", header).lower())


def column_of(header: str) -> str | None:
    folded = fold(header)
    for name, synonyms in _EXACT.items():
        if folded in synonyms:
            return name
    return next((name for prefix, name in _PREFIX if folded.startswith(prefix)), None)


def comment_type(value: str) -> str | None:
    return _TYPES.get(fold(value))


@dataclass(frozen=True, slots=True)
class FormRow:
    row: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def line(self) -> int:
        match = re.search(r"[0-9]+", self.get("line"))
        return int(match.group()) if match and len(match.group()) < 10 else 0


@dataclass
class Form:
    rows: list[FormRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """`row N: what is wrong`, one per bad row."""
    columns: tuple[str, ...] = ()


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ContentError("not valid UTF-16 text", path=name) from None
    return raw.decode("utf-8-sig", errors="surrogateescape")


def _records(text: str, separator: str, name: str, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records = []
    try:
        for record in reader:
            records.append(record)
            if limit is not None and len(records) >= limit:
                break
    except csv.Error as exc:
        raise ContentError(
            f"not a readable CSV file: {exc}", path=name, line=reader.line_num
        ) from None
    return records


def _header(records: Sequence[list[str]]) -> tuple[int, dict[int, str]] | None:
    """The index of the header row and its recognised columns (index -> field)."""
    best: tuple[int, dict[int, str]] | None = None
    for index, record in enumerate(records[:_HEADER_SEARCH_ROWS]):
        columns: dict[int, str] = {}
        for position, cell in enumerate(record):
            name = column_of(cell)
            if name and name not in columns.values():
                columns[position] = name
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (index, columns)
    return best


def read_form(raw: bytes, name: str) -> Form:
    """The rows of a comment form; file-level problems raise, row problems are collected."""
    text = _decode(raw, name)
    if not text.strip():
        raise ContentError("the comment form is empty", path=name)
    best: tuple[str, int, dict[int, str]] | None = None
    for separator in _SEPARATORS:
        found = _header(_records(text, separator, name, _HEADER_SEARCH_ROWS))
        if found and (best is None or len(found[1]) > len(best[2])):
            best = (separator, *found)
    if best is None:
        raise ContentError(
            "no header row of the comment form found (expected columns such as "
            "'MB/NC', 'Clause/Subclause', 'Type of comment', 'Comments')",
            path=name,
        )
    separator, header_index, columns = best
    present = set(columns.values())
    missing = [c for c in REQUIRED if c not in present]
    if "clause" not in present and "chapter" not in present:
        missing.append("clause (or chapter)")
    if missing:
        raise ContentError(
            f"the comment form lacks the required {plural(len(missing), 'column')} "
            f"{', '.join(missing)} (header on row {header_index + 1})",
            path=name,
        )
    form = Form(columns=tuple(columns.values()))
    for index, record in enumerate(
        _records(text, separator, name)[header_index + 1 :], header_index + 2
    ):
        if not any(cell.strip() for cell in record):
            continue
        if any("\udc80" <= ch <= "\udcff" for cell in record for ch in cell):
            form.problems.append(f"row {index}: not valid UTF-8 (save the file as 'CSV UTF-8')")
            continue
        values = {
            field_name: " ".join(record[position].split()) if position < len(record) else ""
            for position, field_name in columns.items()
        }
        form.rows.append(FormRow(index, values))
    return form


EXPORT_COLUMNS = (
    "MB/NC",
    "Line number",
    "Clause/Subclause",
    "Paragraph/Figure/Table",
    "Type of comment",
    "Comments",
    "Proposed change",
    "Observations of the secretariat",
    "Disposition",
    "Reply",
    "Resolved in",
    "Chapter",
    "Stage",
    "Comment id",
)


def write_form(comments: Sequence[Comment]) -> str:
    """The comment form with dispositions: comma-separated, CRLF, for a BOM-prefixed UTF-8 file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for c in comments:
        writer.writerow(
            [
                c.member,
                str(c.line) if c.line else "",
                c.where if c.chapter else "general",
                c.paragraph,
                c.type,
                c.comment,
                c.proposal,
                c.observations,
                c.disposition,
                c.reply,
                c.resolved_in,
                c.chapter,
                c.stage,
                c.id,
            ]
        )
    return out.getvalue()
