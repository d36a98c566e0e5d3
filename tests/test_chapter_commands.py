"""`chapter list`, `chapter new --annex`, `chapter move` and `chapter rename` through the real CLI.

The report has links between chapters in every form the rewrite must follow
(inline, with a fragment, a reference definition, a path with `./`) and some
it must leave alone (inline code, a fenced example), and comments on a
version, at a section and on a whole chapter. After a move or a rename,
`check` must be clean and every comment must still find its place.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import REPORT_TOML, CliInvoke, ReportRepo, make_report

CHAPTERS = {
    "01-intro.md": """---
id: intro
title: Introduction
owners: [Alice]
---
# Introduction

See [the method](02-method.md#scope), [the gaps][g] and [terms](./A1-terms.md).
A code span keeps its text: `[x](02-method.md)`.

```text
[an example](02-method.md)
```

[g]: 03-gaps.md
""",
    "02-method.md": """---
title: Method
status: review
---
# Method

## Scope

The scope is in [the introduction](01-intro.md) and [gaps](03-gaps.md#found).
""",
    "03-gaps.md": """---
id: gaps
title: Gaps
---
# Gaps

## Found {#found}

Back to [the method](02-method.md).
""",
    "A1-terms.md": """---
id: terms
title: Terms
---
# Terms

Words used in [the gaps](03-gaps.md).
""",
}


@pytest.fixture
def linked(tmp_path: Path, cli: CliInvoke) -> ReportRepo:
    repo = make_report(tmp_path / "report", CHAPTERS)
    repo.write(
        "review/versions/v0.1.toml",
        'name = "v0.1"\ndate = 2025-04-02T09:00:00Z\nmeeting = "CG-COP e-meeting"\n',
    )
    repo.commit("version v0.1")
    for where in (["--chapter", "method", "--section", "scope"], ["--chapter", "gaps"]):
        result = cli(
            repo.path, "comment", "add", "v0.1", *where, "--type", "te", "--by", "UK", "--text", "t"
        )
        assert result.exit_code == 0, result.output
    return repo


def _places(cli: CliInvoke, repo: ReportRepo) -> dict[str, tuple[str, str]]:
    result = cli(repo.path, "comment", "list", "--json")
    assert result.exit_code == 0, result.output
    return {
        c["chapter"]: (c["now"]["number"], c["now"]["title"]) for c in json.loads(result.stdout)
    }


def _clean_check(cli: CliInvoke, repo: ReportRepo) -> None:
    result = cli(repo.path, "check")
    assert result.exit_code == 0, result.output
    assert "broken-link" not in result.output and "comment-" not in result.output, result.output


def test_list_shows_every_chapter_in_order(cli: CliInvoke, linked: ReportRepo) -> None:
    result = cli(linked.path, "chapter", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["number"], r["id"], r["file"]) for r in rows] == [
        ("1", "intro", "chapters/01-intro.md"),
        ("2", "method", "chapters/02-method.md"),
        ("3", "gaps", "chapters/03-gaps.md"),
        ("A", "terms", "chapters/A1-terms.md"),
    ]
    assert rows[0]["owners"] == ["Alice"] and rows[1]["status"] == "review"
    assert rows[2]["words"] == 6 and rows[3]["annex"] is True  # Gaps, Found, Back to the method.
    text = cli(linked.path, "chapter", "list").stdout
    assert "gaps" in text and "chapters/A1-terms.md" in text


def test_new_annex_takes_the_next_letter(cli: CliInvoke, linked: ReportRepo) -> None:
    result = cli(linked.path, "chapter", "new", "Terms of reference", "--annex", "--owner", "Bo")
    assert result.exit_code == 0, result.output
    made = linked.path / "chapters" / "B-terms-of-reference.md"
    assert made.is_file() and result.stdout.strip().endswith("B-terms-of-reference.md")
    rows = json.loads(cli(linked.path, "chapter", "list", "--json").stdout)
    assert [(r["number"], r["id"]) for r in rows][-2:] == [
        ("A", "terms"),
        ("B", "terms-of-reference"),
    ]


def test_move_renames_files_redirects_links_and_keeps_comments(
    cli: CliInvoke, linked: ReportRepo
) -> None:
    before = _places(cli, linked)
    assert before == {"method": ("2.1", "Scope"), "gaps": ("3", "Gaps")}
    result = cli(linked.path, "chapter", "move", "gaps", "--to", "1")
    assert result.exit_code == 0, result.output
    assert "renamed chapters/03-gaps.md -> chapters/01-gaps.md" in result.stdout
    assert "renamed chapters/01-intro.md -> chapters/02-intro.md" in result.stdout
    assert "gaps: chapter 3 -> chapter 1" in result.stdout
    files = sorted(p.name for p in (linked.path / "chapters").iterdir())
    assert files == ["01-gaps.md", "02-intro.md", "03-method.md", "A1-terms.md"]
    status = linked.git("status", "--porcelain")
    assert "RM chapters/03-gaps.md -> chapters/01-gaps.md" in status  # git mv: a staged rename
    intro = (linked.path / "chapters" / "02-intro.md").read_text()
    assert "[the method](03-method.md#scope)" in intro
    assert "[terms](./A1-terms.md)" in intro and "[g]: 01-gaps.md" in intro
    assert "`[x](02-method.md)`" in intro and "[an example](02-method.md)" in intro
    method = (linked.path / "chapters" / "03-method.md").read_text()
    assert "[the introduction](02-intro.md)" in method and "[gaps](01-gaps.md#found)" in method
    _clean_check(cli, linked)
    assert _places(cli, linked) == {"method": ("3.1", "Scope"), "gaps": ("1", "Gaps")}
    assert "Nothing is committed" in result.stderr
    assert len(linked.git("log", "--format=%H").split()) == 4  # nothing committed by the move


def test_move_before_after_and_annex_places(cli: CliInvoke, linked: ReportRepo) -> None:
    result = cli(linked.path, "chapter", "move", "intro", "--after", "method")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (linked.path / "chapters").iterdir())
    assert names == ["01-method.md", "02-intro.md", "03-gaps.md", "A1-terms.md"]
    linked.commit("moved")
    result = cli(linked.path, "chapter", "move", "method", "--before", "terms")
    assert result.exit_code == 0, result.output
    rows = json.loads(cli(linked.path, "chapter", "list", "--json").stdout)
    assert [(r["number"], r["id"]) for r in rows] == [
        ("1", "intro"),
        ("2", "gaps"),
        ("A", "method"),
        ("B", "terms"),
    ]
    _clean_check(cli, linked)
    assert _places(cli, linked)["method"] == ("A.1", "Scope")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["gaps"], 2, "say where the chapter goes"),
        (["gaps", "--to", "9"], 2, "outside 1..3"),
        (["gaps", "--to", "B"], 2, "is a chapter"),
        (["gaps", "--to", "x1"], 2, "is not a place"),
        (["Gaps;rm", "--to", "1"], 2, "is not a chapter id"),
        (["nothere", "--to", "1"], 1, "no chapter 'nothere'"),
        (["gaps", "--after", "gaps"], 2, "next to itself"),
    ],
)
def test_move_refusals(
    cli: CliInvoke, linked: ReportRepo, args: list[str], code: int, message: str
) -> None:
    result = cli(linked.path, "chapter", "move", *args)
    assert result.exit_code == code and message in result.output, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert linked.git("status", "--porcelain") == ""


def test_move_refuses_a_dirty_chapter_folder(cli: CliInvoke, linked: ReportRepo) -> None:
    path = linked.path / "chapters" / "02-method.md"
    path.write_text(path.read_text() + "\nMy own edit.\n")
    result = cli(linked.path, "chapter", "move", "gaps", "--to", "1")
    assert result.exit_code == 1
    assert "uncommitted changes in chapters/02-method.md" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert linked.git("status", "--porcelain").strip() == "M chapters/02-method.md"
    assert (linked.path / "chapters" / "03-gaps.md").is_file()


def test_rename_updates_links_and_comments_still_find_the_chapter(
    cli: CliInvoke, linked: ReportRepo
) -> None:
    result = cli(linked.path, "chapter", "rename", "method", "approach")
    assert result.exit_code == 0, result.output
    assert "renamed chapters/02-method.md -> chapters/02-approach.md" in result.stdout
    approach = (linked.path / "chapters" / "02-approach.md").read_text()
    assert approach.startswith(
        "---\ntitle: Method\nstatus: review\nid: approach\nformer_ids: [method]\n---\n"
    )
    intro = (linked.path / "chapters" / "01-intro.md").read_text()
    assert "[the method](02-approach.md#scope)" in intro
    assert "(02-approach.md)" in (linked.path / "chapters" / "03-gaps.md").read_text()
    rows = json.loads(cli(linked.path, "chapter", "list", "--json").stdout)
    assert [r["id"] for r in rows] == ["intro", "approach", "gaps", "terms"]
    _clean_check(cli, linked)
    listed = json.loads(cli(linked.path, "comment", "list", "--json").stdout)
    method = next(c for c in listed if c["chapter"] == "method")  # the record says what v0.1 had
    assert method["now"]["chapter"] == "approach" and method["now"]["number"] == "2.1"
    linked.commit("renamed")
    result = cli(linked.path, "chapter", "rename", "gaps", "findings")
    assert result.exit_code == 0, result.output
    assert "comments naming 'gaps': 1" in result.stdout
    assert (
        "id: findings\ntitle: Gaps\nformer_ids: [gaps]"
        in (linked.path / "chapters" / "03-findings.md").read_text()
    )
    _clean_check(cli, linked)
    assert _places(cli, linked) == {"method": ("2.1", "Scope"), "gaps": ("3", "Gaps")}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["method", "Bad;name"], 1, "must be 1-64 lowercase letters"),
        (["method", "--oops"], 2, "No such option"),
        (["method", "gaps"], 1, "already used by chapters/03-gaps.md"),
        (["nothere", "x"], 1, "no chapter 'nothere'"),
    ],
)
def test_rename_refusals(
    cli: CliInvoke, linked: ReportRepo, args: list[str], code: int, message: str
) -> None:
    result = cli(linked.path, "chapter", "rename", *args)
    assert result.exit_code == code and message in result.output, result.output
    assert linked.git("status", "--porcelain") == ""


def test_explicit_order_refuses_move_and_follows_rename(tmp_path: Path, cli: CliInvoke) -> None:
    toml = (
        REPORT_TOML
        + '\n[chapters]\norder = ["02-method.md", "01-intro.md", "03-gaps.md", "A1-terms.md"]\n'
    )
    repo = make_report(tmp_path / "ordered", CHAPTERS, toml=toml)
    result = cli(repo.path, "chapter", "move", "gaps", "--to", "1")
    assert result.exit_code == 1 and "[chapters] order" in result.output
    result = cli(repo.path, "chapter", "rename", "method", "approach")
    assert result.exit_code == 0, result.output
    assert '"02-approach.md", "01-intro.md"' in (repo.path / "report.toml").read_text()
    assert "report.toml: [chapters] order names 02-approach.md" in result.stdout
    rows = json.loads(cli(repo.path, "chapter", "list", "--json").stdout)
    assert [(r["number"], r["id"]) for r in rows][:2] == [("1", "approach"), ("2", "intro")]
    _clean_check(cli, repo)


def test_a_failure_part_way_puts_everything_back(
    cli: CliInvoke, linked: ReportRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gap_analysis.services.chapters import edit

    before = {p.name: p.read_bytes() for p in (linked.path / "chapters").iterdir()}
    written: list[Path] = []

    def failing(path: Path, data: bytes, **_: object) -> None:
        if not written:
            written.append(path)
            path.write_bytes(b"half")  # as if the disk filled up after one file
            raise OSError(28, "No space left on device", str(path))
        path.write_bytes(data)

    monkeypatch.setattr(edit, "write_atomic", failing)
    result = cli(linked.path, "chapter", "move", "gaps", "--to", "1")
    assert result.exit_code == 1 and "No space left on device" in result.output, result.output
    assert {p.name: p.read_bytes() for p in (linked.path / "chapters").iterdir()} == before
    assert linked.git("status", "--porcelain") == ""


def test_diff_pairs_a_renamed_chapter_by_its_former_id(cli: CliInvoke, linked: ReportRepo) -> None:
    """Id, file and title all changed: `former_ids` still says it is the same chapter."""
    assert cli(linked.path, "chapter", "rename", "method", "approach").exit_code == 0
    path = linked.path / "chapters" / "02-approach.md"
    path.write_text(path.read_text().replace("title: Method", "title: Our approach"))
    linked.commit("renamed and retitled")
    result = cli(linked.path, "diff", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    assert "Chapter 2 Our approach (was: Method) (modified)" in result.output, result.output
    assert "(removed)" not in result.output and "(added)" not in result.output, result.output
