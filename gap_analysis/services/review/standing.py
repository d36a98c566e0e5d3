"""Where a version stands, in words, for covers, `status` and listings.

"Agreed by SG17, Geneva, 8-17 April 2025", "Returned by SG17: <note>",
"Draft for CG-COP". A version's text comes from its commit, but its standing
from the records as they stand now, so an old version's PDF says where it
stands today. The document-history table lists every version up to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras, HistoryRow
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.version import Amendment, Event
from gap_analysis.model.workflow import Workflow
from gap_analysis.records import comments as comment_store
from gap_analysis.render.svg import review_path_svg
from gap_analysis.services.build.changes_annex import with_changes_annex
from gap_analysis.services.comments.annex import with_comments_annex
from gap_analysis.services.review.ledger import Ledger, load_ledger
from gap_analysis.workflow import VersionState, resubmit_stage, targets


def _stage_name(workflow: Workflow, stage_id: str) -> str:
    stage = workflow.stage(stage_id)
    return stage.name if stage is not None and stage.name else stage_id


def _event_text(workflow: Workflow, event: Event, with_note: bool) -> str:
    source, target = _stage_name(workflow, event.from_state), _stage_name(workflow, event.to_state)
    named = source if event.action == "agree" or event.to_state == workflow.returned else target
    meeting = f", {event.meeting}" if event.meeting else ""
    if event.meeting.startswith(f"{named}, "):  # "SG17, Geneva, ..." after "Agreed by SG17"
        meeting = f", {event.meeting.removeprefix(f'{named}, ')}"
    if event.to_state == workflow.returned:
        note = f": {event.note}" if with_note and event.note else ""
        return f"Returned by {source}{meeting}{note}"
    if event.action == "agree":
        text = f"Agreed by {source}{meeting}"
        stage = workflow.stage(event.to_state)
        return f"{text}; {target.lower()}" if stage is not None and stage.final else text
    if event.action == workflow.resubmit_action:
        return f"Submitted to {target}{meeting}"
    return f"{event.action.capitalize()} ({source} to {target}){meeting}"


def state_text(ledger: Ledger, name: str, with_note: bool = True) -> str:
    """The version's standing in one line."""
    workflow = ledger.workflow
    current = ledger.replay.states.get(name)
    if current is None:
        return ""
    if current.events:
        return _event_text(workflow, current.events[-1], with_note)
    return f"Draft for {_stage_name(workflow, _next_stage(ledger, current))}"


def _next_stage(ledger: Ledger, current: VersionState) -> str:
    workflow = ledger.workflow
    ahead = targets(
        workflow,
        workflow.resubmit_action,
        current.state,
        resubmit_stage(workflow, ledger.replay.states, current.version),
    )
    return ahead[0] if ahead else current.state


def history_rows(ledger: Ledger, name: str) -> tuple[HistoryRow, ...]:
    """One row per version up to `name`: date, state reached, meeting, document number."""
    rows = []
    for version in ledger.versions:
        current = ledger.replay.states.get(version.name)
        last = current.events[-1] if current and current.events else None
        date = (last.day if last else version.date.date()).isoformat()
        document = last.document if last and last.document else version.document
        notes = [f"Document {document}" if document else ""]
        if last is not None and last.to_state == ledger.workflow.returned and last.note:
            notes.append(last.note)
        event = state_text(ledger, version.name, with_note=False)
        if last is None and version.meeting:
            event += f" ({version.meeting})"
        rows.append(HistoryRow(version.name, date, event, "; ".join(n for n in notes if n)))
        if version.name == name:
            break
    return tuple(rows)


def is_published(ledger: Ledger, name: str) -> bool:
    """In a final stage that is not `returned` (the watermark goes)."""
    stage = ledger.workflow.stage(ledger.state(name))
    return stage is not None and stage.final and stage.id != ledger.workflow.returned


def version_extras(store: GitStore, name: str, ledger: Ledger | None = None) -> BuildExtras:
    """What a version's PDF shows beyond its text: standing, history, no watermark once published."""
    ledger = ledger or load_ledger(store)
    version = ledger.version(name)
    if version is None:
        return BuildExtras()
    labels = {"Previous version": version.previous} if version.previous else {}
    if version.purpose:
        labels["Purpose"] = version.purpose
    current = ledger.replay.states.get(name)
    if current is not None and current.amendments:
        labels["Amended"] = "; ".join(_amendment_text(a) for a in current.amendments)
    path_svg = review_path_svg(
        ledger.workflow, ledger.state(name), current.returned_from if current else None
    )
    return BuildExtras(
        cover_status=state_text(ledger, name),
        state=ledger.state(name),
        review_path_svg=path_svg,
        history=history_rows(ledger, name),
        watermark=False if is_published(ledger, name) else None,
        document=version.document,
        meeting=version.meeting,
        labels=labels,
        file_tag=f"{ledger.state(name)}-{last_change(store, ledger, name):%Y%m%dT%H%M%SZ}",
    )


def _amendment_text(amendment: Amendment) -> str:
    """`2025-04-20: document SG17-TD123 (was CG-COP draft), TD number assigned`."""
    changed = ", ".join(
        f"{name} {new}" + (f" (was {old})" if old else "") for name, old, new in amendment.changes
    )
    return f"{amendment.event.date:%Y-%m-%d}: {changed}; {amendment.event.note}"


def last_change(store: GitStore, ledger: Ledger, name: str) -> datetime:
    """The last change of the records a version's PDF shows: its record, the review events
    of it and the versions before it (the history table), the comments on it."""
    names = []
    for version in ledger.versions:
        names.append(version.name)
        if version.name == name:
            break
    moments = [v.date for v in ledger.versions if v.name in names]
    moments += [e.date for e in ledger.events if e.version in names]
    for comment in comment_store.read_all(store, name, problems=[]):
        moments += [comment.date] + ([comment.resolved_date] if comment.resolved_date else [])
    return max(_utc(m) for m in moments)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def extras_for(store: GitStore, version: str | None) -> BuildExtras | None:
    """For `build`: the extras of a snapshot that is a version (`SnapshotInfo.version`), else None.

    Standing and history on the cover, the comments on it, and last the annex
    "Changes since <previous version>".
    """
    if not version:
        return None
    ledger = load_ledger(store)
    extras = with_comments_annex(store, version, version_extras(store, version, ledger))
    return with_changes_annex(store, ledger, version, extras)


def build_version(store: GitStore, name: str, output: Path | None = None) -> Path:
    """The version's PDF (under dist/ by default), with its standing on the cover."""
    from gap_analysis.services.build.pdf import build_pdf  # WeasyPrint is loaded only when building

    result = build_pdf(store, name, output, extras=extras_for(store, name))
    assert result.path is not None
    return result.path


@dataclass(frozen=True)
class Current:
    """The latest version, for `status`."""

    name: str
    state: str
    meeting: str
    standing: str


def current_version(store: GitStore, settings: ReportSettings) -> Current | None:
    """The latest version (by date) with its state, the meeting it is for and its standing."""
    ledger = load_ledger(store, settings)
    if not ledger.versions:
        return None
    version = ledger.versions[-1]
    return Current(
        version.name, ledger.state(version.name), version.meeting, state_text(ledger, version.name)
    )
