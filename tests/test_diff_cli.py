"""`gap-analysis diff` and `summary` through the real CLI on real git repositories."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import CHAPTERS, CliInvoke, ReportRepo

METHOD = CHAPTERS["02-method.md"]


def edit(repo: ReportRepo) -> None:
    """Edit the method chapter: a word, a table cell, a gap field, a new paragraph; rename intro's section."""
    text = (
        METHOD.replace(
            "age assurance and parental controls", "age assurance, filtering and parental controls"
        )
        .replace("| Filtering | CEN/TS 16080:2013 |", "| Filtering | CEN/TS 16080:2024 |")
        .replace("action: Start a work item.", "action: Start a new work item in SG17.")
        + "\nA closing paragraph about next steps.\n"
    )
    repo.write("chapters/02-method.md", text)
    repo.write(
        "chapters/01-intro.md", CHAPTERS["01-intro.md"].replace("## Background", "## Context")
    )


def test_json_follows_the_schema_and_names_every_change(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    base = report_repo.head()
    edit(report_repo)
    done = cli(report_repo.path, "diff", "HEAD", "--format", "json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["old"] == {"ref": "HEAD", "commit": base}
    assert data["stats"]["chapters_changed"] == 2
    chapters = {c["id"]: c for c in data["chapters"]}
    assert set(chapters) == {"intro", "method"}
    method = {(c["kind"], c["block"]): c for c in chapters["method"]["changes"]}
    para = method[("modified", "paragraph")]
    assert para["section"] == "2.1"
    assert (para["removed"], para["added"]) == (["assurance"], ["assurance,", "filtering"])
    assert para["old_text"] == "The scope covers age assurance and parental controls."
    row = method[("modified", "table-row")]
    assert (row["removed"], row["added"]) == (["16080:2013"], ["16080:2024"])
    gap = method[("modified", "gap")]
    assert (gap["removed"], gap["added"]) == (["item."], ["new", "item", "in", "SG17."])
    assert method[("added", "paragraph")]["added"] == [
        "A",
        "closing",
        "paragraph",
        "about",
        "next",
        "steps.",
    ]
    renamed = chapters["intro"]["changes"]
    assert [(c["kind"], c["block"], c["section"], c["new_text"]) for c in renamed] == [
        ("renamed", "heading", "1.1", "Context")
    ]
    assert data["stats"]["words_added"] == sum(
        len(c["added"]) for ch in data["chapters"] for c in ch["changes"]
    )


def test_text_md_and_html(report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path) -> None:
    edit(report_repo)
    text = cli(report_repo.path, "diff", "HEAD")
    assert text.exit_code == 0
    assert "\x1b[" not in text.stdout  # not a terminal: no colour
    assert "Chapter 2 Method (modified)" in text.stdout
    assert "  2.1 Scope" in text.stdout
    assert "[-assurance-] {+assurance, filtering+}" in text.stdout
    assert (
        'column "Standard": [-CEN/TS 16080:2013-] {+CEN/TS 16080:2024+}' in text.stdout
        or "[-16080:2013-] {+16080:2024+}" in text.stdout
    )
    md = cli(report_repo.path, "diff", "HEAD", "--format", "md")
    assert "{~~assurance~>assurance, filtering~~}" in md.stdout
    assert "{~~16080:2013~>16080:2024~~}" in md.stdout
    assert "{++A closing paragraph about next steps.++}" in md.stdout
    out = tmp_path / "redline.html"
    done = cli(report_repo.path, "diff", "HEAD", "--format", "html", "-o", str(out))
    assert done.exit_code == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<script" not in page

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.ins: list[str] = []
            self.dels: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in ("br", "meta", "img", "hr", "link"):
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert tag in ("body", "html") or self.stack.pop() == tag  # well nested

        def handle_data(self, data: str) -> None:
            if "ins" in self.stack:
                self.ins.append(data)
            if "del" in self.stack:
                self.dels.append(data)

    parser = Collect()
    parser.feed(page.split("<body>", 1)[1])
    assert any("filtering" in t for t in parser.ins)
    assert any("16080:2013" in t for t in parser.dels)
    assert any("inserted:" in t for t in parser.ins)  # announced to screen readers


def test_exit_code_and_no_changes(report_repo: ReportRepo, cli: CliInvoke) -> None:
    same = cli(report_repo.path, "diff", "HEAD", "HEAD", "--exit-code")
    assert same.exit_code == 0
    assert "No changes." in same.stdout
    report_repo.write(
        "chapters/02-method.md", METHOD.replace("The scope covers", "The scope  covers\n")
    )
    assert cli(report_repo.path, "diff", "HEAD", "--exit-code").exit_code == 0  # re-wrap only
    edit(report_repo)
    assert cli(report_repo.path, "diff", "HEAD", "--exit-code").exit_code == 1
    assert cli(report_repo.path, "diff", "HEAD").exit_code == 0


def test_chapter_filter_and_moves_between_commits(report_repo: ReportRepo, cli: CliInvoke) -> None:
    first = report_repo.head()
    edit(report_repo)
    second = report_repo.commit("edit")
    done = cli(report_repo.path, "diff", first, second, "--chapter", "intro", "--format", "json")
    data = json.loads(done.stdout)
    assert [c["id"] for c in data["chapters"]] == ["intro"]
    assert data["new"]["commit"] == second


def test_added_and_removed_chapters(report_repo: ReportRepo, cli: CliInvoke) -> None:
    (report_repo.path / "chapters" / "A1-abbreviations.md").unlink()
    report_repo.write("chapters/03-results.md", "# Results\n\nWe found three gaps.\n")
    data = json.loads(cli(report_repo.path, "diff", "HEAD", "--format", "json").stdout)
    status = {c["id"]: c["status"] for c in data["chapters"]}
    assert status == {"results": "added", "abbreviations": "removed"}
    results = next(c for c in data["chapters"] if c["id"] == "results")
    assert sum(len(c["added"]) for c in results["changes"]) == 5  # "Results" + four words


@pytest.mark.parametrize(
    "args, message",
    [
        (("diff", "no-such-rev"), "unknown revision"),
        (("diff", "HEAD", "--chapter", "nope"), "no chapter 'nope' in either snapshot"),
        (("summary", "v9.9"), "v9.9"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    report_repo: ReportRepo, cli: CliInvoke, args: tuple[str, ...], message: str
) -> None:
    done = cli(report_repo.path, *args)
    assert done.exit_code == 1
    assert done.stderr.startswith("error: ") and message in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stdout == ""


def test_output_in_a_missing_folder(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.json"
    done = cli(report_repo.path, "diff", "HEAD", "--format", "json", "-o", str(target))
    assert done.exit_code == 1
    assert "does not exist" in done.stderr and done.stderr.count("\n") == 1
    assert not target.parent.exists()


def test_usage_errors_exit_2(report_repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(report_repo.path, "diff").exit_code == 2
    assert cli(report_repo.path, "diff", "HEAD", "--format", "odt").exit_code == 2
    assert cli(report_repo.path, "summary", "HEAD", "--format", "html").exit_code == 2


def test_a_chapter_that_fails_to_parse_is_named(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.write("chapters/02-method.md", "---\nid: [unclosed\n---\n# Method\n")
    done = cli(report_repo.path, "diff", "HEAD")
    assert done.exit_code == 1
    assert "chapters/02-method.md:" in done.stderr
    assert "new snapshot" in done.stderr


def test_summary_lists_gaps_by_id_and_events(report_repo: ReportRepo, cli: CliInvoke) -> None:
    edit(report_repo)
    report_repo.write(
        "chapters/03-more.md",
        "# More\n\n```gap\nid: G-PC-02\narea: Parental controls\n"
        "existing: none\ngap: No common settings format.\naction: Study.\nlead: SG17\n```\n",
    )
    done = cli(report_repo.path, "summary", "HEAD", "--format", "json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert [g["id"] for g in data["gaps"]["added"]] == ["G-PC-02"]
    changed = data["gaps"]["changed"]
    assert [g["id"] for g in changed] == ["G-AA-01"]
    assert changed[0]["fields"] == {
        "action": {"old": "Start a work item.", "new": "Start a new work item in SG17."}
    }
    method = next(c for c in data["chapters"] if c["id"] == "method")
    assert method["words_added"] >= 5 and {"number": "2.1", "title": "Scope"} in method["sections"]
    assert data["events"] == []
    md = cli(report_repo.path, "summary", "HEAD").stdout
    assert "| 2 Method | modified |" in md
    assert "**G-AA-01** changed" in md and "**G-PC-02** added" in md


def _table_cells(markdown: str) -> list[list[str]]:
    """The body rows of every table in `markdown`, each cell's text as a Markdown reader sees it."""
    from markdown_it import MarkdownIt

    rows: list[list[str]] = []
    in_cell = False
    for token in MarkdownIt("commonmark").enable("table").parse(markdown):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "td_open":
            in_cell = True
        elif token.type == "inline" and in_cell:
            rows[-1].append("".join(child.content for child in token.children or ()))
            in_cell = False
    return [row for row in rows if row]


def test_summary_table_keeps_backslashes_and_pipes_of_titles(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    """A title holding `a\\|b` is one cell reading `a\\|b`: the backslash is escaped before the
    pipe (escaping only the pipe lets the reader take `\\|` as the escape and lose the backslash)."""
    title = "Method a\\|b"
    report_repo.write(
        "chapters/02-method.md",
        METHOD.replace("title: Method", f"title: '{title}'").replace(
            "# Method\n", f"# {title.replace(chr(92), chr(92) * 2)}\n"
        )
        + "\nA closing paragraph.\n",
    )
    done = cli(report_repo.path, "summary", "HEAD", "--format", "md")
    assert done.exit_code == 0, done.stderr
    rows = _table_cells(done.stdout)
    method = [row for row in rows if row[0].startswith("2 ")]
    assert len(method) == 1 and len(method[0]) == 5, rows
    assert method[0][:2] == [f"2 {title}", "modified"]
