"""Comment records: `review/comments/<version>/<id>.toml` <-> `Comment`.

One file per comment, so comments recorded on two branches merge without a
conflict. Ids are `c-<UTC yyyymmddHHMMSS>-<8 random hex digits>`: sortable by
time, readable in a meeting, and with 32 random bits two people would have to
record a comment in the same second and draw the same number to collide (a
collision inside one run is redrawn; one on disk is refused, never overwritten).
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from gap_analysis.errors import ContentError, GapAnalysisError
from gap_analysis.gitstore import GitStore
from gap_analysis.model.comment import COMMENT_TYPES, DISPOSITIONS, Comment
from gap_analysis.model.finding import Finding
from gap_analysis.records.files import (
    RecordFolder,
    Value,
    dumps,
    read_record,
    record_path,
    write_record,
)

COMMENTS_FOLDER = "review/comments"
COMMENT_ID = re.compile(r"^c-[0-9]{14}-[0-9a-f]{6,16}$")
_TEXT_FIELDS = (
    "version",
    "chapter",
    "section",
    "section_number",
    "section_title",
    "type",
    "member",
    "comment",
    "stage",
    "clause",
    "paragraph",
    "proposal",
    "observations",
    "recorded_by",
    "disposition",
    "reply",
    "resolved_in",
    "resolved_by",
    "resolve_note",
    "ref",
    "part",
)
HEADER = "A reviewer comment; only its disposition fields are ever rewritten (gap-analysis comment resolve)."


class UnknownCommentError(GapAnalysisError):
    """No comment has that id."""


def new_id(moment: datetime, taken: set[str]) -> str:
    while True:
        candidate = f"c-{moment.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def relative_path(comment: Comment) -> str:
    return path_of(comment.version, comment.id)


def path_of(version: str, comment_id: str) -> str:
    """The record of comment `comment_id` on `version`, relative to the repository."""
    return f"{COMMENTS_FOLDER}/{version}/{comment_id}.toml"


def to_record(comment: Comment) -> dict[str, Value | None]:
    record: dict[str, Value | None] = {
        "id": comment.id,
        "version": comment.version,
        "stage": comment.stage,
        "date": comment.date,
        "member": comment.member,
        "type": comment.type,
        "chapter": comment.chapter,
        "section": comment.section,
        "section_number": comment.section_number,
        "section_title": comment.section_title,
        "line": comment.line or None,
        "clause": comment.clause,
        "paragraph": comment.paragraph,
        "comment": comment.comment,
        "proposal": comment.proposal,
        "observations": comment.observations,
        "recorded_by": comment.recorded_by,
        "disposition": comment.disposition,
        "reply": comment.reply,
        "resolved_in": comment.resolved_in,
        "resolved_by": comment.resolved_by,
        "resolved_date": comment.resolved_date,
        "resolve_note": comment.resolve_note,
        "ref": comment.ref,
        "part": comment.part,
        "order": comment.order or None,
    }
    kept: dict[str, Value | None] = {k: v for k, v in record.items() if v not in ("", None)}
    for key in ("chapter", "member", "comment"):  # read back as required; "" is still a value
        kept.setdefault(key, "")
    return kept


def from_record(data: dict[str, Any], path: str) -> Comment:
    def text(key: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise ContentError(f"comment field '{key}' must be text", path=path)
        return value

    for key in ("id", "version", "type", "member", "comment", "date"):
        if key not in data:
            raise ContentError(f"comment record lacks '{key}'", path=path)
    date, resolved = data["date"], data.get("resolved_date")
    if not isinstance(date, datetime) or not (resolved is None or isinstance(resolved, datetime)):
        raise ContentError("comment dates must be TOML date-times", path=path)
    numbers = {key: data.get(key, 0) for key in ("line", "order")}
    for key, number in numbers.items():
        if not isinstance(number, int) or isinstance(number, bool):
            raise ContentError(f"comment field '{key}' must be a number", path=path)
    values = {key: text(key) for key in _TEXT_FIELDS}
    if values["type"] not in COMMENT_TYPES:
        raise ContentError(
            f"comment type '{values['type']}' is not one of {', '.join(COMMENT_TYPES)}", path=path
        )
    if values["disposition"] and values["disposition"] not in DISPOSITIONS:
        raise ContentError(
            f"disposition '{values['disposition']}' is not one of {', '.join(DISPOSITIONS)}",
            path=path,
        )
    return Comment(
        id=text("id"),
        date=date,
        line=numbers["line"],
        order=numbers["order"],
        resolved_date=resolved,
        path=path,
        **values,
    )


def read_all(
    store: GitStore,
    version: str | None = None,
    *,
    problems: list[Finding] | None = None,
    texts: dict[str, str] | None = None,
) -> list[Comment]:
    """Every comment as the records stand now in the working tree (by version, then time).

    A record that cannot be read raises, or, when `problems` is given (for
    `check`), becomes a finding there. When `texts` is given, each record's
    text as read goes there by path (what an import's journal keeps to roll
    back), so no record is read twice.
    """
    base = store.root / COMMENTS_FOLDER
    folders = [base / version] if version else sorted(p for p in base.glob("*") if p.is_dir())
    comments = []
    for folder in folders:
        records = RecordFolder(store.root, f"{COMMENTS_FOLDER}/{folder.name}")
        names = (
            sorted(n for n in os.listdir(folder) if n.endswith(".toml")) if folder.is_dir() else []
        )
        for name in names:
            relative = f"{records.folder}/{name}"
            try:
                with open(records.path(name), "rb") as handle:
                    raw = handle.read()
                comment = from_record(read_record(raw, relative), relative)
                if comment.version != folder.name or f"{comment.id}.toml" != name:
                    raise ContentError(
                        f"the record names comment '{comment.id}' on '{comment.version}'; "
                        "its file name and folder say otherwise",
                        path=relative,
                    )
            except ContentError as exc:
                if problems is None:
                    raise
                problems.append(Finding(relative, 0, "comment-record", exc.message))
                continue
            if texts is not None:
                texts[relative] = raw.decode("utf-8")
            comments.append(comment)
    comments.sort(key=lambda c: (c.version, c.date, c.order, c.id))
    return comments


_SHORT = re.compile(r"^(?:c-(?:[0-9]{1,14}(?:-[0-9a-f]{0,16})?)?|[0-9a-f]{1,16})$")
SHORT_ID_LENGTH = 4
"""The fewest hex digits `short_ids` shows; more when needed to stay unique."""


def random_part(comment_id: str) -> str:
    return comment_id.rsplit("-", 1)[-1]


def short_ids(ids: list[str]) -> dict[str, str]:
    """Each id's shortest unique prefix of its random part (at least `SHORT_ID_LENGTH` digits), as git shortens commits."""
    parts = sorted(random_part(i) for i in ids)
    needed: dict[str, int] = {}
    for before, after in zip(parts, parts[1:], strict=False):
        common = len(os.path.commonprefix([before, after])) + 1
        needed[before] = max(needed.get(before, 0), common)
        needed[after] = max(needed.get(after, 0), common)
    return {i: random_part(i)[: max(SHORT_ID_LENGTH, needed.get(random_part(i), 0))] for i in ids}


def all_ids(store: GitStore) -> list[str]:
    """The ids of every comment record, from the file names alone."""
    return [f.stem for f in (store.root / COMMENTS_FOLDER).glob("*/c-*.toml")]


def find(store: GitStore, comment_id: str) -> Comment:
    """The comment with id `comment_id`, or whose random part starts with it (`1a2b`), as git's short ids.

    An ambiguous prefix is refused with the candidates.
    """
    wanted = comment_id.strip().lower()
    if not _SHORT.fullmatch(wanted) or wanted in ("c-", ""):
        raise UnknownCommentError(
            f"'{comment_id}' is not a comment id (ids look like "
            "c-20250401100000-1a2b3c4d, or the start of the last part: 1a2b; see "
            "'gap-analysis comment list')"
        )
    base = store.root / COMMENTS_FOLDER
    if wanted.startswith("c-"):
        found = [f for f in base.glob("*/c-*.toml") if f.stem.startswith(wanted)]
    else:
        found = [f for f in base.glob(f"*/c-*-{wanted}*.toml")]
    if not found:
        raise UnknownCommentError(f"no comment '{comment_id}' (see 'gap-analysis comment list')")
    if len(found) > 1:
        names = sorted(f"{f.stem} ({f.parent.name})" for f in found)
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
        raise UnknownCommentError(
            f"'{comment_id}' is ambiguous: {len(found)} comments start so: {shown}; give more of the id"
        )
    file = found[0]
    relative = file.relative_to(store.root).as_posix()
    safe = record_path(store.root, relative)
    return from_record(read_record(safe.read_bytes(), relative), relative)


def write_new(store: GitStore, comment: Comment) -> str:
    relative = relative_path(comment)
    write_record(store.root, relative, to_record(comment), header=HEADER, exclusive=True)
    return relative


def write_new_batch(store: GitStore, comments: list[Comment], *, sync: bool = True) -> list[str]:
    """Write many new records (an import), each created exclusively, never overwriting one.

    Unlike `write_new`, a record is created in place (one directory operation,
    not three) and not fsynced on its own (10,000 fsyncs took half a minute);
    one `os.sync()` at the end makes the batch durable (`sync=False`: the
    caller syncs after a later batch). Each version's folder
    is judged once (`RecordFolder`); an exclusive create never follows a
    symlink. The caller holds the repository lock. On failure the files
    written so far are removed; a crash in the middle leaves uncommitted files
    that `git status` shows.
    """
    written: list[str] = []
    folders: dict[str, RecordFolder] = {}
    try:
        for comment in comments:
            relative = relative_path(comment)
            text = dumps(to_record(comment), HEADER).encode("utf-8")
            target = _folder(store, folders, comment.version).path(f"{comment.id}.toml")
            try:
                handle = open(target, "xb")  # noqa: SIM115
            except FileExistsError:
                raise ContentError("record already exists", path=relative) from None
            written.append(relative)
            with handle:
                handle.write(text)
    except BaseException:
        remove_new(store, written)
        raise
    if written and sync:
        os.sync()
    return written


def rewrite_batch(store: GitStore, comments: list[Comment]) -> list[str]:
    """Rewrite many records in place (an import's updates), then one `os.sync()`.

    Each record is overwritten from its first byte and then cut to the new
    length, never emptied first: ext4 flushes a file emptied and rewritten
    (`open(..., "wb")`) or renamed over on close (`auto_da_alloc`), and the
    freed blocks are discarded, which made 10,000 rewrites take 10 to 30 s of
    waiting against 0.3 s in place (tools/bench comments). Not atomic per
    file: the caller keeps each record's previous text in its journal, so an
    interrupted batch is rolled back from there.
    """
    written: list[str] = []
    folders: dict[str, RecordFolder] = {}
    for comment in comments:
        text = dumps(to_record(comment), HEADER).encode("utf-8")
        target = _folder(store, folders, comment.version).path(f"{comment.id}.toml")
        with open(os.open(target, os.O_WRONLY | os.O_CREAT, 0o666), "wb") as handle:
            handle.write(text)
            handle.truncate()
        written.append(relative_path(comment))
    if written:
        os.sync()
    return written


def _folder(store: GitStore, folders: dict[str, RecordFolder], version: str) -> RecordFolder:
    """The folder of `version`'s records, judged once per batch and made when missing."""
    if version not in folders:
        folders[version] = RecordFolder(store.root, f"{COMMENTS_FOLDER}/{version}")
        folders[version].create()
    return folders[version]


def rewrite(store: GitStore, comment: Comment) -> str:
    relative = relative_path(comment)
    write_record(store.root, relative, to_record(comment), header=HEADER, exclusive=False)
    return relative


def remove_new(store: GitStore, paths: list[str]) -> None:
    """Undo records written by a run that then failed (never called on committed ones)."""
    for relative in paths:
        Path(store.root / relative).unlink(missing_ok=True)
