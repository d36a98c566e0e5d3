"""What `check` says about the comment register: records it cannot read, names that are not real, lost places.

A comment record names a version (its folder), a chapter and section in that
version, and perhaps the version that resolved it. Each must be real: a
version that exists (or, for "resolved in", the next one to be cut), and a
chapter and section of the version commented on. An interrupted import (its
journal still in the git folder) is an error until a rerun completes or rolls
it back.
"""

from __future__ import annotations

from collections.abc import Sequence

from gap_analysis.gitstore import GitStore
from gap_analysis.model.comment import Comment
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.structure import ChapterStructure
from gap_analysis.records import comments as comment_store
from gap_analysis.services.comments import import_journal
from gap_analysis.services.comments.anchors import Index, lost_findings
from gap_analysis.services.comments.register import index_at, resolving_version_problem
from gap_analysis.services.review.ledger import Ledger, load_ledger


def incomplete_import(store: GitStore) -> str:
    """A sentence naming an interrupted comment import, or "" when there is none."""
    try:
        journal = import_journal.pending(store)
    except Exception as exc:  # an unreadable journal is named too
        return str(exc)
    if journal is None:
        return ""
    return (
        f"an interrupted comment import of {journal.source} on {journal.version} "
        f"({len(journal.paths)} records, {journal.state}); rerun 'gap-analysis comment import "
        f"{journal.version} {journal.source}' to complete or roll it back"
    )


def _names(comments: Sequence[Comment], ledger: Ledger, store: GitStore) -> list[Finding]:
    findings = []
    versions = {v.name for v in ledger.versions}
    indexes: dict[str, Index] = {}
    for c in comments:
        if c.version not in versions:
            findings.append(
                Finding(
                    c.path,
                    0,
                    "comment-version",
                    f"comment {c.id} is on version "
                    f"'{c.version}', which does not exist (no review/versions/{c.version}.toml)",
                )
            )
            continue
        if c.resolved_in:
            problem = resolving_version_problem(ledger, c.resolved_in)
            if problem:
                findings.append(
                    Finding(
                        c.path,
                        0,
                        "comment-resolved-in",
                        f"comment {c.id} is resolved in {problem}",
                        Severity.WARNING,
                    )
                )
        if not c.chapter:
            continue
        if c.version not in indexes:
            indexes[c.version] = index_at(store, c.version)
        structure = indexes[c.version].chapters.get(c.chapter)
        if structure is None:
            what = f"chapter '{c.chapter}'"
        elif c.section and not any(s.anchor == c.section for s in structure.sections):
            what = f"section '{c.section}' of chapter '{c.chapter}'"
        else:
            continue
        findings.append(
            Finding(
                c.path,
                0,
                "comment-place",
                f"comment {c.id} names {what}, which {c.version} does not have",
            )
        )
    return findings


def comment_findings(
    store: GitStore,
    structures: Sequence[ChapterStructure],
    where: str,
    up_to_version: str | None = None,
    places: bool = True,
) -> list[Finding]:
    """For `check`: an interrupted import, unreadable records, names that are not real, lost places.

    With `up_to_version` (checking a version), only comments on that version
    and the versions cut before it are looked at; with `places` false (some
    chapter could not be read), only the records are.
    """
    problems: list[Finding] = []
    pending = incomplete_import(store)
    if pending:
        journal = import_journal.journal_path(store)
        shown = journal.relative_to(store.root) if journal.is_relative_to(store.root) else journal
        problems.append(Finding(str(shown), 0, "import-incomplete", pending))
        return problems
    comments = comment_store.read_all(store, problems=problems)
    if not places:
        return problems
    ledger = load_ledger(store, problems=[])  # unreadable records: the review checker's
    if up_to_version:
        names = [v.name for v in ledger.versions]
        if up_to_version in names:
            earlier = set(names[: names.index(up_to_version) + 1])
            comments = [c for c in comments if c.version in earlier]
    return (
        problems
        + _names(comments, ledger, store)
        + lost_findings(comments, Index(structures), where)
    )
