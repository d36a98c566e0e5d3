"""Judging the rows of a comment form: what each row adds, updates or leaves alone, and what is wrong.

Pure judgement, no writing: `import_form` records what this returns. A row
without a comment id is a new comment (member, type, text, and a clause that
names something in the version, or a general comment with `lenient`); a row
with one updates that comment's disposition fields, field by field against
the export's `Base` fingerprints (see docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from gap_analysis.model.comment import DISPOSITIONS, Comment
from gap_analysis.services.comments.clauses import Clauses, Place
from gap_analysis.services.comments.form_columns import (
    UPDATED,
    Form,
    FormRow,
    base_of,
    comment_type,
    disposition_of,
    updatable,
)
from gap_analysis.services.comments.register import now, placed, resolving_version_problem
from gap_analysis.services.review.ledger import Ledger


@dataclass
class RowOutcome:
    row: int
    action: str
    """`add`, `update` or `same`."""
    comment: Comment
    changes: list[str] = field(default_factory=list)


@dataclass
class Judged:
    new: list[tuple[FormRow, Comment]] = field(default_factory=list)
    updates: list[RowOutcome] = field(default_factory=list)
    same: list[RowOutcome] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    conflicts: bool = False
    warnings: list[str] = field(default_factory=list)


def judge(
    form: Form,
    existing: dict[str, Comment],
    clauses: Clauses,
    ledger: Ledger,
    *,
    resolver: tuple[str, datetime],
    lenient: bool = False,
    prefer: str = "",
) -> Judged:
    """Every row of `form` judged: new comments, updates, rows left alone, and problems by row.

    `resolver` (who, when) is recorded as resolving an update whose disposition or reply changes.
    """
    judged = Judged(problems=list(form.problems))
    seen: dict[str, int] = {}
    for row in form.rows:
        if row.get("id"):
            _judge_update(row, existing, seen, ledger, prefer, resolver, judged)
        else:
            _judge_new(row, clauses, lenient, judged)
    return judged


def _judge_new(row: FormRow, clauses: Clauses, lenient: bool, judged: Judged) -> None:
    faults = []
    kind = comment_type(row.get("type"))
    member, ref = row.member_and_ref
    if not member:
        faults.append("no member body")
    if not row.get("type"):
        faults.append("no type of comment")
    elif kind is None:
        faults.append(f"unknown type of comment '{row.get('type')}' (use ge, te or ed)")
    if not row.get("comment"):
        faults.append("no comment")
    place = clauses.place(row.get("clause"), row.get("chapter"))
    if isinstance(place, str):
        if lenient and not row.get("chapter"):
            judged.warnings.append(f"row {row.row}: {place}; imported as a general comment")
            place = Place()
        else:
            faults.append(place)
    if faults:
        judged.problems.append((row.row, "; ".join(faults)))
        return
    assert isinstance(place, Place)
    base = Comment(
        id="",
        version="",
        chapter="",
        section="",
        section_number="",
        section_title="",
        type=kind or "",
        member=member,
        comment=row.get("comment"),
        stage="",
        date=now(),
        line=row.line,
        clause=row.get("clause"),
        paragraph=row.get("paragraph"),
        proposal=row.get("proposal"),
        observations=row.get("observations"),
        ref=ref,
        part=place.part,
    )
    judged.new.append((row, placed(base, place.structure, place.section)))


def _judge_update(
    row: FormRow,
    existing: dict[str, Comment],
    seen: dict[str, int],
    ledger: Ledger,
    prefer: str,
    resolver: tuple[str, datetime],
    judged: Judged,
) -> None:
    wanted = row.get("id").strip()
    comment = existing.get(wanted)
    if comment is None:
        judged.problems.append((row.row, f"comment id '{wanted}' is not a comment on this version"))
        return
    if wanted in seen:
        judged.problems.append((row.row, f"comment {wanted} is on row {seen[wanted]} already"))
        return
    seen[wanted] = row.row
    disposition = disposition_of(row.get("disposition"))
    faults = []
    if disposition is None:
        faults.append(
            f"unknown disposition '{row.get('disposition')}' (use {', '.join(DISPOSITIONS)})"
        )
    resolved_in = row.get("resolved_in")
    if resolved_in:
        problem = resolving_version_problem(ledger, resolved_in)
        if problem:
            faults.append(problem)
    if faults:
        judged.problems.append((row.row, "; ".join(faults)))
        return
    in_file = (disposition or "", row.get("reply"), row.get("observations"), resolved_in)
    in_register = updatable(comment)
    bases = row.get("base").split(".")
    known = len(bases) == len(UPDATED)
    chosen = list(in_register)
    changes, conflicts = [], []
    for position, name in enumerate(UPDATED):
        mine, theirs = in_register[position], in_file[position]
        if mine == theirs:
            continue
        if known:
            register_changed = base_of([mine]) != bases[position]
            file_changed = base_of([theirs]) != bases[position]
        else:
            register_changed, file_changed = bool(mine), True
        if not file_changed:
            continue  # changed in the register only: it stands
        if register_changed and prefer != "theirs":
            if prefer == "ours":
                continue
            conflicts.append(
                f"'{name}' was changed in the file ({theirs!r}) and in the register "
                f"({mine!r}) since the export"
            )
            continue
        chosen[position] = theirs
        changes.append(f"{name}: {mine!r} -> {theirs!r}")
    if conflicts:
        judged.conflicts = True
        judged.problems.append((row.row, f"comment {comment.id}: " + "; ".join(conflicts)))
        return
    if not changes:
        judged.same.append(RowOutcome(row.row, "same", comment))
        return
    resolved_by, resolved_date = comment.resolved_by, comment.resolved_date
    if (chosen[0], chosen[1]) != (comment.disposition, comment.reply):
        resolved_by, resolved_date = resolver if chosen[0] else ("", None)
    updated = replace(
        comment,
        disposition=chosen[0],
        reply=chosen[1],
        observations=chosen[2],
        resolved_in=chosen[3],
        resolved_by=resolved_by,
        resolved_date=resolved_date,
    )
    judged.updates.append(RowOutcome(row.row, "update", updated, changes))
