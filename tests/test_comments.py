"""`gap-analysis comment`: recording, importing, exporting, listing and resolving reviewer comments.

Versions and review events are set up by writing their records and committing
them (what `version cut` and `review` leave behind), so these tests depend only
on the record format, not on those commands.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from gap_analysis.gitstore import GitStore
from gap_analysis.services.comments.findings import comment_findings
from gap_analysis.services.comments.register import open_comments
from gap_analysis.services.gaps import structures_of
from gap_analysis.services.snapshots import load
from tests.helpers import CHAPTERS, CliInvoke, ReportRepo

ISO_HEADER = [
    "MB/NC¹",
    "Line number",
    "Clause/ Subclause",
    "Paragraph/ Figure/ Table/",
    "Type of comment²",
    "Comments",
    "Proposed change",
    "Observations of the secretariat",
]


def cut(repo: ReportRepo, name: str, date: str = "2025-04-02T09:00:00Z", previous: str = "") -> str:
    repo.write(
        f"review/versions/{name}.toml",
        f'name = "{name}"\ndate = {date}\nmeeting = "CG-COP e-meeting"\nprevious = "{previous}"\n',
    )
    return repo.commit(f"version {name}")


def submit(repo: ReportRepo, name: str, date: str = "2025-04-03T09:00:00Z") -> None:
    repo.write(
        f"review/events/20250403T090000000000Z-{name}-submit-abc123.toml",
        f'version = "{name}"\naction = "submit"\nfrom = "draft"\nto = "cg-cop"\n'
        f'actor = "editor@example.org"\ndate = {date}\n',
    )
    repo.commit(f"submit {name}")


def form(
    rows: list[list[str]],
    header: list[str] = ISO_HEADER,
    sep: str = ",",
    bom: bool = False,
    preamble: list[list[str]] | None = None,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    for row in preamble or []:
        writer.writerow(row)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def records(repo: ReportRepo, version: str = "v0.1") -> list[dict[str, object]]:
    folder = repo.path / "review" / "comments" / version
    return (
        [tomllib.loads(p.read_text()) for p in sorted(folder.glob("*.toml"))]
        if folder.is_dir()
        else []
    )


def commits(repo: ReportRepo) -> int:
    return int(repo.git("rev-list", "--count", "HEAD").strip())


@pytest.fixture
def versioned(report_repo: ReportRepo) -> ReportRepo:
    cut(report_repo, "v0.1")
    return report_repo


def add(cli: CliInvoke, repo: ReportRepo, *extra: str, version: str = "v0.1") -> str:
    result = cli(
        repo.path,
        "comment",
        "add",
        version,
        "--chapter",
        "method",
        "--type",
        "te",
        "--by",
        "CG-COP participant",
        "--text",
        "Name the IETF work.",
        *extra,
    )
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


# -- add ------------------------------------------------------------------------


def test_add_records_one_committed_file_with_place_and_stage(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    before = commits(versioned)
    comment_id = add(cli, versioned, "--section", "2.1", "--line", "12", "--proposal", "Cite it.")
    path = versioned.path / "review" / "comments" / "v0.1" / f"{comment_id}.toml"
    data = tomllib.loads(path.read_text())
    assert (
        data["chapter"] == "method"
        and data["section"] == "scope"
        and data["section_number"] == "2.1"
    )
    assert data["type"] == "te" and data["member"] == "CG-COP participant" and data["line"] == 12
    assert data["stage"] == "draft" and data["proposal"] == "Cite it." and "disposition" not in data
    assert commits(versioned) == before + 1
    assert versioned.git("status", "--porcelain").strip() == ""
    assert versioned.git("log", "-1", "--name-only", "--format=").split() == [
        f"review/comments/v0.1/{comment_id}.toml"
    ]


def test_stage_is_the_one_the_version_stood_at(versioned: ReportRepo, cli: CliInvoke) -> None:
    early = add(cli, versioned)
    submit(versioned, "v0.1")
    late = add(cli, versioned, "--section", "scope")
    stages = {r["id"]: r["stage"] for r in records(versioned)}
    assert stages == {early: "draft", late: "cg-cop"}
    store = GitStore(versioned.path)
    assert [c.id for c in open_comments(store, "v0.1", "cg-cop")] == [late]
    assert [c.id for c in open_comments(store, "v0.1", "draft")] == [early]


def test_add_no_commit_leaves_the_record_uncommitted(versioned: ReportRepo, cli: CliInvoke) -> None:
    before = commits(versioned)
    comment_id = add(cli, versioned, "--no-commit")
    assert commits(versioned) == before
    assert f"review/comments/v0.1/{comment_id}.toml" in versioned.git(
        "status", "--porcelain", "-uall"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["v9.9", "--chapter", "method"], "no version 'v9.9'"),
        (["--bad", "--chapter", "method"], ""),
        (["../x", "--chapter", "method"], "not a valid version name"),
        (["v0.1", "--chapter", "nosuch"], "no chapter 'nosuch'"),
        (["v0.1", "--chapter", "method", "--section", "9.9"], "no section '9.9'"),
    ],
)
def test_add_refused_changes_nothing(
    versioned: ReportRepo, cli: CliInvoke, args: list[str], message: str
) -> None:
    head = versioned.head()
    result = cli(
        versioned.path, "comment", "add", *args, "--type", "ed", "--by", "X", "--text", "t"
    )
    assert result.exit_code in (1, 2)
    assert message in result.stderr
    assert versioned.head() == head and not (versioned.path / "review" / "comments").exists()


def test_add_on_a_version_places_in_that_versions_text(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    """Section numbers are those of the version the reviewer read, not of today's draft."""
    versioned.write(
        "chapters/02-method.md",
        CHAPTERS["02-method.md"].replace("## Scope", "## Context\n\nNew text.\n\n## Scope"),
    )
    versioned.commit("new section before scope")
    add(cli, versioned, "--section", "2.1")
    assert records(versioned)[0]["section"] == "scope"


# -- import ---------------------------------------------------------------------


def test_import_iso_form_semicolons_bom_and_title_rows(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    rows = [
        [
            "CG-COP participant",
            "12",
            "2.1",
            "Table 1",
            "te",
            "Add ISO/IEC 27566-1.",
            "Add a row.",
            "",
        ],
        ["SG17 Q1/17 rapporteur", "", "General", "", "Ge", "Shorten the document.", "", "noted"],
        ["CG-COP participant", "3", "Annex A", "", "editorial", "Sort the list.", "", ""],
        ["", "", "", "", "", "", "", ""],
    ]
    data = form(
        rows, sep=";", bom=True, preamble=[["Date: 2025-04-10", "", "Document: TD 123"], []]
    )
    (tmp_path / "form.csv").write_bytes(data)
    before = commits(versioned)
    result = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "form.csv"))
    assert result.exit_code == 0, result.output
    assert "imported 3 comments" in result.stdout
    assert commits(versioned) == before + 1
    got = sorted(records(versioned), key=lambda r: str(r["comment"]))
    assert [
        (r["type"], r["chapter"], r.get("section", ""), r.get("section_number", "")) for r in got
    ] == [("te", "method", "scope", "2.1"), ("ge", "", "", ""), ("ed", "abbreviations", "", "A")]
    assert (
        got[0]["paragraph"] == "Table 1"
        and got[0]["line"] == 12
        and got[0]["proposal"] == "Add a row."
    )
    assert got[1]["observations"] == "noted"
    assert len({r["id"] for r in got}) == 3


def test_import_with_a_chapter_column_and_comma_separated(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    header = ["Member body", "Chapter", "Clause", "Type", "Comment", "Proposed changes"]
    (tmp_path / "f.csv").write_bytes(
        form(
            [
                ["SG17 participant", "intro", "", "ed", "Typo.", "Fix it."],
                ["SG17 participant", "method", "2.1", "te", "Scope?", ""],
            ],
            header,
        )
    )
    result = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "f.csv"))
    assert result.exit_code == 0, result.output
    places = sorted((r["chapter"], r.get("section", "")) for r in records(versioned))
    assert places == [("intro", ""), ("method", "scope")]


def test_import_dry_run_records_nothing(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    (tmp_path / "f.csv").write_bytes(form([["P", "", "2.1", "", "te", "x", "", ""]]))
    result = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "f.csv"), "--dry-run")
    assert result.exit_code == 0 and "would import 1 comment" in result.stdout
    assert records(versioned) == []


def _refused_import(repo: ReportRepo, cli: CliInvoke, data: bytes, tmp_path: Path) -> str:
    (tmp_path / "bad.csv").write_bytes(data)
    head = repo.head()
    result = cli(repo.path, "comment", "import", "v0.1", str(tmp_path / "bad.csv"))
    assert result.exit_code == 1
    assert repo.head() == head and records(repo) == []
    assert repo.git("status", "--porcelain", "-uall").strip() == ""
    return result.stderr


def test_import_missing_required_column(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    header = [h for h in ISO_HEADER if not h.startswith("Type")]
    err = _refused_import(
        versioned, cli, form([["P", "1", "2.1", "", "x", "", ""]], header), tmp_path
    )
    assert "lacks the required column type" in err


def test_import_names_every_bad_row_and_imports_nothing(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    rows = [
        ["P", "", "2.1", "", "te", "good", "", ""],
        ["P", "", "2.1", "", "xx", "unknown type", "", ""],
        ["P", "", "2.1", "", "ed", "good", "", ""],
        ["P", "", "9.1", "", "ed", "no chapter 9", "", ""],
        ["P", "", "2.7", "", "ed", "no section 2.7", "", ""],
        ["", "", "2.1", "", "ed", "", "", ""],
    ]
    err = _refused_import(versioned, cli, form(rows), tmp_path)
    assert "row 3: unknown type of comment 'xx'" in err
    assert "row 5: " in err and "chapter 9" in err
    assert "row 6: " in err and "2.7" in err
    assert "row 7: no member body; no comment" in err
    assert "row 2:" not in err and "row 4:" not in err
    assert "4 bad rows; nothing was imported" in err


def test_import_unknown_chapter_column(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    header = ["MB/NC", "Chapter", "Clause", "Type of comment", "Comments"]
    err = _refused_import(versioned, cli, form([["P", "nosuch", "", "te", "x"]], header), tmp_path)
    assert "row 2: chapter 'nosuch' does not exist" in err


def test_import_broken_encoding_names_the_row(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    good = form([["P", "", "2.1", "", "te", "fine", "", ""]])
    bad = "P,,2.1,,te,caf\u00e9 in Latin-1,,\r\n".encode("latin-1")
    err = _refused_import(versioned, cli, good + bad, tmp_path)
    assert "row 3: not valid UTF-8" in err and "row 2" not in err


def test_import_not_a_comment_form(versioned: ReportRepo, cli: CliInvoke, tmp_path: Path) -> None:
    err = _refused_import(versioned, cli, b"just,some,numbers\n1,2,3\n", tmp_path)
    assert "no header row" in err


def test_import_many_rows_is_one_commit(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    rows = [
        ["CG-COP participant", str(n), "2.1", "", "ed", f"Comment {n}", "", ""] for n in range(1500)
    ]
    (tmp_path / "big.csv").write_bytes(form(rows))
    before = commits(versioned)
    result = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "big.csv"))
    assert result.exit_code == 0, result.output
    assert commits(versioned) == before + 1
    assert len(list((versioned.path / "review/comments/v0.1").glob("*.toml"))) == 1500
    assert versioned.git("status", "--porcelain", "-uall").strip() == ""


# -- export ---------------------------------------------------------------------


def test_export_round_trips_with_disposition(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    first = add(cli, versioned, "--section", "2.1", "--proposal", "Cite RFC 9999.")
    add(cli, versioned)
    cli(
        versioned.path,
        "comment",
        "resolve",
        first,
        "--disposition",
        "accepted-modified",
        "--reply",
        "Cited the draft instead.",
        "--in",
        "v0.2",
    )
    out = tmp_path / "out.csv"
    result = cli(versioned.path, "comment", "export", "v0.1", "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 2
    done = next(r for r in rows if r["Comment id"] == first)
    assert done["Clause/Subclause"] == "2.1" and done["Type of comment"] == "te"
    assert (
        done["Disposition"] == "accepted-modified" and done["Reply"] == "Cited the draft instead."
    )
    assert done["Resolved in"] == "v0.2" and done["Proposed change"] == "Cite RFC 9999."
    assert done["MB/NC"] == "CG-COP participant" and done["Chapter"] == "method"
    # the exported form reads back as the same two comments (issue 12: no duplicates)
    result = cli(versioned.path, "comment", "import", "v0.1", str(out), "--dry-run")
    assert result.exit_code == 0 and "would leave 2 unchanged" in result.stdout
    assert "import" not in result.stdout.splitlines()[-1]


# -- list and anchors -------------------------------------------------------------


def test_list_follows_renumbered_section_and_marks_lost_ones(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    on_scope = add(cli, versioned, "--section", "2.1")
    versioned.write("chapters/02-method.md", CHAPTERS["02-method.md"] + "\n## Gone soon\n\nText.\n")
    cut(versioned, "v0.2", date="2025-05-01T09:00:00Z", previous="v0.1")
    on_gone = add(cli, versioned, "--section", "gone-soon", version="v0.2")
    # later: a new section before Scope renumbers it; "Gone soon" is deleted
    versioned.write(
        "chapters/02-method.md",
        CHAPTERS["02-method.md"].replace("## Scope", "## Context\n\nNew text.\n\n## Scope"),
    )
    listed = {
        c["id"]: c for c in json.loads(cli(versioned.path, "comment", "list", "--json").stdout)
    }
    assert listed[on_scope]["section_number"] == "2.1"
    assert listed[on_scope]["now"]["number"] == "2.2" and listed[on_scope]["now"]["moved"] is True
    assert listed[on_gone]["now"]["found"] is False
    text = cli(versioned.path, "comment", "list").stdout
    assert "2.2 Scope (was 2.1)" in text and "(place lost)" in text
    # at an older revision, the comment is where it was made
    at_v1 = json.loads(
        cli(versioned.path, "comment", "list", "v0.1", "--json", "--at", "v0.1").stdout
    )
    assert at_v1[0]["now"]["number"] == "2.1" and at_v1[0]["now"]["moved"] is False
    store = GitStore(versioned.path)
    findings = comment_findings(store, structures_of(load(store, None)), "the working tree")
    assert [f.code for f in findings] == ["comment-lost"]
    assert on_gone in findings[0].message and "gone-soon" in findings[0].message


def test_list_follows_a_section_moved_to_another_chapter(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    comment_id = add(cli, versioned, "--section", "scope")
    moved = CHAPTERS["02-method.md"].split("## Scope")[0]
    scope = "## Scope" + CHAPTERS["02-method.md"].split("## Scope")[1]
    versioned.write("chapters/02-method.md", moved)
    versioned.write("chapters/01-intro.md", CHAPTERS["01-intro.md"] + "\n" + scope)
    listed = json.loads(cli(versioned.path, "comment", "list", "--json").stdout)
    assert listed[0]["id"] == comment_id
    assert listed[0]["now"] == {
        "chapter": "intro",
        "number": "1.2",
        "title": "Scope",
        "found": True,
        "moved": True,
        "reason": "",
    }


def test_list_open_and_unknown_version(versioned: ReportRepo, cli: CliInvoke) -> None:
    first, second = add(cli, versioned), add(cli, versioned)
    cli(versioned.path, "comment", "resolve", first, "--disposition", "noted", "--reply", "Thanks.")
    still = json.loads(cli(versioned.path, "comment", "list", "v0.1", "--open", "--json").stdout)
    assert [c["id"] for c in still] == [second]
    result = cli(versioned.path, "comment", "list", "v7")
    assert result.exit_code == 1 and "no version 'v7'" in result.stderr


# -- resolve --------------------------------------------------------------------


def test_resolve_rewrites_only_disposition_fields(versioned: ReportRepo, cli: CliInvoke) -> None:
    comment_id = add(cli, versioned, "--section", "2.1")
    before = records(versioned)[0]
    result = cli(
        versioned.path,
        "comment",
        "resolve",
        comment_id,
        "--disposition",
        "accepted",
        "--reply",
        "Done.",
        "--in",
        "v0.2",
    )
    assert result.exit_code == 0, result.output
    after = records(versioned)[0]
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"disposition", "reply", "resolved_in", "resolved_by", "resolved_date"}
    assert after["disposition"] == "accepted" and after["resolved_by"] == "editor@example.org"
    assert versioned.git("status", "--porcelain").strip() == ""
    assert "accepted" in versioned.git("log", "-1", "--format=%s")


def test_resolve_again_needs_force(versioned: ReportRepo, cli: CliInvoke) -> None:
    comment_id = add(cli, versioned)
    cli(
        versioned.path,
        "comment",
        "resolve",
        comment_id,
        "--disposition",
        "rejected",
        "--reply",
        "No.",
    )
    path = versioned.path / "review/comments/v0.1" / f"{comment_id}.toml"
    text, head = path.read_text(), versioned.head()
    result = cli(
        versioned.path,
        "comment",
        "resolve",
        comment_id,
        "--disposition",
        "accepted",
        "--reply",
        "Yes.",
    )
    assert (
        result.exit_code == 1 and "already resolved" in result.stderr and "--force" in result.stderr
    )
    assert path.read_text() == text and versioned.head() == head
    result = cli(
        versioned.path,
        "comment",
        "resolve",
        comment_id,
        "--disposition",
        "accepted",
        "--reply",
        "Yes after all.",
        "--force",
    )
    assert result.exit_code == 0, result.output
    data = tomllib.loads(path.read_text())
    assert data["disposition"] == "accepted" and "was rejected" in str(data["resolve_note"])


@pytest.mark.parametrize("comment_id", ["c-20250101000000-deadbeef", "nonsense", "--force"])
def test_resolve_unknown_id(versioned: ReportRepo, cli: CliInvoke, comment_id: str) -> None:
    add(cli, versioned)
    head = versioned.head()
    result = cli(
        versioned.path,
        "comment",
        "resolve",
        "--disposition",
        "noted",
        "--reply",
        "x",
        "--",
        comment_id,
    )
    assert result.exit_code == 1 and "comment" in result.stderr
    assert versioned.head() == head and versioned.git("status", "--porcelain").strip() == ""


# -- branches -------------------------------------------------------------------


def test_comments_on_two_branches_merge_without_conflict(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    versioned.git("checkout", "-q", "-b", "alice")
    on_alice = add(cli, versioned, "--section", "2.1")
    versioned.git("checkout", "-q", "main")
    versioned.git("checkout", "-q", "-b", "bob")
    on_bob = add(cli, versioned)
    versioned.git("checkout", "-q", "main")
    versioned.git("merge", "-q", "--no-edit", "alice")
    versioned.git("merge", "-q", "--no-edit", "bob")
    assert versioned.git("status", "--porcelain").strip() == ""
    listed = {c["id"] for c in json.loads(cli(versioned.path, "comment", "list", "--json").stdout)}
    assert listed == {on_alice, on_bob}


@pytest.mark.parametrize("command", ["add", "import"])
def test_a_refused_commit_leaves_nothing_behind(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path, command: str
) -> None:
    hook = versioned.path / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho refused by hook >&2\nexit 1\n")
    hook.chmod(0o755)
    head = versioned.head()
    if command == "add":
        result = cli(
            versioned.path,
            "comment",
            "add",
            "v0.1",
            "--chapter",
            "method",
            "--type",
            "ed",
            "--by",
            "P",
            "--text",
            "t",
        )
    else:
        (tmp_path / "f.csv").write_bytes(form([["P", "", "2.1", "", "te", "x", "", ""]] * 3))
        result = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "f.csv"))
    assert result.exit_code == 1 and "git commit failed" in result.stderr
    assert versioned.head() == head and records(versioned) == []
    assert versioned.git("status", "--porcelain", "-uall").strip() == ""


# -- on the path and in the PDF ----------------------------------------------------------


def test_agree_is_refused_while_comments_of_the_stage_are_open(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    draft_comment = add(cli, versioned)  # made in draft: not a comment of cg-cop
    assert cli(versioned.path, "review", "submit", "v0.1").exit_code == 0
    open_one = add(cli, versioned, "--section", "2.1")
    head = versioned.head()
    refused = cli(versioned.path, "review", "agree", "v0.1", "--from", "cg-cop")
    assert refused.exit_code == 1 and "1 open comment" in refused.stderr
    assert versioned.head() == head
    assert (
        cli(
            versioned.path,
            "comment",
            "resolve",
            open_one,
            "--disposition",
            "accepted",
            "--reply",
            "Done.",
        ).exit_code
        == 0
    )
    agreed = cli(versioned.path, "review", "agree", "v0.1", "--from", "cg-cop")
    assert agreed.exit_code == 0, agreed.output
    assert draft_comment  # still open, but made at another stage


def test_agree_with_force_records_the_note(versioned: ReportRepo, cli: CliInvoke) -> None:
    assert cli(versioned.path, "review", "submit", "v0.1").exit_code == 0
    add(cli, versioned)
    agree = ("review", "agree", "v0.1", "--from", "cg-cop")
    no_note = cli(versioned.path, *agree, "--force")
    assert no_note.exit_code == 1 and "needs a note" in no_note.stderr
    forced = cli(versioned.path, *agree, "--force", "--note", "Agreed at the meeting.")
    assert forced.exit_code == 0, forced.output
    events = sorted((versioned.path / "review" / "events").glob("*agree*.toml"))
    data = tomllib.loads(events[-1].read_text())
    assert data["forced"] is True and data["note"] == "Agreed at the meeting."
    assert any(gate.startswith("no-open-comments") for gate in data["forced_gates"])


def test_version_pdf_carries_the_disposition_annex(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    done = add(cli, versioned, "--section", "2.1", "--proposal", "Use <b>bold</b> & cite it.")
    add(cli, versioned)
    assert (
        cli(
            versioned.path,
            "comment",
            "resolve",
            done,
            "--disposition",
            "accepted-modified",
            "--reply",
            "Cited in 2.1 <now>.",
            "--in",
            "v0.2",
        ).exit_code
        == 0
    )
    result = cli(versioned.path, "build", "v0.1", "-o", str(tmp_path / "v0.1.pdf"))
    assert result.exit_code == 0, result.output
    text = " ".join(page.extract_text() for page in PdfReader(tmp_path / "v0.1.pdf").pages)
    flat = " ".join(text.split())
    assert "Comments and their disposition" in flat
    assert "2 comments on v0.1; 1 still open." in flat
    dense = "".join(text.split())  # table cells wrap anywhere
    assert "Use<b>bold</b>&citeit." in dense and "Citedin2.1<now>." in dense
    assert "accepted-modified" in dense and "v0.2" in dense and "CG-COPparticipant" in dense
    assert done.rsplit("-", 1)[-1] in dense  # the id's end, to find the comment again


def test_check_names_open_comments_that_lost_their_place(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    on_scope = add(cli, versioned, "--section", "scope")
    resolved = add(cli, versioned, "--section", "scope")
    cli(
        versioned.path,
        "comment",
        "resolve",
        resolved,
        "--disposition",
        "accepted",
        "--reply",
        "Removed.",
    )
    assert "comment-lost" not in cli(versioned.path, "check").stdout
    versioned.write(
        "chapters/02-method.md", CHAPTERS["02-method.md"].replace("## Scope", "## Coverage")
    )
    result = cli(versioned.path, "check", "--json")
    lost = [f for f in json.loads(result.stdout) if f["code"] == "comment-lost"]
    assert len(lost) == 1 and on_scope in lost[0]["message"] and lost[0]["severity"] == "warning"
    assert lost[0]["path"] == f"review/comments/v0.1/{on_scope}.toml"
    assert "scope" in lost[0]["message"] and resolved not in lost[0]["message"]
    # the version itself still has the section: checking it reports nothing lost
    assert "comment-lost" not in cli(versioned.path, "check", "v0.1").stdout


def test_check_reports_an_unreadable_comment_record(versioned: ReportRepo, cli: CliInvoke) -> None:
    versioned.write("review/comments/v0.1/c-20250101000000-deadbeef.toml", "id = [broken\n")
    result = cli(versioned.path, "check", "--json")
    found = [f for f in json.loads(result.stdout) if f["code"] == "comment-record"]
    assert len(found) == 1 and found[0]["path"].endswith("deadbeef.toml")
    assert cli(versioned.path, "comment", "list").exit_code == 1


def test_status_counts_open_comments(versioned: ReportRepo, cli: CliInvoke) -> None:
    first = add(cli, versioned)
    add(cli, versioned)
    cli(versioned.path, "comment", "resolve", first, "--disposition", "noted", "--reply", "Thanks.")
    data = json.loads(cli(versioned.path, "status", "--json").stdout)
    assert data["version"] == "v0.1" and data["open_comments"] == 1
    assert "open comments: 1" in cli(versioned.path, "status").stdout


def test_comment_commands_on_a_detached_head_are_refused_before_any_write(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    """The preflight `version cut` and `review` use: a commit on a detached HEAD belongs to no branch."""
    made = add(cli, versioned)
    versioned.git("checkout", "-q", "--detach")
    head = versioned.head()
    (tmp_path / "f.csv").write_bytes(form([["P", "", "2.1", "", "te", "x", "", ""]]))
    refused = [
        cli(versioned.path, "comment", "add", "v0.1", "--type", "ed", "--by", "P", "--text", "t"),
        cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "f.csv")),
        cli(versioned.path, "comment", "resolve", made, "--disposition", "noted", "--reply", "r"),
    ]
    for result in refused:
        assert result.exit_code == 1 and "HEAD is detached" in result.stderr, result.output
    assert versioned.head() == head and len(records(versioned)) == 1
    assert records(versioned)[0].get("disposition") is None
    assert versioned.git("status", "--porcelain", "-uall").strip() == ""
    dry = cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "f.csv"), "--dry-run")
    assert dry.exit_code == 0 and "would import 1 comment" in dry.stdout  # a dry run writes nothing
    versioned.git("checkout", "-q", "main")
    assert cli(versioned.path, "comment", "import", "v0.1", str(tmp_path / "f.csv")).exit_code == 0


def test_status_names_an_unreadable_comment_record(versioned: ReportRepo, cli: CliInvoke) -> None:
    add(cli, versioned)
    add(cli, versioned)
    broken = "review/comments/v0.1/c-20250401100000-1a2b3c4d.toml"
    versioned.write(broken, 'id = "c-20250401100000-1a2b3c4d"\nversion = [unclosed\n')
    result = cli(versioned.path, "status")
    assert result.exit_code == 0, result.output
    assert "open comments: 2" in result.stdout
    [line] = [x for x in result.stdout.splitlines() if x.startswith("unreadable comment records")]
    assert broken in line and "invalid TOML" in line and "gap-analysis check" in line
    data = json.loads(cli(versioned.path, "status", "--json").stdout)
    assert broken in json.dumps(data)
