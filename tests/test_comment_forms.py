"""Comment forms both ways (issue 12): every clause, nothing lost, dispositions read back, XLSX, short ids.

The report's v0.1 is made by writing and committing its record, as in
`test_comments.py`. Forms are built here as bytes, the way spreadsheet
programs save them.
"""

from __future__ import annotations

import csv
import io
import tomllib
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gap_analysis.services.spreadsheet_cells import neutralise, restore
from tests.helpers import CHAPTERS, REPORT_TOML, CliInvoke, ReportRepo, make_report

HEADER = ["MB/NC", "Line number", "Clause/Subclause", "Paragraph/Figure/Table", "Type of comment"]
HEADER += ["Comments", "Proposed change"]
CAPTIONED = CHAPTERS["02-method.md"].replace(
    "| Area | Standard |", "Table 3: Standards by area\n\n| Area | Standard |"
)


def cut(repo: ReportRepo, name: str = "v0.1") -> None:
    repo.write(
        f"review/versions/{name}.toml",
        f'name = "{name}"\ndate = 2025-04-02T09:00:00Z\nmeeting = "CG-COP e-meeting"\n',
    )
    repo.commit(f"version {name}")


@pytest.fixture
def versioned(report_repo: ReportRepo) -> ReportRepo:
    report_repo.write("chapters/02-method.md", CAPTIONED)
    report_repo.commit("caption the table")
    cut(report_repo)
    return report_repo


def csv_bytes(rows: list[list[str]], *, sep: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def records(repo: ReportRepo, version: str = "v0.1") -> list[dict[str, object]]:
    folder = repo.path / "review" / "comments" / version
    found = [tomllib.loads(p.read_text()) for p in sorted(folder.glob("*.toml"))]
    return sorted(found, key=lambda r: (str(r["date"]), int(str(r.get("order", 0)))))


def commits(repo: ReportRepo) -> int:
    return int(repo.git("rev-list", "--count", "HEAD").strip())


def clean(repo: ReportRepo) -> bool:
    return repo.git("status", "--porcelain", "-uall").strip() == ""


def imported(cli: CliInvoke, repo: ReportRepo, path: Path, *extra: str) -> str:
    result = cli(repo.path, "comment", "import", "v0.1", str(path), *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


MULTI = "First line of the comment.\nSecond line, after a break."
SAMPLE = [
    HEADER,
    ["UK-3", "", "General", "", "GE", "Too long overall.", ""],
    ["UK-4", "", "Title", "", "Editorial", "Shorter title.", "Gap analysis of COP standards"],
    ["DE", "7", "Annex B", "", "te", "Add a lead column.", ""],
    ["DE", "", "Gap register", "", "ed", "Sort by id.", ""],
    ["FR", "", "Annex A", "", "ed", "Sort the list.", ""],
    ["FR", "", "Table 3", "", "te", MULTI, "Line one\nLine two"],
    ["JP", "", "Foreword", "", "ge", "Add a foreword.", ""],
]


def test_a_form_with_every_kind_of_clause_keeps_lines_refs_and_order(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    (tmp_path / "form.csv").write_bytes(csv_bytes(SAMPLE))
    imported(cli, versioned, tmp_path / "form.csv")
    got = records(versioned)
    assert [r["comment"] for r in got] == [row[5] for row in SAMPLE[1:]]  # the form's order
    assert [r.get("order") for r in got] == [2, 3, 4, 5, 6, 7, 8]
    assert (got[0]["member"], got[0]["ref"], got[0]["type"]) == ("UK", "UK-3", "ge")
    assert got[1]["part"] == "title" and got[1]["type"] == "ed" and got[1]["ref"] == "UK-4"
    assert got[2]["part"] == "gap-register" and got[3]["part"] == "gap-register"
    assert (got[4]["chapter"], got[4]["section_number"]) == ("abbreviations", "A")
    assert (got[5]["chapter"], got[5]["section"]) == ("method", "scope")
    assert got[5]["comment"] == MULTI and got[5]["proposal"] == "Line one\nLine two"
    assert got[6]["part"] == "foreword"
    listed = cli(versioned.path, "comment", "list", "v0.1").stdout
    assert "UK (UK-3)" in listed and "    Second line, after a break." in listed
    out = tmp_path / "out.csv"
    assert cli(versioned.path, "comment", "export", "v0.1", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert [r["Ref"] for r in rows][:2] == ["UK-3", "UK-4"]
    assert rows[5]["Comments"] == MULTI  # a multi-line cell goes back as one
    assert rows[2]["Clause/Subclause"] == "Annex B"


def test_the_gap_register_is_named_in_the_reports_language(tmp_path: Path, cli: CliInvoke) -> None:
    """A French report prints its gap register as "Registre des lacunes" (PDF and DOCX): a
    reviewer who names it so, or in English, comments on that part."""
    toml = REPORT_TOML.replace('group = "Test', 'language = "fr"\ngroup = "Test')
    repo = make_report(tmp_path / "fr", toml=toml)
    cut(repo)
    rows = [
        HEADER,
        *(
            ["FR", "", name, "", "ed", "Trier.", ""]
            for name in ("Registre des lacunes", "Gap register")
        ),
    ]
    (tmp_path / "form.csv").write_bytes(csv_bytes(rows))
    imported(cli, repo, tmp_path / "form.csv")
    assert [r["part"] for r in records(repo)] == ["gap-register", "gap-register"]


def test_the_filled_in_export_as_excel_saves_it_reads_back_without_duplicates(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    (tmp_path / "form.csv").write_bytes(csv_bytes(SAMPLE))
    imported(cli, versioned, tmp_path / "form.csv")
    out = tmp_path / "out.csv"
    cli(versioned.path, "comment", "export", "v0.1", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    header = rows[0]
    rows[1][header.index("Disposition")] = "Accepted"
    rows[1][header.index("Reply")] = "Shortened in v0.2.\nSee the new 1."
    rows[1][header.index("Resolved in")] = "v0.2"
    rows[3][header.index("Disposition")] = "rejected"
    rows[3][header.index("Reply")] = "The register has a lead."
    new = dict.fromkeys(header, "")
    new.update({"MB/NC": "IT", "Clause/Subclause": "2.1", "Type of comment": "ed"})
    new["Comments"] = "A new one from the secretariat."
    rows.append([new[h] for h in header])
    back = tmp_path / "back.csv"
    back.write_bytes(csv_bytes(rows, sep=";", bom=True))  # as Excel saves "CSV UTF-8" in Europe
    before = commits(versioned)
    result = cli(versioned.path, "comment", "import", "v0.1", str(back), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would import 1 comment, update 2 comments, leave 5 unchanged" in result.stdout
    assert "row 2: update" in result.stdout and "row 3:" in result.stdout
    out_text = imported(cli, versioned, back)
    assert "imported 1 comment, updated 2 comments, left 5 unchanged" in out_text
    assert commits(versioned) == before + 1 and clean(versioned)
    got = records(versioned)
    assert len(got) == len(SAMPLE)  # seven from the form, one new: no duplicates
    first = next(r for r in got if r.get("ref") == "UK-3")
    assert first["disposition"] == "accepted" and first["resolved_in"] == "v0.2"
    assert first["reply"] == "Shortened in v0.2.\nSee the new 1."
    assert first["resolved_by"] == "editor@example.org"
    # the same file again: the new row has no id, so it would be added again; the rest stand
    again = cli(versioned.path, "comment", "import", "v0.1", str(back), "--dry-run").stdout
    assert "would import 1 comment, leave 7 unchanged" in again


def _export_and_edit(
    repo: ReportRepo, cli: CliInvoke, tmp_path: Path, reply: str
) -> tuple[Path, str]:
    (tmp_path / "form.csv").write_bytes(csv_bytes(SAMPLE[:2]))
    imported(cli, repo, tmp_path / "form.csv")
    out = tmp_path / "out.csv"
    cli(repo.path, "comment", "export", "v0.1", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    rows[1][rows[0].index("Disposition")] = "noted"
    rows[1][rows[0].index("Reply")] = reply
    out.write_bytes(csv_bytes(rows))
    return out, rows[1][rows[0].index("Comment id")]


def test_a_conflict_writes_nothing_until_theirs_or_ours(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    form, comment_id = _export_and_edit(versioned, cli, tmp_path, "From the file.")
    resolved = cli(
        versioned.path, "comment", "resolve", comment_id, "--disposition", "accepted",
        "--reply", "From the register.",
    )  # fmt: skip
    assert resolved.exit_code == 0, resolved.output
    head = versioned.head()
    result = cli(versioned.path, "comment", "import", "v0.1", str(form))
    assert result.exit_code == 1
    assert "row 2: comment " in result.stderr and "'reply' was changed in the file" in result.stderr
    assert "--theirs" in result.stderr and "nothing was imported" in result.stderr
    assert versioned.head() == head and clean(versioned)
    assert records(versioned)[0]["reply"] == "From the register."
    kept = imported(cli, versioned, form, "--ours")
    assert "left 1 unchanged" in kept and records(versioned)[0]["reply"] == "From the register."
    imported(cli, versioned, form, "--theirs")
    got = records(versioned)[0]
    assert (got["reply"], got["disposition"]) == ("From the file.", "noted")
    assert versioned.head() != head and clean(versioned)


def test_a_change_made_only_in_the_register_stands(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    (tmp_path / "form.csv").write_bytes(csv_bytes(SAMPLE[:2]))
    imported(cli, versioned, tmp_path / "form.csv")
    out = tmp_path / "out.csv"
    cli(versioned.path, "comment", "export", "v0.1", "-o", str(out))
    comment_id = records(versioned)[0]["id"]
    cli(
        versioned.path,
        "comment",
        "resolve",
        str(comment_id),
        "--disposition",
        "noted",
        "--reply",
        "R",
    )
    assert "left 1 unchanged" in imported(cli, versioned, out)
    assert records(versioned)[0]["reply"] == "R"


UNKNOWN = [
    HEADER,
    ["UK", "", "2.1", "", "te", "Good row.", ""],
    ["UK", "", "Clause 9.4", "", "te", "No such clause.", ""],
    ["UK", "", "Table 12", "", "ed", "No such table.", ""],
    ["UK", "", "Preamble of sorts", "", "ed", "Nothing by that name.", ""],
]


def test_unknown_clauses_are_refused_by_row_or_made_general_with_lenient(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    (tmp_path / "form.csv").write_bytes(csv_bytes(UNKNOWN))
    head = versioned.head()
    result = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "form.csv"))
    assert result.exit_code == 1
    for row in (3, 4, 5):
        assert f"form.csv: row {row}: " in result.stderr
    assert "row 2:" not in result.stderr and "3 bad rows; nothing was imported" in result.stderr
    assert "numbers no table 12" in result.stderr
    assert versioned.head() == head and clean(versioned) and records(versioned) == []
    result = cli(
        versioned.path, "comment", "import", "v0.1", str(tmp_path / "form.csv"), "--lenient"
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stderr.count("warning: row") == 3
        and "imported as a general comment" in result.stderr
    )
    got = records(versioned)
    assert len(got) == 4 and [r["chapter"] for r in got] == ["method", "", "", ""]
    assert got[1]["clause"] == "Clause 9.4"  # what the reviewer wrote is kept


def _record(repo: ReportRepo, comment_id: str) -> None:
    repo.write(
        f"review/comments/v0.1/{comment_id}.toml",
        f'id = "{comment_id}"\nversion = "v0.1"\nstage = "draft"\ndate = 2025-04-03T09:00:00Z\n'
        'member = "UK"\ntype = "te"\nchapter = ""\ncomment = "x"\n',
    )


def test_short_and_ambiguous_ids(versioned: ReportRepo, cli: CliInvoke) -> None:
    _record(versioned, "c-20250403090000-1a2b3c4d")
    _record(versioned, "c-20250403090001-1a2b9999")
    _record(versioned, "c-20250403090002-77aa0000")
    versioned.commit("three comments")
    listed = cli(versioned.path, "comment", "list", "v0.1").stdout
    assert "1a2b3  " in listed and "1a2b9  " in listed and "77aa  " in listed
    assert "c-20250403090000-1a2b3c4d" not in listed
    head = versioned.head()
    result = cli(
        versioned.path, "comment", "resolve", "1a2b", "--disposition", "noted", "--reply", "x"
    )
    assert result.exit_code == 1 and "ambiguous" in result.stderr
    assert (
        "c-20250403090000-1a2b3c4d" in result.stderr
        and "c-20250403090001-1a2b9999" in result.stderr
    )
    assert versioned.head() == head
    result = cli(
        versioned.path, "comment", "resolve", "77AA", "--disposition", "noted", "--reply", "x"
    )
    assert result.exit_code == 0, result.output
    data = tomllib.loads(
        (versioned.path / "review/comments/v0.1/c-20250403090002-77aa0000.toml").read_text()
    )
    assert data["disposition"] == "noted"


def test_xlsx_round_trip_read_back_with_openpyxl(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    (tmp_path / "form.csv").write_bytes(csv_bytes(SAMPLE))
    imported(cli, versioned, tmp_path / "form.csv")
    out = tmp_path / "out.xlsx"
    assert cli(versioned.path, "comment", "export", "v0.1", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book.active
    assert sheet is not None and sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["MB/NC", "Ref", "Line number"] and "Comment id" in header
    comments = [
        row[header.index("Comments")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert comments == [row[5] for row in SAMPLE[1:]]
    long_cell = sheet.cell(row=7, column=header.index("Comments") + 1)
    assert long_cell.value == MULTI and long_cell.alignment.wrap_text
    sheet.cell(row=2, column=header.index("Disposition") + 1).value = "noted"
    sheet.cell(row=2, column=header.index("Reply") + 1).value = "Noted, thanks."
    sheet.append(["IT", None, 12, "Annex A", None, "TE", "New in the workbook."])
    book.save(out)
    text = imported(cli, versioned, out)
    assert "imported 1 comment, updated 1 comment, left 6 unchanged" in text
    got = records(versioned)
    assert got[0]["reply"] == "Noted, thanks." and got[-1]["line"] == 12
    assert got[-1]["row"] if "row" in got[-1] else got[-1]["order"] == 9


def test_a_control_character_a_workbook_cannot_hold_is_named_not_a_crash(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    """XML 1.0 has no ESC: the XLSX export names the comment and writes nothing; CSV keeps it."""
    text = "Fix\x1bthis"
    added = cli(
        versioned.path, "comment", "add", "v0.1", "--type", "te", "--by", "UK", "--text", text
    )
    assert added.exit_code == 0, added.output
    (record,) = (versioned.path / "review/comments/v0.1").glob("*.toml")
    out = tmp_path / "out.xlsx"
    result = cli(versioned.path, "comment", "export", "v0.1", "-o", str(out))
    assert result.exit_code == 1 and "internal error" not in result.stderr
    assert f"comment {record.stem} holds the control character U+001B" in result.stderr
    assert "review/comments/v0.1/" in result.stderr and not out.exists()
    csv_out = tmp_path / "out.csv"
    assert cli(versioned.path, "comment", "export", "v0.1", "-o", str(csv_out)).exit_code == 0
    assert text in csv_out.read_bytes().decode("utf-8-sig")


def test_an_unknown_workbook_header_and_a_device_are_refused(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    book = openpyxl.Workbook()
    assert book.active is not None
    book.active.append(["just", "numbers"])
    book.save(tmp_path / "x.xlsx")
    result = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 1 and "no header row" in result.stderr
    result = cli(versioned.path, "comment", "import", "v0.1", "/dev/zero")
    assert result.exit_code == 1 and "/dev/zero: not a regular file" in result.stderr
    assert clean(versioned)


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "\tTabbed"]


def test_formula_cells_are_neutralised_and_read_back_exactly(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    rows = [HEADER] + [["UK", "", "2.1", "", "te", text, ""] for text in FORMULAS]
    (tmp_path / "form.csv").write_bytes(csv_bytes(rows))
    imported(cli, versioned, tmp_path / "form.csv")
    assert [r["comment"] for r in records(versioned)] == [t.strip() for t in FORMULAS]
    quoted = cli(
        versioned.path, "comment", "add", "v0.1", "--type", "te", "--by", "UK", "--text", "'=quoted"
    )
    assert quoted.exit_code == 0, quoted.output
    out = tmp_path / "out.csv"
    cli(versioned.path, "comment", "export", "v0.1", "-o", str(out))
    exported = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    cells = [r["Comments"] for r in exported]
    assert sorted(cells) == sorted(["'" + t for t in FORMULAS[:4]] + ["''=quoted", "Tabbed"])
    assert not any(c.startswith(("=", "+", "-", "@", "\t")) for r in exported for c in r.values())
    assert "left 6 unchanged" in imported(cli, versioned, out)
    xlsx = tmp_path / "out.xlsx"
    cli(versioned.path, "comment", "export", "v0.1", "-o", str(xlsx))
    sheet = openpyxl.load_workbook(xlsx).active
    assert sheet is not None
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "left 6 unchanged" in imported(cli, versioned, xlsx)
    versioned.write(
        "chapters/02-method.md",
        CAPTIONED.replace("gap: No interoperable", "gap: =cmd|' /C calc'!A0 No interoperable"),
    )
    gaps = cli(versioned.path, "gaps", "--format", "csv").stdout
    assert ",'=cmd|" in gaps and ",=cmd" not in gaps


def test_xlsx_keeps_exactly_what_was_typed(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    """Bug fix: the XLSX export put the CSV's quote into the cell's text (`'=x` for `=x`) and
    import took a leading quote off any formula-like cell, so an answer an editor typed in
    Excel as `''=kept` (the text `'=kept`: Excel keeps the first apostrophe as its mark,
    `quotePrefix`) lost its quote. Now a workbook holds each text exactly, formula-like ones
    marked as Excel marks them, and a marked cell is read as exactly its text; a workbook of
    the earlier export (quote in the text, no mark) still reads back. The new test fails on
    the old code."""
    texts = ["=x", "'=x", "''=y", "+1"]
    for text in texts:
        added = cli(
            versioned.path, "comment", "add", "v0.1", "--type", "te", "--by", "UK", "--text", text
        )
        assert added.exit_code == 0, added.output
    out = tmp_path / "out.xlsx"
    assert cli(versioned.path, "comment", "export", "v0.1", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    cells = [row[header.index("Comments")] for row in rows]
    assert sorted(str(c.value) for c in cells) == sorted(texts)
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert "left 4 unchanged" in imported(cli, versioned, out)
    # an editor answers in Excel: `'=ok` is the text `=ok`, `''=kept` the text `'=kept`
    answers = {}
    for row, typed in zip(rows, ("=ok", "'=kept"), strict=False):
        reply = row[header.index("Reply")]
        reply.value, reply.data_type, reply.quotePrefix = typed, "s", True
        row[header.index("Disposition")].value = "noted"
        answers[row[header.index("Comments")].value] = typed
    book.save(out)
    assert "updated 2 comments" in imported(cli, versioned, out)
    replies = {r["comment"]: r.get("reply") for r in records(versioned)}
    assert {c: replies[c] for c in answers} == answers
    # a workbook of the earlier export: the CSV's quote in the text, no mark
    legacy = openpyxl.Workbook()
    assert legacy.active is not None
    legacy.active.append(HEADER)
    legacy.active.append(["UK", "", "2.1", "", "te", "'=SUM(A1)", ""])
    legacy.save(tmp_path / "legacy.xlsx")
    imported(cli, versioned, tmp_path / "legacy.xlsx")
    assert records(versioned)[-1]["comment"] == "=SUM(A1)"


@given(st.text())
def test_neutralise_is_undone_exactly(text: str) -> None:
    safe = neutralise(text)
    assert restore(safe) == text
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_add_takes_the_grammar_of_the_form(versioned: ReportRepo, cli: CliInvoke) -> None:
    def add(*args: str) -> str:
        result = cli(versioned.path, "comment", "add", "v0.1", "--by", "UK", "--text", "t", *args)
        assert result.exit_code == 0, result.output
        return result.stdout.strip()

    ids = [
        add("--type", "TE", "--chapter", "method", "--section", "scope"),
        add("--type", "General"),
        add("--type", "editorial", "--clause", "Title"),
        add("--type", "ed", "--clause", "Table 3"),
    ]
    by_id = {r["id"]: r for r in records(versioned)}
    got = [by_id[i] for i in ids]
    assert [r["type"] for r in got] == ["te", "ge", "ed", "ed"]
    assert got[1]["chapter"] == "" and "part" not in got[1]
    assert got[2]["part"] == "title" and got[3]["section"] == "scope"
    result = cli(
        versioned.path, "comment", "add", "v0.1", "--by", "UK", "--text", "t", "--type", "xx"
    )
    assert result.exit_code == 1 and "'xx'" in result.stderr


def test_versions_named_in_records_are_real(versioned: ReportRepo, cli: CliInvoke) -> None:
    first = cli(
        versioned.path, "comment", "add", "v0.1", "--by", "UK", "--text", "t", "--type", "ge"
    ).stdout.strip()
    head = versioned.head()
    result = cli(
        versioned.path, "comment", "resolve", first, "--disposition", "noted", "--reply", "x",
        "--in", "v05",
    )  # fmt: skip
    assert result.exit_code == 1 and "no version 'v05'" in result.stderr
    assert "did you mean 'v0." in result.stderr and versioned.head() == head
    result = cli(
        versioned.path, "comment", "resolve", first, "--disposition", "noted", "--reply", "x",
        "--in", "v0.2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # the next version, to be cut
    _record(versioned, "c-20250403090000-0badbad0")
    path = versioned.path / "review/comments/v0.1/c-20250403090000-0badbad0.toml"
    path.write_text(path.read_text() + 'chapter = "gone"\n'.replace("chapter", "section"))
    text = path.read_text().replace('chapter = ""', 'chapter = "nosuch"')
    path.write_text(text + 'resolved_in = "v9"\ndisposition = "noted"\n')
    moved = versioned.path / "review/comments/v7/c-20250403090000-00000001.toml"
    moved.parent.mkdir(parents=True)
    moved.write_text(
        text.replace("0badbad0", "00000001").replace('version = "v0.1"', 'version = "v7"')
    )
    result = cli(versioned.path, "check")
    assert result.exit_code == 1
    out = result.stdout
    assert "c-20250403090000-0badbad0.toml: comment-place:" in out and "'nosuch'" in out
    assert "c-20250403090000-0badbad0.toml: comment-resolved-in:" in out and "'v9'" in out
    assert "v7/c-20250403090000-00000001.toml: comment-version:" in out


def test_an_import_commits_only_its_records_and_leaves_staged_work_staged(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    """The import commits from a scratch index: a chapter edit the editor staged stays staged, uncommitted."""
    versioned.write("chapters/02-method.md", CAPTIONED + "\nA staged sentence.\n")
    versioned.git("add", "chapters/02-method.md")
    (tmp_path / "form.csv").write_bytes(csv_bytes(SAMPLE))
    head = versioned.head()
    imported(cli, versioned, tmp_path / "form.csv")
    changed = versioned.git("diff", "--name-only", head, "HEAD").split()
    assert len(changed) == len(SAMPLE) - 1
    assert all(p.startswith("review/comments/v0.1/") for p in changed)
    assert versioned.git("status", "--porcelain", "-uall").splitlines() == [
        "M  chapters/02-method.md"
    ]
    assert versioned.git("rev-parse", "HEAD^").strip() == head


def test_a_refused_commit_of_updates_puts_every_record_back_byte_for_byte(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    """The journal keeps each updated record's text as read (a hand-edited CRLF record included)."""
    (tmp_path / "form.csv").write_bytes(csv_bytes(SAMPLE))
    imported(cli, versioned, tmp_path / "form.csv")
    folder = versioned.path / "review" / "comments" / "v0.1"
    edited = sorted(folder.glob("*.toml"))[0]
    edited.write_bytes(edited.read_bytes().replace(b"\n", b"\r\n"))  # as an editor on Windows
    versioned.commit("a record saved with CRLF")
    before = {p.name: p.read_bytes() for p in folder.glob("*.toml")}
    out = tmp_path / "out.csv"
    assert cli(versioned.path, "comment", "export", "v0.1", "-o", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    for row in rows[1:]:
        row[rows[0].index("Disposition")] = "noted"
        row[rows[0].index("Reply")] = "Noted."
    out.write_bytes(csv_bytes(rows))
    hook = versioned.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho refused by hook >&2\nexit 1\n")
    hook.chmod(0o755)
    head = versioned.head()
    result = cli(versioned.path, "comment", "import", "v0.1", str(out))
    assert result.exit_code == 1 and "git commit failed" in result.stderr
    assert versioned.head() == head and clean(versioned)
    assert {p.name: p.read_bytes() for p in folder.glob("*.toml")} == before
    hook.unlink()
    assert "updated 7 comments" in imported(cli, versioned, out)
    assert all(r["disposition"] == "noted" for r in records(versioned))


def _workbook_with(tmp_path: Path, extra: dict[str, bytes], declare: dict[str, bytes]) -> bytes:
    """A real form workbook (openpyxl), members added or declarations put in as an attacker would."""
    book = openpyxl.Workbook()
    assert book.active is not None
    for row in SAMPLE:
        book.active.append(row)
    book.save(tmp_path / "base.xlsx")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(tmp_path / "base.xlsx") as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            data = source.read(name)
            if name in declare:
                head, _, body = data.partition(b"?>")
                data = head + b"?>" + declare[name] + body
            target.writestr(name, data)
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("extra", "declare", "expected"),
    [
        (
            {"xl/media/zeros.bin": b"\0" * (51 * 1024 * 1024)},
            {},
            "more than 50 MB once decompressed",
        ),
        ({f"xl/media/{n}.bin": b"" for n in range(1001)}, {}, "zip members (at most 1,000)"),
        (
            {},
            {"xl/worksheets/sheet1.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'},
            "declares a DOCTYPE or an entity",
        ),
        ({"../evil.xml": b"<a/>"}, {}, "leaves the folder"),
    ],
    ids=["bomb", "members", "entity", "slip"],
)
def test_a_hostile_workbook_is_refused_in_one_line_and_nothing_is_recorded(
    versioned: ReportRepo,
    cli: CliInvoke,
    tmp_path: Path,
    extra: dict[str, bytes],
    declare: dict[str, bytes],
    expected: str,
) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(_workbook_with(tmp_path, extra, declare))
    assert len(path.read_bytes()) < 1024 * 1024  # small on disk: only the contents are large
    head = versioned.head()
    result = cli(versioned.path, "comment", "import", "v0.1", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.output.strip().split("\n") if line]
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0], result.output
    assert "Traceback" not in result.output
    assert versioned.head() == head and clean(versioned) and records(versioned) == []


def test_a_file_named_xlsx_that_is_no_zip_is_refused(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    path = tmp_path / "form.xlsx"
    path.write_bytes(b"MB/NC,Clause\nUK,1\n")
    result = cli(versioned.path, "comment", "import", "v0.1", str(path))
    assert result.exit_code == 1
    assert f"{path}: not a workbook (.xlsx is a zip file; this is not one)" in result.stderr
    assert clean(versioned)
