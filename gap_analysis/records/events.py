"""Event records `review/events/<time>-<version>-<action>-<id>.toml` <-> `Event`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gap_analysis.errors import ContentError
from gap_analysis.model.version import Event
from gap_analysis.records.files import (
    Value,
    datetime_field,
    day_field,
    read_record,
    text_field,
    write_record,
)

EVENTS_DIR = "review/events"


def parse_event(raw: bytes, path: str) -> Event:
    data = read_record(raw, path)
    forced = data.get("forced", False)
    if not isinstance(forced, bool):
        raise ContentError("'forced' must be true or false", path=path)
    return Event(
        version=text_field(data, "version", path, True),
        action=text_field(data, "action", path, True),
        from_state=text_field(data, "from", path, True),
        to_state=text_field(data, "to", path, True),
        actor=text_field(data, "actor", path, True),
        date=datetime_field(data, path),
        meeting=text_field(data, "meeting", path),
        document=text_field(data, "document", path),
        note=text_field(data, "note", path),
        forced=forced,
        path=path,
        decided=day_field(data, path),
        recorded_by=text_field(data, "recorded_by", path),
        undoes=text_field(data, "undoes", path),
        purpose=text_field(data, "purpose", path),
    )


def write_event(root: Path, path: str, event: Event, forced_gates: Sequence[str] = ()) -> None:
    """Write a new event record (refused if one exists at `path`)."""
    record: dict[str, Value | None] = {
        "version": event.version,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "actor": event.actor,
        "date": event.date,
        "meeting": event.meeting,
        "document": event.document,
        "note": event.note,
        "decided": event.decided.isoformat() if event.decided else None,
        "recorded_by": event.recorded_by or None,
        "undoes": event.undoes or None,
        "purpose": event.purpose or None,
    }
    if event.forced:
        record["forced"] = True
        record["forced_gates"] = list(forced_gates)
    write_record(
        root, path, record, header="A review event: written by 'gap-analysis review'; never edited."
    )
