"""`gap-analysis status`: chapters, words, last changes in one git log pass, the working tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import CHAPTERS, CliInvoke, ReportRepo, make_report

WORDY = """---
id: wordy
title: Wordy
owners: [Ann Author, Bo Builder]
status: review
---
# Wordy chapter

Alpha **beta** [gamma](02-method.md#scope) `delta`.

- one
- two three

| Head | Other |
|------|-------|
| x y  | z     |

```python
not counted at all
```

```gap
id: G-WW-01
area: Words
existing: none
gap: Four words here now.
action: Act.
lead: SG17
```
"""
# heading 2 + paragraph 4 + list 3 + table 2+3 + gap values (G-WW-01, Words, none, 4, Act., SG17) 9
WORDY_WORDS = 2 + 4 + 3 + 5 + 9


def status_json(cli: CliInvoke, repo: Path) -> dict[str, object]:
    result = cli(repo, "status", "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def chapters(data: dict[str, object]) -> dict[str, dict[str, object]]:
    items = data["chapters"]
    assert isinstance(items, list)
    return {str(c["id"]): c for c in items}


def test_words_count_text_not_markup(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "report", {**CHAPTERS, "03-wordy.md": WORDY})
    data = status_json(cli, repo.path)
    wordy = chapters(data)["wordy"]
    assert wordy["words"] == WORDY_WORDS
    assert wordy["owners"] == ["Ann Author", "Bo Builder"]
    assert wordy["status"] == "review"
    assert wordy["title"] == "Wordy"
    assert wordy["number"] == "3"
    assert chapters(data)["abbreviations"]["number"] == "A"
    assert data["words"] == sum(int(str(c["words"])) for c in chapters(data).values())


def test_last_change_per_chapter(report_repo: ReportRepo, cli: CliInvoke) -> None:
    first = report_repo.head()
    report_repo.write("chapters/02-method.md", CHAPTERS["02-method.md"] + "\nMore text.\n")
    report_repo.git("add", "chapters/02-method.md")
    report_repo.git(
        "commit",
        "-q",
        "-m",
        "edit method",
        "--author",
        "Second Author <second@example.org>",
        "--date",
        "2025-05-02T09:30:00+00:00",
    )
    second = report_repo.head()
    data = status_json(cli, report_repo.path)
    by_id = chapters(data)
    assert by_id["method"]["last_change"] == {
        "commit": second,
        "author": "Second Author",
        "date": "2025-05-02T09:30:00+00:00",
    }
    intro = by_id["intro"]["last_change"]
    assert isinstance(intro, dict) and intro["commit"] == first and intro["author"] == "Test Editor"
    assert data["head"] == second and data["dirty"] is False and data["branch"] == "main"
    text = cli(report_repo.path, "status").stdout
    assert f"{second[:10]} 2025-05-02 Second Author" in text
    assert f"main at {second[:10]}, clean" in text


def test_working_tree_changes_and_new_chapters(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.write("chapters/02-method.md", CHAPTERS["02-method.md"] + "\nUncommitted words.\n")
    report_repo.write("chapters/03-new.md", "---\nid: new\n---\n# New chapter\n")
    data = status_json(cli, report_repo.path)
    by_id = chapters(data)
    assert data["dirty"] is True
    assert sorted(data["changed_files"]) == ["chapters/02-method.md", "chapters/03-new.md"]
    assert by_id["method"]["modified"] is True and by_id["intro"]["modified"] is False
    assert by_id["new"]["last_change"] is None
    text = cli(report_repo.path, "status").stdout
    assert "dirty (2 changed files)" in text
    assert "not committed (modified)" in text


def test_broken_chapter_does_not_stop_status(report_repo: ReportRepo, cli: CliInvoke) -> None:
    report_repo.write("chapters/03-broken.md", "---\nid: [unclosed\n---\n# Broken\n")
    result = cli(report_repo.path, "status")
    assert result.exit_code == 0
    assert "unreadable: invalid YAML" in result.stdout
    data = status_json(cli, report_repo.path)
    items = data["chapters"]
    assert isinstance(items, list)
    broken = [c for c in items if c["path"] == "chapters/03-broken.md"][0]
    assert broken["problem"].startswith("invalid YAML")
    assert len(items) == 4 and broken["id"] == "" and broken["words"] == 0


def test_optional_fields_are_present_for_the_review_path(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    data = status_json(cli, report_repo.path)
    for key in ("version", "state", "meeting", "open_comments"):
        assert key in data and data[key] is None


def _git_processes(repo: Path, trace: Path) -> int:
    """Git processes one `gap-analysis status` spawns, counted in a fresh process as a user runs it.

    A fresh process is the honest count: GitPython probes `git version` (twice) when it is
    first used, which an in-process count would include in the first call only.
    """
    trace.unlink(missing_ok=True)
    env = {**os.environ, "GIT_TRACE": str(trace)}
    subprocess.run(
        [sys.executable, "-m", "gap_analysis", "--repo", str(repo), "status", "--json"],
        env=env,
        check=True,
        capture_output=True,
    )
    lines = trace.read_text().splitlines()
    return sum(1 for line in lines if "trace: built-in: git" in line or "trace: exec: git" in line)


def test_git_processes_do_not_grow_with_chapters(tmp_path: Path, cli: CliInvoke) -> None:
    small = make_report(tmp_path / "small")
    many = {
        f"{n:02d}-c{n}.md": f"---\nid: c{n}\n---\n# Chapter {n}\n\nText {n}.\n"
        for n in range(1, 41)
    }
    big = make_report(tmp_path / "big", many)
    for n in range(1, 41, 4):
        big.write(
            f"chapters/{n:02d}-c{n}.md", f"---\nid: c{n}\n---\n# Chapter {n}\n\nEdited {n}.\n"
        )
        big.commit(f"edit {n}")
    few = _git_processes(small.path, tmp_path / "t1")
    lots = _git_processes(big.path, tmp_path / "t2")
    assert few > 0
    assert lots == few
    # status, HEAD's objects (one cat-file), the chapters' log, the versions' log, and
    # GitPython's two start-up probes of `git version`: a handful, whatever the chapters.
    assert lots <= 6
    data = status_json(cli, big.path)
    assert len(chapters(data)) == 40
    assert all(c["last_change"] is not None for c in chapters(data).values())


def test_status_outside_a_report(tmp_path: Path, cli: CliInvoke) -> None:
    result = cli(tmp_path, "status")
    assert result.exit_code == 1
    assert "gap-analysis init" in result.stderr
