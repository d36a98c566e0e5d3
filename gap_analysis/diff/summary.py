"""The change summary: a `DiffResult`, both snapshots' gap entries and the review events
between them -> a `ChangeSummary`, and that summary as Markdown or JSON (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gap_analysis.diff.formats import side_label, stats_line
from gap_analysis.model.diff import (
    ChangeSummary,
    ChapterChangeKind,
    ChapterSummary,
    DiffResult,
    FieldChange,
    GapChange,
    SummaryEvent,
)
from gap_analysis.model.gap import Gap
from gap_analysis.model.wording import table_cell


def gap_changes(old: Sequence[Gap], new: Sequence[Gap]) -> tuple[GapChange, ...]:
    """Gap entries by id: added and changed in the newer order, then removed ones."""
    old_by_id = {g.id: g for g in old}
    new_ids = {g.id for g in new}
    out: list[GapChange] = []
    for gap in new:
        before = old_by_id.get(gap.id)
        if before is None:
            out.append(GapChange(gap.id, "added", gap.chapter_id, gap.section, gap.gap))
            continue
        fields = _field_changes(before.fields(), gap.fields())
        if fields:
            out.append(GapChange(gap.id, "changed", gap.chapter_id, gap.section, gap.gap, fields))
    out.extend(
        GapChange(g.id, "removed", g.chapter_id, g.section, g.gap)
        for g in old
        if g.id not in new_ids
    )
    return tuple(out)


def _field_changes(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[FieldChange, ...]:
    names = [*old, *(n for n in new if n not in old)]
    return tuple(FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n))


def summarize(
    result: DiffResult,
    old_gaps: Sequence[Gap],
    new_gaps: Sequence[Gap],
    events: Sequence[SummaryEvent] | None = None,
) -> ChangeSummary:
    chapters = tuple(
        ChapterSummary(
            c.id, c.number, c.title, c.status, c.words_added, c.words_removed, c.sections_touched
        )
        for c in result.chapters
        if c.status is not ChapterChangeKind.UNCHANGED
    )
    return ChangeSummary(
        result.old,
        result.new,
        result.stats,
        chapters,
        gap_changes(old_gaps, new_gaps),
        tuple(events) if events is not None else None,
    )


def markdown(summary: ChangeSummary, *, heading_level: int = 1) -> str:
    """The summary as Markdown: chapters table, gap entries, review events."""
    h = "#" * heading_level
    out = [
        f"{h} Changes from {side_label(summary.old)} to {side_label(summary.new)}",
        "",
        stats_line(summary.stats) + ".",
    ]
    out += ["", f"{h}# Chapters", ""]
    if summary.chapters:
        out += [
            "| Chapter | Status | Words in | Words out | Sections touched |",
            "|---|---|---:|---:|---|",
        ]
        for c in summary.chapters:
            sections = ", ".join(f"{n} {t}".strip() for n, t in c.sections) or "-"
            out.append(
                f"| {c.number} {table_cell(c.title)} | {c.status} | {c.words_added} | "
                f"{c.words_removed} | {table_cell(sections)} |"
            )
    else:
        out.append("No chapter changed.")
    out += ["", f"{h}# Gap entries", ""]
    if summary.gaps:
        for gap in summary.gaps:
            where = f"chapter {gap.chapter}, section {gap.section}" if gap.section else gap.chapter
            line = f"- **{gap.id}** {gap.status} ({where})"
            if gap.fields:
                line += ": " + "; ".join(
                    f"{f.name}: {_quote(f.old)} -> {_quote(f.new)}" for f in gap.fields
                )
            elif gap.title:
                line += f": {gap.title}"
            out.append(line)
    else:
        out.append("No gap entry added, removed or changed.")
    out += ["", f"{h}# Review events", ""]
    if summary.events is None:
        out.append("Review events were not looked up.")
    elif summary.events:
        out += [
            "| Date | Version | Action | From | To | By | Note |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in summary.events:
            out.append(
                f"| {e.date} | {e.version} | {e.action} | {e.from_state} | {e.to_state} | "
                f"{table_cell(e.actor)} | {table_cell(e.note) or '-'} |"
            )
    else:
        out.append("No review events between the two.")
    return "\n".join(out) + "\n"


def _quote(value: str | None) -> str:
    return "(none)" if value is None else f'"{value}"'


def as_json(summary: ChangeSummary) -> dict[str, object]:
    return {
        "old": summary.old.as_json(),
        "new": summary.new.as_json(),
        "stats": {
            "words_added": summary.stats.words_added,
            "words_removed": summary.stats.words_removed,
            "chapters_changed": summary.stats.chapters_changed,
        },
        "chapters": [
            {
                "id": c.id,
                "number": c.number,
                "title": c.title,
                "status": str(c.status),
                "words_added": c.words_added,
                "words_removed": c.words_removed,
                "sections": [{"number": n, "title": t} for n, t in c.sections],
            }
            for c in summary.chapters
        ],
        "gaps": {
            status: [_gap_json(g) for g in summary.gaps if g.status == status]
            for status in ("added", "removed", "changed")
        },
        "events": None
        if summary.events is None
        else [
            {
                "date": e.date,
                "version": e.version,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "by": e.actor,
                "note": e.note,
                "meeting": e.meeting,
            }
            for e in summary.events
        ],
    }


def _gap_json(gap: GapChange) -> dict[str, object]:
    data: dict[str, object] = {
        "id": gap.id,
        "chapter": gap.chapter,
        "section": gap.section,
        "gap": gap.title,
    }
    if gap.status == "changed":
        data["fields"] = {f.name: {"old": f.old, "new": f.new} for f in gap.fields}
    return data
