"""Every record the tool writes reads back equal, whatever the text (issue 10, item 1)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gap_analysis.errors import ContentError
from gap_analysis.gitstore import GitStore
from gap_analysis.model.comment import COMMENT_TYPES, DISPOSITIONS, Comment
from gap_analysis.model.version import Event, Version
from gap_analysis.records.comments import (
    from_record,
    path_of,
    read_all,
    rewrite_batch,
    to_record,
    write_new_batch,
)
from gap_analysis.records.events import parse_event, write_event
from gap_analysis.records.files import dumps, read_record
from gap_analysis.records.versions import parse_version, write_version
from tests.helpers import CliInvoke, ReportRepo

# Every code point but surrogates: control characters (U+0000-U+001F, DEL, C1), BOM,
# U+2028, private use and unassigned ones included.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
NONEMPTY = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=20)
NAME = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
MOMENT = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
ROUND_TRIP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(name=NAME, moment=MOMENT, meeting=TEXT, document=TEXT, purpose=TEXT, cut_by=TEXT)
def test_version_records_read_back_equal(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    moment: datetime,
    meeting: str,
    document: str,
    purpose: str,
    cut_by: str,
) -> None:
    root = tmp_path_factory.mktemp("v")
    path = f"review/versions/{name}.toml"
    version = Version(name, moment, meeting, document, purpose, "v0.0", cut_by, "", path)
    write_version(root, path, version)
    back = parse_version((root / path).read_bytes(), path, "abc")
    assert back == Version(name, moment, meeting, document, purpose, "v0.0", cut_by, "abc", path)


@ROUND_TRIP
@given(
    fields=st.tuples(NAME, NONEMPTY, NONEMPTY, NONEMPTY, NONEMPTY),
    moment=MOMENT,
    texts=st.tuples(TEXT, TEXT, TEXT),
    who=st.tuples(TEXT, TEXT),
    forced=st.booleans(),
    decided=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
)
def test_event_records_read_back_equal(
    tmp_path_factory: pytest.TempPathFactory,
    fields: tuple[str, str, str, str, str],
    moment: datetime,
    texts: tuple[str, str, str],
    who: tuple[str, str],
    forced: bool,
    decided: date | None,
) -> None:
    root = tmp_path_factory.mktemp("e")
    path = "review/events/x.toml"
    recorded_by, undoes = who
    event = Event(
        *fields,
        moment,
        *texts,
        forced=forced,
        path=path,
        decided=decided,
        recorded_by=recorded_by,
        undoes=undoes,
    )
    write_event(root, path, event, ["check"] if forced else [])
    assert parse_event((root / path).read_bytes(), path) == event


@ROUND_TRIP
@given(
    texts=st.lists(TEXT, min_size=18, max_size=18),
    kind=st.sampled_from(COMMENT_TYPES),
    disposition=st.sampled_from(("", *DISPOSITIONS)),
    moment=MOMENT,
    resolved=st.none() | MOMENT,
    line=st.integers(min_value=0, max_value=10**6),
    order=st.integers(min_value=0, max_value=10**6),
)
def test_comment_records_read_back_equal(
    texts: list[str],
    kind: str,
    disposition: str,
    moment: datetime,
    resolved: datetime | None,
    line: int,
    order: int,
) -> None:
    """Every field of main's comment record: the form's reference, part and row order too."""
    comment = Comment(
        "c-20250401100000-1a2b3c4d",
        "v0.1",
        *texts[:4],
        type=kind,
        member=texts[4],
        comment=texts[5],
        stage=texts[6],
        date=moment,
        line=line,
        clause=texts[7],
        paragraph=texts[8],
        proposal=texts[9],
        observations=texts[10],
        recorded_by=texts[11],
        disposition=disposition,
        reply=texts[12],
        resolved_in=texts[14],
        resolved_by=texts[15],
        resolved_date=resolved,
        resolve_note=texts[13],
        ref=texts[16],
        part=texts[17],
        order=order,
        path="p.toml",
    )
    text = dumps(to_record(comment), "header")
    assert from_record(read_record(text.encode("utf-8"), "p.toml"), "p.toml") == comment


def test_a_batch_rewritten_in_place_reads_back_equal_shorter_and_longer(tmp_path: Path) -> None:
    """An import's updates overwrite each record in place: a shorter one leaves no tail behind."""
    (tmp_path / ".git").mkdir()
    store = GitStore(tmp_path)
    moment = datetime(2025, 4, 1, 10, tzinfo=UTC)
    first = Comment(
        "c-20250401100000-1a2b3c4d", "v0.1", "method", "scope", "1.1", "Scope", type="te",
        member="UK", comment="Say more.", stage="draft", date=moment,
        disposition="accepted", reply="A long reply " * 40, path="",
    )  # fmt: skip
    assert write_new_batch(store, [first]) == [path_of("v0.1", first.id)]
    record = tmp_path / path_of("v0.1", first.id)
    for changed in (
        replace(first, disposition="noted", reply="Short."),
        replace(first, disposition="rejected", reply="Longer again " * 60),
    ):
        before = record.stat().st_size
        assert rewrite_batch(store, [changed]) == [path_of("v0.1", first.id)]
        assert record.stat().st_size != before
        (back,) = read_all(store, "v0.1")
        assert back == replace(changed, path=path_of("v0.1", first.id))


@given(
    before=TEXT,
    surrogate=st.characters(categories=["Cs"]),
    after=TEXT,
)
def test_lone_surrogates_are_refused_not_written(before: str, surrogate: str, after: str) -> None:
    """Not characters (what Python makes of bytes that are not UTF-8): refused with the field."""
    with pytest.raises(ContentError, match="meeting is not valid UTF-8"):
        dumps({"name": "v0.1", "meeting": before + surrogate + after})


# -- through the command line -----------------------------------------------------

DEL = "\x7f"


def test_del_and_controls_in_every_text_field_read_back(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    repo = report_repo
    meeting = f"SG17{DEL}Geneva\x01\x1f\u2028"
    result = cli(repo.path, "version", "cut", "--no-build", "--meeting", meeting)
    assert result.exit_code == 0, result.output
    listed = json.loads(cli(repo.path, "version", "list", "--json").stdout)
    assert [v["meeting"] for v in listed] == [meeting]
    note = f"ok{DEL}\x00"
    result = cli(
        repo.path, "review", "submit", "v0.1", "--note", note, "--by", "editor@example.org"
    )
    assert result.exit_code == 0, result.output
    history = json.loads(cli(repo.path, "review", "history", "--json").stdout)
    assert [(e["action"], e["note"]) for e in history] == [("submit", note)]
    again = cli(repo.path, "review", "submit", "v0.1")
    assert again.exit_code == 1 and "not allowed" in again.stderr  # replayed: not twice
    text = f"Fix{DEL}this\x1b[31m"
    result = cli(
        repo.path, "comment", "add", "v0.1", "--chapter", "method", "--type", "ed",
        "--by", f"NB{DEL}", "--text", text,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    comments = json.loads(cli(repo.path, "comment", "list", "--json").stdout)
    assert [(c["comment"], c["member"]) for c in comments] == [(text, f"NB{DEL}")]
    for record in (repo.path / "review").rglob("*.toml"):
        tomllib.loads(record.read_text(encoding="utf-8"))  # every record is valid TOML
    assert cli(repo.path, "check").exit_code == 0


def test_del_from_a_csv_form_reads_back(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    repo = report_repo
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    form = tmp_path / "form.csv"
    form.write_bytes(
        (
            "MB/NC,Line number,Clause/ Subclause,Paragraph/ Figure/ Table/,Type of comment,"
            f"Comments,Proposed change,Observations of the secretariat\r\nNB,,2.1,,te,"
            f"Add{DEL}it,Do{DEL},\r\n"
        ).encode()
    )
    result = cli(repo.path, "comment", "import", "v0.1", str(form))
    assert result.exit_code == 0, result.output
    listed = cli(repo.path, "comment", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [(c["comment"], c["proposal"]) for c in json.loads(listed.stdout)] == [
        (f"Add{DEL}it", f"Do{DEL}")
    ]
