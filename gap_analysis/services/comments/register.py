"""Reviewer comments on a version: add, export, list, resolve; open comments for the gate (import: `import_form`).

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

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from gap_analysis.errors import ContentError, RefusedError, RevisionError, option
from gap_analysis.gitstore import (
    GitStore,
    RepoLock,
    check_committable,
    check_name,
    commit_paths,
    unstage,
)
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.comment import DISPOSITIONS, Comment
from gap_analysis.model.finding import Finding
from gap_analysis.model.structure import ChapterStructure, Section
from gap_analysis.model.version import Version
from gap_analysis.model.wording import did_you_mean
from gap_analysis.records import comments as comment_store
from gap_analysis.services.comments import import_journal
from gap_analysis.services.comments.anchors import CommentPlace, Index
from gap_analysis.services.comments.clauses import Clauses, Place
from gap_analysis.services.comments.form_columns import comment_type
from gap_analysis.services.comments.forms import write_form
from gap_analysis.services.review.ledger import Ledger, find_version, load_ledger
from gap_analysis.services.review.versions import next_name
from gap_analysis.services.snapshots import load


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
    """A clause as a reviewer names it (`Title`, `Annex B`, `Table 3`), instead of chapter and section."""


@dataclass(frozen=True, slots=True)
class Listed:
    comment: Comment
    place: CommentPlace
    short_id: str = ""


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def actor(store: GitStore, by: str | None) -> str:
    if by:
        return by
    name, email = store.user()
    return email or name


def committed_version(store: GitStore, name: str) -> Version:
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


def index_at(store: GitStore, rev: str | None) -> Index:
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


def placed(base: Comment, structure: ChapterStructure | None, section: Section | None) -> Comment:
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


def _checked_type(new: NewComment) -> str:
    kind = comment_type(new.type)
    if kind is None:
        raise ContentError(
            f"comment type '{new.type}' is not one of ge, te, ed (or General, Technical, Editorial)"
        )
    if not new.member.strip():
        raise ContentError(f"a comment needs its member body ({option('member')})")
    if not new.text.strip():
        raise ContentError(f"a comment needs its text ({option('text')})")
    return kind


def _place(store: GitStore, version: Version, new: NewComment) -> Place:
    """The place a new comment names: chapter and section (number or anchor), or a clause."""
    index = index_at(store, version.name)
    if new.chapter and not new.clause:
        return Place(*index.section(new.chapter, new.section))
    if new.section and not new.chapter:
        raise ContentError("a section is named inside its chapter: give the chapter too")
    found = Clauses(index, has_previous=bool(version.previous)).place(new.clause, new.chapter)
    if isinstance(found, str):
        raise ContentError(found)
    return found


def add_comment(
    store: GitStore,
    version_name: str,
    new: NewComment,
    *,
    recorded_by: str | None = None,
    commit: bool = True,
) -> Comment:
    """Record one comment on `version_name`, placed in that version's text (no chapter: a general comment)."""
    version = committed_version(store, version_name)
    kind = _checked_type(new)
    place = _place(store, version, new)
    with RepoLock(store):
        if commit:
            check_committable(store, (comment_store.COMMENTS_FOLDER,))
        import_journal.recover(store)
        stage = load_ledger(store).state(version.name)
        moment = now()
        base = Comment(
            id=comment_store.new_id(moment, set()),
            version=version.name,
            chapter="",
            section="",
            section_number="",
            section_title="",
            type=kind,
            member=new.member.strip(),
            comment=new.text.strip(),
            stage=stage,
            date=moment,
            line=new.line,
            clause=new.clause,
            paragraph=new.paragraph,
            proposal=new.proposal.strip(),
            observations=new.observations,
            recorded_by=actor(store, recorded_by),
            part=place.part,
        )
        comment = placed(base, place.structure, place.section)
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


def resolving_version_problem(ledger: Ledger, name: str) -> str:
    """Why `name` cannot be the version that resolves a comment ("" when it can).

    It must be a version that exists, or the scheme's next name (the version
    about to be cut, which carries the change).
    """
    names = [v.name for v in ledger.versions]
    upcoming = next_name(ledger.settings.version_scheme, names)
    if name in names or name == upcoming:
        return ""
    choices = [*names, upcoming]
    hint = did_you_mean(name, choices)
    if not hint:  # `v05` for `v0.5`: compared without dots, named as spelled
        spelled = {n.replace(".", ""): n for n in choices}
        dotless = did_you_mean(name.replace(".", ""), spelled)
        hint = re.sub(r"'([^']*)'", lambda m: f"'{spelled[m.group(1)]}'", dotless)
    return (
        f"no version '{name}' (name a version that exists or {upcoming}, the next to be cut){hint}"
    )


def export_comments(
    store: GitStore, version_name: str, fmt: str = "csv", *, bom: bool = True
) -> bytes:
    """The comment form of a version with dispositions and replies, as CSV or XLSX bytes."""
    version = committed_version(store, version_name)
    return write_form(comment_store.read_all(store, version.name), fmt, bom=bom)


def list_comments(
    store: GitStore,
    version_name: str | None = None,
    *,
    open_only: bool = False,
    at: str | None = None,
) -> list[Listed]:
    """Comments (of one version, or all) placed in the snapshot `at` (the working tree when None)."""
    if version_name:
        committed_version(store, version_name)
    comments = comment_store.read_all(store, version_name)
    if open_only:
        comments = [c for c in comments if c.is_open]
    if not comments:
        return []
    index = index_at(store, at)
    shorts = comment_store.short_ids(comment_store.all_ids(store))
    return [Listed(c, index.locate(c), shorts.get(c.id, c.id)) for c in comments]


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
        problem = resolving_version_problem(load_ledger(store), in_version)
        if problem:
            raise RevisionError(problem)
    with RepoLock(store):
        if commit:
            check_committable(store, (comment_store.COMMENTS_FOLDER,))
        import_journal.recover(store)
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
            resolved_by=actor(store, by),
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


def count_open_comments(store: GitStore, unreadable: list[Finding] | None = None) -> int:
    """Open comments on any version, for `status`; each record that cannot be read goes to `unreadable`."""
    found = [] if unreadable is None else unreadable
    return sum(1 for c in comment_store.read_all(store, problems=found) if c.is_open)
