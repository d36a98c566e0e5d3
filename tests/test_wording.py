"""The wording helpers every layer shares (`model/wording.py`)."""

from __future__ import annotations

from gap_analysis.model.wording import counted, did_you_mean, plural, table_cell


def test_plurals_agree_with_their_count() -> None:
    assert [counted(n, "error") for n in (0, 1, 2)] == ["0 errors", "1 error", "2 errors"]
    assert counted(1, "gap entry", "gap entries") == "1 gap entry"
    assert counted(3, "gap entry", "gap entries") == "3 gap entries"
    assert plural(2, "column") == "columns"


def test_did_you_mean_names_the_closest_choice_or_nothing() -> None:
    assert did_you_mean("titel", {"title", "group"}) == " (did you mean 'title'?)"
    assert did_you_mean("sg71", ("sg17", "cg-cop"), prefix="@") == " (did you mean '@sg17'?)"
    assert did_you_mean("zzzz", ["title"]) == ""


def test_table_cell_escapes_backslash_before_pipe_and_joins_lines() -> None:
    assert table_cell("a|b") == "a\\|b"
    assert table_cell("a\\|b") == "a\\\\\\|b"
    assert table_cell(" two\n lines ") == "two lines"
