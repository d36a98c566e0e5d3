"""The records' own TOML read without tomllib (`records.flat_toml`): the same table, or no answer.

`flat_toml.parse` may decline anything (tomllib then reads it), but what it
reads must be exactly what `tomllib.loads` reads, and it must read all that
`files.dumps` writes (else the speed it exists for is lost).
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gap_analysis.errors import ContentError
from gap_analysis.records import flat_toml
from gap_analysis.records.files import dumps, read_record

KEY = st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
MOMENT = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
VALUE = TEXT | st.integers(min_value=-(10**30), max_value=10**30) | st.booleans() | MOMENT
HEADER = st.text(st.characters(exclude_categories=["Cs", "Cc"]), max_size=60)


@settings(max_examples=300, deadline=None)
@given(record=st.dictionaries(KEY, VALUE, max_size=12), header=HEADER)
def test_every_record_the_tool_writes_is_read_as_tomllib_reads_it(
    record: dict[str, str | int | bool | datetime], header: str
) -> None:
    text = dumps(record, header)
    table = flat_toml.parse(text)
    assert table is not None, text
    assert table == tomllib.loads(text) == record
    assert [type(v) for v in table.values()] == [type(v) for v in record.values()]


# Lines made of the characters that matter to the subset: quotes, escapes, '=', '#',
# digits, date-time marks, blanks, CR, and control characters.
PIECES = st.sampled_from(
    ['"', "\\", "=", " = ", "#", "-", "_", "a", "Z", "T", ":", "0", "1", "9", "2025-04-01",
     "T10:00:00Z", "true", "false", "n", "u", "u00e9", "\t", "\r", " ", "\x00", "\x7f", "\x1f",
     "é", "[", "]", ".", "'", "+", "2025-02-30T10:00:00Z", "key", "x = ", "ud800", "uDFFF"]
)  # fmt: skip
LINE = st.lists(PIECES, max_size=8).map("".join)


@pytest.mark.slow
@settings(max_examples=1500, deadline=None)
@given(lines=st.lists(LINE, max_size=6))
def test_what_the_fast_reader_accepts_tomllib_reads_the_same(lines: list[str]) -> None:
    text = "\n".join(lines)
    table = flat_toml.parse(text)
    if table is None:
        return
    assert table == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        'a = "x"\na = "y"\n',  # a repeated key: tomllib refuses it
        'a = "x" # note\n',  # a comment after a value
        'a = "\\u00e9"\n',  # an escape the tool never writes
        "a = 2025-02-30T10:00:00Z\n",  # no such day
        'a = "x"\r\n',  # CRLF
        "[table]\na = 1\n",
        "a = +1\n",
        "a=1\n",
        'a = "tab\there"\n',  # a raw tab (TOML allows it)
    ],
)
def test_the_fast_reader_declines_what_it_does_not_write(text: str) -> None:
    assert flat_toml.parse(text) is None or flat_toml.parse(text) == tomllib.loads(text)
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        with pytest.raises(ContentError, match="invalid TOML"):
            read_record(text.encode(), "review/comments/v0.1/x.toml")
    else:
        assert read_record(text.encode(), "review/comments/v0.1/x.toml") == expected
