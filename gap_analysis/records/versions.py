"""Version records `review/versions/<name>.toml` <-> `Version`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from gap_analysis.errors import ContentError
from gap_analysis.model.version import Version
from gap_analysis.records.files import datetime_field, read_record, text_field, write_record


def parse_version(raw: bytes, path: str, commit: str = "") -> Version:
    data = read_record(raw, path)
    name = text_field(data, "name", path, required=True)
    stem = path.rsplit("/", 1)[-1].removesuffix(".toml")
    if name != stem:
        raise ContentError(f"record names version '{name}' but the file is {stem}.toml", path=path)
    return Version(
        name=name,
        date=datetime_field(data, path),
        meeting=text_field(data, "meeting", path),
        document=text_field(data, "document", path),
        purpose=text_field(data, "purpose", path),
        previous=text_field(data, "previous", path),
        cut_by=text_field(data, "cut_by", path),
        commit=commit,
        path=path,
    )


def write_version(root: Path, path: str, version: Version) -> None:
    """Write a new version record (refused if one exists at `path`)."""
    record: dict[str, str | datetime | None] = {
        "name": version.name,
        "date": version.date,
        "meeting": version.meeting,
        "document": version.document,
        "purpose": version.purpose,
        "previous": version.previous,
        "cut_by": version.cut_by,
    }
    write_record(
        root,
        path,
        record,
        header=f"Version {version.name}: written by 'gap-analysis version cut'; never edited.",
    )
