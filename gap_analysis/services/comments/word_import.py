"""`comment import VERSION reviewed.docx`: a delegate's Word copy read back as comment-form rows.

Each Word comment becomes a row (author as member, commented text quoted in
the paragraph column, clause from the heading it stands under, replies kept
in the comment's text); each tracked change becomes a row whose proposal is
the change ("replace 'X' with 'Y'"), of type `ed` unless a comment on the
change says otherwise (a leading `te:`, `ge:`, `[technical]` ...). A Word copy
without comments or changes is read as the comment form when it holds a table
with the form's columns. Revisions made in an editor's name (the tool's own
revision marks, `diff --format docx`) are read as accepted, so a delegate's
copy of a revision-marks DOCX is read against the newer version's text. The
rows then go through `import_form`, the
same all-or-nothing path as a CSV form; rows already recorded on the version
are left out, so importing a file twice adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

from gap_analysis.errors import ContentError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.records import comments as comment_store
from gap_analysis.services.comments.form_columns import Form, FormRow, comment_type
from gap_analysis.services.comments.form_csv import read_csv
from gap_analysis.services.comments.import_form import ImportOptions, ImportResult, import_form
from gap_analysis.services.snapshots import Loaded, load

_MARKER = re.compile(
    r"^\s*\[?(ge|te|ed|general|technical|editorial)\]?\s*[:\-\u2013]\s*", re.IGNORECASE
)
_QUOTE_LIMIT = 200


@dataclass(frozen=True)
class WordImport:
    result: ImportResult
    already: int
    """Rows left out because the version already has them (an earlier import of the file)."""


def _typed(text: str, default: str) -> tuple[str, str]:
    """(type, text without its marker): `te: ...` makes a technical comment."""
    match = _MARKER.match(text)
    if not match:
        return default, text
    return comment_type(match.group(1)) or default, text[match.end() :]


def _folded(text: str) -> str:
    return " ".join(text.split())


def _version_text(loaded: Loaded) -> str:
    """All visible text of the version, white space folded, for finding quoted text."""
    pieces = []
    for chapter in loaded.report.chapters:
        structure = chapter_structure(chapter)
        for section in structure.sections:
            pieces.append(section.title)
            pieces.extend(block.text for block in section.blocks)
            pieces.extend(f"Gap {block.anchor}" for block in section.blocks if block.anchor)
    return _folded("\n".join(pieces))


def _in_version(quote: str, text: str) -> bool:
    """Each tab-separated piece with a letter in it (a heading's number is printed apart) is found."""
    pieces = [_folded(p) for p in quote.split("\t")]
    return all(
        p in text
        for p in pieces
        if re.search(r"\w", p) and not re.fullmatch(r"[\d.]+|Annex [A-Z]+", p)
    )


def _form_from_table(tables: list[list[list[str]]], name: str) -> Form:
    """The first table whose header row is the comment form's, read as the CSV form is."""
    for table in tables:
        out = io.StringIO()
        csv.writer(out).writerows(table)
        try:
            return read_csv(out.getvalue().encode("utf-8"), name)
        except ContentError:
            continue
    raise ContentError("no Word comments, tracked changes or comment-form table found", path=name)


def _rows(store: GitStore, version: str, raw: bytes, name: str) -> Form:
    from gap_analysis.docx.review import read_marks
    from gap_analysis.docx.safety import open_reviewed

    document, members = open_reviewed(raw, name)
    loaded = load(store, version)
    marks = read_marks(document, members, frozenset(p.name for p in loaded.settings.editors))
    if not marks.comments and not marks.changes:
        return _form_from_table(marks.tables, name)
    text = _version_text(loaded)
    rows: list[dict[str, str]] = []
    used: set[str] = set()
    for change in marks.changes:
        if change.deleted and not _in_version(change.deleted, text):
            raise ContentError(
                f"tracked change by {change.author}: deleted text '{change.deleted[:60]}' "
                f"is not in {version}",
                path=name,
            )
        on_it = next(
            (
                c
                for c in marks.comments
                if c.span[0] <= change.position <= c.span[1] and c.span != (0, 0)
            ),
            None,
        )
        kind, said = ("ed", f"Tracked change by {change.author}")
        if on_it is not None:
            used.add(on_it.id)
            kind, said = _typed(on_it.text, "ed")
            said = _with_replies(said, on_it.replies)
        rows.append(
            {
                "member": change.author,
                "type": kind,
                "comment": said,
                "proposal": _proposal(change.deleted, change.inserted, change.context),
                "clause": change.clause,
                "paragraph": _quoted(change.context + change.deleted),
            }
        )
    for comment in marks.comments:
        if comment.id in used:
            continue
        if not comment.quote or not _in_version(comment.quote, text):
            raise ContentError(
                f"comment {comment.id} by {comment.author}: the commented text "
                f"'{comment.quote[:60]}' is not in {version}",
                path=name,
            )
        kind, said = _typed(comment.text, "ge")
        rows.append(
            {
                "member": comment.author,
                "type": kind,
                "comment": _with_replies(said, comment.replies),
                "clause": comment.clause,
                "paragraph": _quoted(comment.quote),
            }
        )
    form = Form(name, columns=("member", "type", "comment", "proposal", "clause", "paragraph"))
    for number, values in enumerate(rows, 1):
        form.rows.append(FormRow(number, {k: _folded(v) for k, v in values.items()}))
    return form


def _with_replies(text: str, replies: list[tuple[str, str]]) -> str:
    return " ".join([text, *(f"[Reply by {who}: {said}]" for who, said in replies)])


def _quoted(text: str) -> str:
    text = _folded(text.replace("\t", " "))
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 3] + "..."
    return f"\u201c{text}\u201d" if text else ""


def _proposal(deleted: str, inserted: str, context: str) -> str:
    if deleted and inserted:
        return f"replace '{_folded(deleted)}' with '{_folded(inserted)}'"
    if deleted:
        return f"delete '{_folded(deleted)}'"
    after = _folded(context)[-40:]
    return f"insert '{_folded(inserted)}'" + (f" after '{after}'" if after else "")


def _key(member: str, comment: str, clause: str, proposal: str) -> tuple[str, str, str, str]:
    return (_folded(member), _folded(comment), _folded(clause), _folded(proposal))


def import_word(
    store: GitStore,
    version: str,
    raw: bytes,
    name: str,
    options: ImportOptions,
) -> WordImport:
    """Record the comments of a reviewed Word copy (all or nothing); rows already recorded are skipped."""
    form = _rows(store, version, raw, name)
    have = {
        _key(c.member, c.comment, c.clause, c.proposal)
        for c in comment_store.read_all(store, version)
    }
    fresh = [
        row
        for row in form.rows
        if _key(row.get("member"), row.get("comment"), row.get("clause"), row.get("proposal"))
        not in have
    ]
    already = len(form.rows) - len(fresh)
    if not fresh and not form.problems:
        return WordImport(ImportResult(version), already)
    form.rows = fresh
    digest = hashlib.sha256(raw).hexdigest()
    return WordImport(import_form(store, version, form, digest, options), already)
