"""Reviewer comments on a version: add, import, export, list, resolve; open comments for the gate.

A comment is made on a version that exists, and records the stage that
version stood at (replayed from the review events), so the
"no-open-comments" gate of `review agree` asks only about comments made at
the stage being left. Places are checked against the version's own text;
listings show them where they stand now. Commands that write take the
repository lock and commit only the record files they wrote, once per run
(an import of 10,000 rows is one commit); on any failure they remove what they
wrote, so nothing is left half done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from gap_analysis.errors import ContentError, RefusedError, RevisionError, option
from gap_analysis.gitstore import (
    GitStore,
    RepoLock,
    check_name,
    commit_new_records,
    commit_paths,
    unstage,
)
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.comment import COMMENT_TYPES, DISPOSITIONS, Comment
from gap_analysis.model.finding import Finding
from gap_analysis.model.structure import ChapterStructure, Section
from gap_analysis.model.version import Version
from gap_analysis.model.wording import counted
from gap_analysis.records import comments as comment_store
from gap_analysis.services.comments.anchors import (
    GENERAL_CLAUSES,
    CommentPlace,
    Index,
    lost_findings,
)
from gap_analysis.services.comments.form_csv import comment_type, read_form, write_form
from gap_analysis.services.review.ledger import find_version, load_ledger
from gap_analysis.services.snapshots import load


class CommentImportError(ContentError):
    """A comment form with bad rows; `problems` names each one."""

    def __init__(self, message: str, problems: list[str], *, path: str) -> None:
        super().__init__(message, path=path)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class NewComment:
    """What a reviewer says, before it is placed and recorded."""

    member: str
    type: str
    text: str
    chapter: str = ""
    section: str = ""
    """A section number (`5.2`) or anchor; empty for the chapter as a whole."""
    line: int = 0
    proposal: str = ""
    paragraph: str = ""
    observations: str = ""
    clause: str = ""


@dataclass(frozen=True, slots=True)
class Listed:
    comment: Comment
    place: CommentPlace


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _actor(store: GitStore, by: str | None) -> str:
    if by:
        return by
    name, email = store.user()
    return email or name


def _version(store: GitStore, name: str) -> Version:
    check_name(store, name)
    version = find_version(store, name)
    if version is None:
        raise RevisionError(f"no version '{name}' (see 'gap-analysis version list')")
    if not version.commit:
        raise RevisionError(
            f"version {name} is not committed yet; complete it with "
            f"'gap-analysis version cut {name}' first"
        )
    return version


def _index(store: GitStore, rev: str | None) -> Index:
    loaded = load(store, rev)
    return Index([chapter_structure(chapter) for chapter in loaded.report.chapters])


def _commit(store: GitStore, paths: list[str], message: str, *, new: bool) -> None:
    try:
        commit_paths(store, paths, message)
    except BaseException:
        if new:
            unstage(store, paths)
            comment_store.remove_new(store, paths)
        raise


def _placed(base: Comment, structure: ChapterStructure | None, section: Section | None) -> Comment:
    if structure is None:
        return replace(base, chapter="", section="", section_number="", section_title="")
    if section is None:
        return replace(
            base,
            chapter=structure.chapter_id,
            section="",
            section_number=structure.number,
            section_title=structure.title,
        )
    return replace(
        base,
        chapter=structure.chapter_id,
        section=section.anchor,
        section_number=section.number,
        section_title=section.title,
    )


def _check_text(new: NewComment) -> None:
    if new.type not in COMMENT_TYPES:
        raise ContentError(f"comment type '{new.type}' is not one of {', '.join(COMMENT_TYPES)}")
    if not new.member.strip():
        raise ContentError(f"a comment needs its member body ({option('member')})")
    if not new.text.strip():
        raise ContentError(f"a comment needs its text ({option('text')})")


def add_comment(
    store: GitStore,
    version_name: str,
    new: NewComment,
    *,
    recorded_by: str | None = None,
    commit: bool = True,
) -> Comment:
    """Record one comment on `version_name`, placed in that version's text."""
    version = _version(store, version_name)
    _check_text(new)
    index = _index(store, version.name)
    structure, section = index.section(new.chapter, new.section)
    with RepoLock(store):
        stage = load_ledger(store).state(version.name)
        moment = now()
        base = Comment(
            id=comment_store.new_id(moment, set()),
            version=version.name,
            chapter="",
            section="",
            section_number="",
            section_title="",
            type=new.type,
            member=new.member.strip(),
            comment=new.text.strip(),
            stage=stage,
            date=moment,
            line=new.line,
            clause=new.clause,
            paragraph=new.paragraph,
            proposal=new.proposal.strip(),
            observations=new.observations,
            recorded_by=_actor(store, recorded_by),
        )
        comment = _placed(base, structure, section)
        path = comment_store.write_new(store, comment)
        if commit:
            _commit(
                store,
                [path],
                f"comment: {comment.id} on {version.name} "
                f"({comment.member}, {comment.type}, {comment.where})",
                new=True,
            )
    return replace(comment, path=path)


def _row_place(
    index: Index, chapter: str, clause: str
) -> tuple[ChapterStructure | None, Section | None]:
    """A row's place: its clause (`5.2`, `A.1`), inside the chapter column's chapter when there is one."""
    general = clause.strip().lower() in GENERAL_CLAUSES
    structure = None
    if chapter:
        structure = index.chapters.get(chapter) or index.by_number.get(chapter)
        if structure is None:
            raise ContentError(f"chapter '{chapter}' does not exist in this version")
        if general:
            return structure, None
    elif general:
        return None, None
    found = index.clause(clause)
    if isinstance(found, str):
        raise ContentError(found)
    if structure is not None and found[0] is not structure:
        raise ContentError(f"clause '{clause}' is not in chapter '{chapter}' ({structure.number})")
    return found


def import_comments(
    store: GitStore,
    version_name: str,
    raw: bytes,
    name: str,
    *,
    recorded_by: str | None = None,
    commit: bool = True,
    dry_run: bool = False,
) -> list[Comment]:
    """All rows of a comment form, or none: every bad row is named by its number.

    With `dry_run`, the form is read and checked and the comments it would
    record are returned, but nothing is written.
    """
    version = _version(store, version_name)
    form = read_form(raw, name)
    index = _index(store, version.name)
    problems = list(form.problems)
    planned: list[tuple[NewComment, ChapterStructure | None, Section | None]] = []
    for row in form.rows:
        kind = comment_type(row.get("type"))
        faults = []
        if not row.get("member"):
            faults.append("no member body")
        if not row.get("type"):
            faults.append("no type of comment")
        elif kind is None:
            faults.append(f"unknown type of comment '{row.get('type')}' (use ge, te or ed)")
        if not row.get("comment"):
            faults.append("no comment")
        try:
            structure, section = _row_place(index, row.get("chapter"), row.get("clause"))
        except ContentError as exc:
            faults.append(exc.message)
            structure, section = None, None
        if faults:
            problems.append(f"row {row.row}: {'; '.join(faults)}")
            continue
        planned.append(
            (
                NewComment(
                    row.get("member"),
                    kind or "",
                    row.get("comment"),
                    line=row.line,
                    proposal=row.get("proposal"),
                    paragraph=row.get("paragraph"),
                    observations=row.get("observations"),
                    clause=row.get("clause"),
                ),
                structure,
                section,
            )
        )
    if problems:
        problems.sort(key=lambda p: int(p.split(":")[0].split()[1]))
        raise CommentImportError(
            f"{counted(len(problems), 'bad row')}; nothing was imported",
            problems,
            path=name,
        )
    if not planned:
        raise ContentError("the comment form has no comments", path=name)
    with RepoLock(store):
        stage = load_ledger(store).state(version.name)
        moment, taken = now(), set[str]()
        actor = _actor(store, recorded_by)
        comments = [
            _placed(
                Comment(
                    id=comment_store.new_id(moment, taken),
                    version=version.name,
                    chapter="",
                    section="",
                    section_number="",
                    section_title="",
                    type=new.type,
                    member=new.member,
                    comment=new.text,
                    stage=stage,
                    date=moment,
                    line=new.line,
                    clause=new.clause,
                    paragraph=new.paragraph,
                    proposal=new.proposal,
                    observations=new.observations,
                    recorded_by=actor,
                ),
                structure,
                section,
            )
            for new, structure, section in planned
        ]
        if dry_run:
            return comments
        written = comment_store.write_new_batch(store, comments)
        if commit:
            message = (
                f"comment: import {counted(len(written), 'comment')} "
                f"on {version.name} from {name.rsplit('/', 1)[-1]}"
            )
            try:
                commit_new_records(store, written, message)
            except BaseException:
                comment_store.remove_new(store, written)
                raise
    return [replace(c, path=p) for c, p in zip(comments, written, strict=True)]


def export_comments(store: GitStore, version_name: str) -> str:
    """The comment form of a version with dispositions and replies (CSV text)."""
    version = _version(store, version_name)
    return write_form(comment_store.read_all(store, version.name))


def list_comments(
    store: GitStore,
    version_name: str | None = None,
    *,
    open_only: bool = False,
    at: str | None = None,
) -> list[Listed]:
    """Comments (of one version, or all) placed in the snapshot `at` (the working tree when None)."""
    if version_name:
        _version(store, version_name)
    comments = comment_store.read_all(store, version_name)
    if open_only:
        comments = [c for c in comments if c.is_open]
    if not comments:
        return []
    index = _index(store, at)
    return [Listed(c, index.locate(c)) for c in comments]


def resolve_comment(
    store: GitStore,
    comment_id: str,
    disposition: str,
    reply: str,
    *,
    in_version: str | None = None,
    force: bool = False,
    by: str | None = None,
    commit: bool = True,
) -> Comment:
    """Give a comment its disposition; only the disposition fields of the record change."""
    if disposition not in DISPOSITIONS:
        raise ContentError(f"disposition '{disposition}' is not one of {', '.join(DISPOSITIONS)}")
    if not reply.strip():
        raise ContentError(f"a disposition needs a reply ({option('reply')})")
    if in_version:
        check_name(store, in_version)
    with RepoLock(store):
        comment = comment_store.find(store, comment_id)
        if not comment.is_open and not force:
            raise RefusedError(
                f"comment {comment.id} is already resolved ({comment.disposition} by "
                f"{comment.resolved_by or 'someone'}); use {option('force')} to change its disposition"
            )
        note = ""
        if not comment.is_open:
            when = f" on {comment.resolved_date:%Y-%m-%d}" if comment.resolved_date else ""
            note = f"was {comment.disposition} by {comment.resolved_by or 'someone'}{when}: {comment.reply}"
        resolved = replace(
            comment,
            disposition=disposition,
            reply=reply.strip(),
            resolved_in=in_version or "",
            resolved_by=_actor(store, by),
            resolved_date=now(),
            resolve_note="; ".join(n for n in (comment.resolve_note, note) if n),
        )
        before = (store.root / comment.path).read_bytes()
        path = comment_store.rewrite(store, resolved)
        if commit:
            try:
                _commit(store, [path], f"comment: {comment.id} {disposition}", new=False)
            except BaseException:
                (store.root / path).write_bytes(before)
                raise
    return resolved


def open_comments(store: GitStore, version_name: str, stage: str) -> list[Comment]:
    """Comments made on `version_name` while it stood at `stage` that have no disposition yet."""
    return [
        c for c in comment_store.read_all(store, version_name) if c.stage == stage and c.is_open
    ]


def count_open_comments(store: GitStore) -> int:
    """Open comments on any version, for `status` (unreadable records are `check`'s to report)."""
    return sum(1 for c in comment_store.read_all(store, problems=[]) if c.is_open)


def comment_findings(
    store: GitStore,
    structures: Sequence[ChapterStructure],
    where: str,
    up_to_version: str | None = None,
    places: bool = True,
) -> list[Finding]:
    """For `check`: open comments whose section is gone, and comment records that cannot be read.

    With `up_to_version` (checking a version), only comments on that version
    and the versions cut before it are looked at; with `places` false (some
    chapter could not be read), only the records are.
    """
    problems: list[Finding] = []
    comments = comment_store.read_all(store, problems=problems)
    if not places:
        return problems
    if up_to_version:
        ledger = load_ledger(store)
        names = [v.name for v in ledger.versions]
        if up_to_version in names:
            earlier = set(names[: names.index(up_to_version) + 1])
            comments = [c for c in comments if c.version in earlier]
    return problems + lost_findings(comments, Index(structures), where)
