"""The comment form as rows of cells, whatever file it came in: its columns, its rows, the export.

Every form adapter (CSV in `form_csv`, XLSX in `form_xlsx`, and later a
reviewed Word copy) turns its file into numbered rows of text cells and hands
them to `form_from_cells`, which finds the header row and names each column;
on the way out, `export_cells` gives the rows that an adapter writes. So the
columns, their synonyms and the checks are the same for every format.

Headers are matched after folding case, spaces, punctuation and footnote marks
(`MB/NC¹`, `Clause/ Subclause`, `Type of comment²`), with the usual synonyms;
a title block above the header row is skipped. Cells keep their line breaks
(a multi-line comment stays multi-line) and lose only the spreadsheet quote
that `spreadsheet_cells.neutralise` put before formula-like text.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gap_analysis.errors import ContentError
from gap_analysis.model.comment import DISPOSITIONS, Comment
from gap_analysis.model.wording import plural
from gap_analysis.services.spreadsheet_cells import restore

REQUIRED = ("member", "type", "comment")
"""Columns a form of new comments cannot do without; a clause or a chapter column is needed too."""
UPDATED = ("disposition", "reply", "observations", "resolved_in")
"""What a row of an exported form (one with a comment id) may change in its comment."""
_EXACT = {
    "member": {
        *("mbnc", "mb", "nc", "member", "memberbody", "body", "nationalbody"),
        *("nationalcommittee", "source", "organization", "organisation", "country"),
        *("commenter", "submitter", "memberorganization", "sectormember", "delegation"),
    },
    "line": {"line", "lines", "lineno", "linenumber", "linenumbers", "linenr"},
    "clause": {
        *("clause", "subclause", "clausesubclause", "clauseno", "clausenumber", "section"),
        *("sectionnumber", "clausesubclauseno"),
    },
    "paragraph": {
        *("paragraph", "para", "paragraphfiguretable", "paragraphfiguretablenote"),
        *("figuretable", "paragraphfiguretableetc", "paragraphfiguretablelist"),
    },
    "type": {"type", "typeofcomment", "commenttype", "typegeteed", "typeofcommentgeteed", "kind"},
    "comment": {
        *("comment", "comments", "commentjustificationforchange"),
        *("commentsjustificationforchange", "justificationforchange"),
    },
    "proposal": {
        "proposedchange",
        "proposedchanges",
        "proposal",
        "proposedtext",
        "proposedresolution",
    },
    "observations": {
        *("observations", "observationsofthesecretariat", "secretariatobservations"),
        *("observation", "observationsofthesecretariatoneachcommentsubmitted"),
    },
    "chapter": {"chapter", "chapterid"},
    "ref": {
        *("ref", "reference", "no", "nr", "number", "commentno", "commentnumber"),
        *("commentref", "mbref", "bodyref", "yourref", "refno", "mbncref"),
    },
    "id": {"commentid", "gapanalysisid"},
    "disposition": {"disposition", "decision", "resolution"},
    "reply": {"reply", "response", "replytocomment", "answer"},
    "resolved_in": {"resolvedin", "inversion", "resolvedinversion"},
    "base": {"base", "basedonotedit", "exportbase"},
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
    **dict.fromkeys(("ge", "general", "gen"), "ge"),
    **dict.fromkeys(("te", "technical", "tech"), "te"),
    **dict.fromkeys(("ed", "editorial", "edit"), "ed"),
}
_DISPOSITIONS = {
    **{d.replace("-", ""): d for d in DISPOSITIONS},
    "accept": "accepted",
    "acceptedinprinciple": "accepted-modified",
    "acceptedwithmodification": "accepted-modified",
    "acceptedwithmodifications": "accepted-modified",
    "reject": "rejected",
    "note": "noted",
}
_HEADER_SEARCH_ROWS = 25
_BODY_REF = re.compile(r"^([A-Za-z]{2,8})[- ]?([0-9]{1,4})$")
"""An MB/NC cell such as `UK-3` or `DE 12`: the body and its own comment number."""


@functools.lru_cache(maxsize=4096)
def fold(header: str) -> str:
    """`Type of comment²` -> `typeofcomment`; `MB/NC¹` -> `mbnc` (cached: a form repeats its types and dispositions)."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKC", header).lower())


def column_of(header: str) -> str | None:
    folded = fold(header)
    for name, synonyms in _EXACT.items():
        if folded in synonyms:
            return name
    return next((name for prefix, name in _PREFIX if folded.startswith(prefix)), None)


def comment_type(value: str) -> str | None:
    """`ge`/`te`/`ed` from any case of those or of General, Technical, Editorial."""
    return _TYPES.get(fold(value))


def disposition_of(value: str) -> str | None:
    """A disposition from its spelling in a spreadsheet (`Accepted (modified)`); "" for none."""
    if not value.strip():
        return ""
    return _DISPOSITIONS.get(fold(value))


def cell_text(value: str) -> str:
    """A cell as recorded: line ends made `\\n`, outer blanks off, the export's formula quote undone."""
    text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    text = text.strip()
    return restore(text) if text[:1] == "'" else text


@dataclass(frozen=True, slots=True)
class FormRow:
    row: int
    """The row's number as a spreadsheet shows it (the file's first row is 1)."""
    values: dict[str, str]

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @property
    def line(self) -> int:
        match = re.search(r"[0-9]+", self.get("line"))
        return int(match.group()) if match and len(match.group()) < 10 else 0

    @property
    def member_and_ref(self) -> tuple[str, str]:
        """The member body and its own reference: a `Ref` column, or an MB/NC cell such as `UK-3`."""
        member, ref = self.get("member"), self.get("ref")
        match = _BODY_REF.match(member)
        if match and not ref:
            return match.group(1), member
        return member, ref


@dataclass
class Form:
    name: str
    rows: list[FormRow] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    """(row number, what is wrong), one per row that could not be read."""
    columns: tuple[str, ...] = ()

    @property
    def has_ids(self) -> bool:
        return "id" in self.columns


def header_of(records: Sequence[Sequence[str]]) -> tuple[int, dict[int, str]] | None:
    """The index of the header row among the first rows and its recognised columns (index -> field)."""
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


def no_header(name: str) -> ContentError:
    return ContentError(
        "no header row of the comment form found (expected columns such as "
        "'MB/NC', 'Clause/Subclause', 'Type of comment', 'Comments')",
        path=name,
    )


def form_from_cells(
    records: Iterable[tuple[int, Sequence[str], str]],
    header_row: int,
    columns: dict[int, str],
    name: str,
) -> Form:
    """A form from its rows after the header: (row number, cells, problem or "")."""
    present = set(columns.values())
    if "id" not in present:
        missing = [c for c in REQUIRED if c not in present]
        if "clause" not in present and "chapter" not in present:
            missing.append("clause (or chapter)")
        if missing:
            raise ContentError(
                f"the comment form lacks the required {plural(len(missing), 'column')} "
                f"{', '.join(missing)} (header on row {header_row})",
                path=name,
            )
    form = Form(name, columns=tuple(columns.values()))
    for number, record, problem in records:
        if problem:
            form.problems.append((number, problem))
            continue
        if not any(str(cell).strip() for cell in record):
            continue
        values = {
            field_name: cell_text(str(record[position])) if position < len(record) else ""
            for position, field_name in columns.items()
        }
        form.rows.append(FormRow(number, values))
    return form


EXPORT_COLUMNS = (
    "MB/NC",
    "Ref",
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
    "Base (do not edit)",
)
"""The export's columns; the last two let an import tell its rows and what changed since."""


def base_of(values: Sequence[str]) -> str:
    """A short fingerprint of each updatable field, so an import can tell who changed what since."""
    return ".".join(hashlib.sha256(v.encode("utf-8")).hexdigest()[:8] for v in values)


def updatable(comment: Comment) -> tuple[str, str, str, str]:
    return (comment.disposition, comment.reply, comment.observations, comment.resolved_in)


def export_cells(comments: Sequence[Comment]) -> list[list[str]]:
    """The header and one row per comment, each cell the text as recorded (a writer guards
    formula-like text: `spreadsheet_cells`)."""
    rows = [list(EXPORT_COLUMNS)]
    for c in comments:
        clause = c.where if c.chapter or c.part else "general"
        row = [
            *(c.member, c.ref, str(c.line) if c.line else "", clause, c.paragraph, c.type),
            *(c.comment, c.proposal, c.observations, c.disposition, c.reply, c.resolved_in),
            *(c.chapter, c.stage, c.id, base_of(updatable(c))),
        ]
        rows.append(row)
    return rows
