"""`gap-analysis check`: every finding code through the real CLI on real git repos."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from gap_analysis.model.finding import Finding, Severity
from gap_analysis.services.check.runner import CheckContext, check_snapshot, passes, run_check
from gap_analysis.services.snapshots import load, open_store, snapshot
from tests.helpers import CHAPTERS, CliInvoke, ReportRepo, make_report

INTRO = CHAPTERS["01-intro.md"]
METHOD = CHAPTERS["02-method.md"]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line of `text` containing `needle`."""
    hits = [n for n, line in enumerate(text.split("\n"), 1) if needle in line]
    return hits[nth - 1]


def codes(stdout: str) -> list[tuple[str, int, str]]:
    """(path, line, code) of each `path:line: code: message` line."""
    found = []
    for line in stdout.strip().splitlines():
        where, code, _message = line.split(": ", 2)
        path, _, number = where.partition(":")
        found.append((path, int(number or 0), code))
    return found


def repo_with(tmp_path: Path, **changes: str | bytes) -> ReportRepo:
    """The conftest report with chapters replaced or added (by file name), committed."""
    chapters: dict[str, str] = {
        k: v for k, v in {**CHAPTERS, **changes}.items() if isinstance(v, str)
    }
    repo = make_report(tmp_path / "report", chapters)
    for name, data in changes.items():
        if isinstance(data, bytes):
            repo.write(f"chapters/{name}", data)
    if any(isinstance(d, bytes) for d in changes.values()):
        repo.commit("binary chapter")
    return repo


def test_clean_report_passes(report_repo: ReportRepo, cli: CliInvoke) -> None:
    result = cli(report_repo.path, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "no problems in 3 chapters" in result.stderr


def test_sample_report_in_this_repository_is_clean(cli: CliInvoke) -> None:
    """No finding but the tag warnings that are true here: a clone without tags (some CI
    checkouts) has its versions from the records and is told their tags are missing."""
    root = Path(__file__).resolve().parent.parent
    result = cli(root, "check")
    assert result.exit_code == 0, result.stdout
    expected = []
    for record in sorted((root / "review" / "versions").glob("*.toml")):
        name = record.stem
        tagged = (
            subprocess.run(
                ["git", "rev-parse", "-q", "--verify", f"refs/tags/{name}"],
                cwd=root,
                capture_output=True,
            ).returncode
            == 0
        )
        if not tagged:
            expected.append(
                f"review/versions/{name}.toml: version-tag: tag {name} is missing; "
                f"'gap-analysis version tag --repair' restores it"
            )
    assert result.stdout.splitlines() == expected


def test_broken_link_to_missing_chapter(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\nSee [the plan](03-plan.md) and [outside](../../etc/passwd).\n"
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    line = line_of(text, "03-plan.md")
    assert codes(result.stdout) == [
        ("chapters/01-intro.md", line, "broken-link"),
        ("chapters/01-intro.md", line, "broken-link"),
    ]
    assert "no such chapter or file" in result.stdout
    assert "leaves the repository" in result.stdout
    assert "2 errors in 3 chapters" in result.stderr


def test_missing_anchor_in_other_chapter_and_locally(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\nSee [scope](02-method.md#scpoe) and [here](#nowhere) and [ok](#background).\n"
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    line = line_of(text, "#scpoe")
    assert codes(result.stdout) == [("chapters/01-intro.md", line, "missing-anchor")] * 2
    assert "no anchor '#scpoe' in chapters/02-method.md (did you mean 'scope'?)" in result.stdout
    assert "no anchor '#nowhere' in this chapter" in result.stdout


def test_duplicate_heading_anchor(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\n## Background\n\nMore.\n\n## Other {#background}\n"
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    first = line_of(text, "## Background")
    assert codes(result.stdout) == [
        ("chapters/01-intro.md", line_of(text, "## Background", 2), "duplicate-anchor"),
        ("chapters/01-intro.md", line_of(text, "## Other"), "duplicate-anchor"),
    ]
    assert f"also used on line {first}" in result.stdout


def test_images_missing_outside_and_symlink_escape(tmp_path: Path, cli: CliInvoke) -> None:
    (tmp_path / "outside.png").write_bytes(b"\x89PNG secret")
    text = INTRO + (
        "\n![ok](figures/ok.png)\n\n![gone](figures/gone.png)\n\n![up](../../outside.png)\n\n"
        "![abs](/etc/passwd)\n\n![net](http://example.org/x.png)\n\n![data](data:image/png;base64,iVBO)\n\n"
        "![link](figures/link.png)\n"
    )
    repo = make_report(tmp_path / "report", {**CHAPTERS, "01-intro.md": text})
    repo.write(
        "chapters/figures/ok.png", b"\x89PNG\r\n\x1a\n"
    )  # the whole PNG signature: images are judged by it
    os.symlink(tmp_path / "outside.png", repo.path / "chapters/figures/link.png")
    repo.commit("figures")
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    found = codes(result.stdout)
    path = "chapters/01-intro.md"
    assert found == [
        (path, line_of(text, "gone.png"), "image-missing"),
        (path, line_of(text, "outside.png"), "image-outside"),
        (path, line_of(text, "/etc/passwd"), "image-outside"),
        (path, line_of(text, "http://"), "image-outside"),
        (path, line_of(text, "data:"), "image-outside"),
        (path, line_of(text, "link.png"), "image-missing"),
    ]
    # the same judgement on the committed revision, read from git objects
    assert codes(cli(repo.path, "check", "HEAD").stdout) == found


def test_image_only_in_working_tree_is_missing_at_head(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\n![fig](fig.png)\n"
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    result = cli(repo.path, "check", "HEAD")
    assert codes(result.stdout) == [
        ("chapters/01-intro.md", line_of(text, "fig.png"), "image-missing")
    ]
    repo.write(
        "chapters/fig.png", b"\x89PNG\r\n\x1a\n"
    )  # the whole PNG signature: images are judged by it
    assert cli(repo.path, "check").exit_code == 0
    assert cli(repo.path, "check", "HEAD").exit_code == 1


def test_bad_gap_entries_and_duplicate_ids(tmp_path: Path, cli: CliInvoke) -> None:
    gaps = """---
id: gaps
---
# Gaps

```gap
id: G-AA-01
area: Age assurance
existing: none
gap: Duplicate of the method chapter's id.
action: Nothing.
lead: SG17
```

```gap
id: G-PC-01
area: Parental controls
```

```gap
id: [unclosed
```

```gap
id: bad-id
area: a
existing: b
gap: c
action: d
lead: e
priority: urgent
```

Links: [known](#G-AA-01), [unknown](#G-ZZ-99).
"""
    repo = repo_with(tmp_path, **{"03-gaps.md": gaps})
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    path = "chapters/03-gaps.md"
    fences = [n for n, line in enumerate(gaps.split("\n"), 1) if line == "```gap"]
    found = codes(result.stdout)
    assert (path, fences[0], "duplicate-gap") in found
    assert (path, fences[1], "gap-field") in found
    assert any(
        p == path and c == "gap-yaml" and fences[2] <= n <= fences[2] + 2 for p, n, c in found
    )
    assert (path, fences[3], "gap-id") in found
    assert (path, fences[3], "gap-field") in found
    assert (path, line_of(gaps, "Links:"), "unknown-gap") in found
    assert "lacks existing, gap, action, lead" in result.stdout
    assert "already used at chapters/02-method.md" in result.stdout
    assert "G-ZZ-99" in result.stdout and "G-AA-01, which" not in result.stdout


def test_gap_links_resolve_anywhere(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\nSee [the gap](#G-AA-01) and [again](02-method.md#G-AA-01).\n"
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    result = cli(repo.path, "check")
    assert result.exit_code == 0, result.stdout


def test_broken_front_matter_does_not_stop_the_others(tmp_path: Path, cli: CliInvoke) -> None:
    broken = "---\nid: broken\ntitle: [unclosed\n---\n# Broken\n"
    unclosed = "---\nid: never-closed\n# Text\n"
    scalar = "---\njust a value\n---\n# Scalar\n"
    tagged = "---\nid: !!python/object:os.system x\n---\n# Tagged\n"
    text = INTRO + "\nSee [nothing](02-method.md#missing).\n"
    repo = repo_with(
        tmp_path,
        **{
            "01-intro.md": text,
            "03-broken.md": broken,
            "04-unclosed.md": unclosed,
            "05-scalar.md": scalar,
            "06-tagged.md": tagged,
        },
    )
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    found = codes(result.stdout)
    assert ("chapters/01-intro.md", line_of(text, "#missing"), "missing-anchor") in found
    assert ("chapters/03-broken.md", 3, "front-matter") in found
    assert ("chapters/04-unclosed.md", 1, "front-matter") in found
    assert ("chapters/05-scalar.md", 2, "front-matter") in found
    assert ("chapters/06-tagged.md", 2, "front-matter") in found
    assert "is not allowed" in result.stdout
    assert "in 7 chapters" in result.stderr
    assert "Traceback" not in result.output


def test_non_utf8_chapter_names_its_line(tmp_path: Path, cli: CliInvoke) -> None:
    raw = b"---\nid: latin\n---\n# Latin\n\nCaf\xe9 au lait.\n"
    repo = repo_with(tmp_path, **{"03-latin.md": raw})
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    assert codes(result.stdout) == [("chapters/03-latin.md", 6, "encoding")]
    assert "UTF-8" in result.stdout


def test_bom_and_crlf_are_accepted(tmp_path: Path, cli: CliInvoke) -> None:
    raw = ("\ufeff" + CHAPTERS["A1-abbreviations.md"]).replace("\n", "\r\n").encode("utf-8")
    repo = repo_with(tmp_path, **{"A1-abbreviations.md": raw})
    assert cli(repo.path, "check").exit_code == 0


def test_front_matter_keys_and_values(tmp_path: Path, cli: CliInvoke) -> None:
    text = "---\nid: Bad_Id\ntitel: Typo\nstatus: drafty\nowners: {a: b}\n---\n# Values\n"
    repo = repo_with(tmp_path, **{"03-values.md": text})
    result = cli(repo.path, "check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    by_code = {(d["code"], d["line"]): d for d in data}
    assert by_code[("chapter-id", 2)]["severity"] == "error"
    assert by_code[("front-matter-key", 3)]["severity"] == "warning"
    assert "did you mean 'title'" in by_code[("front-matter-key", 3)]["message"]
    assert "did you mean 'draft'" in by_code[("front-matter", 4)]["message"]
    assert "list of names" in by_code[("front-matter", 5)]["message"]


def test_duplicate_chapter_ids(tmp_path: Path, cli: CliInvoke) -> None:
    repo = repo_with(tmp_path, **{"03-again.md": "---\nid: method\n---\n# Again\n"})
    result = cli(repo.path, "check")
    assert codes(result.stdout) == [("chapters/03-again.md", 2, "duplicate-id")]
    assert "also used by chapters/02-method.md" in result.stdout


def test_a_duplicate_chapter_id_is_one_message_with_its_line_everywhere(
    tmp_path: Path, cli: CliInvoke
) -> None:
    """Bug fix: three readers checked ids apart, with three messages: `check` and `build` put
    every duplicate on line 2, the chapter commands gave no line and a message of their own.
    Now one helper (`markdown.chapters.duplicate_ids`) gives the file, the line of its `id`
    (the first line for an id that is the file's name) and one message to all of them. The
    new test fails on the old code (line 2 for an `id` on line 3; `chapter move` lineless)."""
    repo = repo_with(
        tmp_path,
        **{
            "03-again.md": "---\ntitle: Again\nid: method\n---\n# Again\n",
            "04-method.md": "# Same\n",
        },
    )
    message = "chapter id 'method' is also used by chapters/02-method.md"
    checked = cli(repo.path, "check")
    assert checked.exit_code == 1
    assert codes(checked.stdout) == [
        ("chapters/03-again.md", 3, "duplicate-id"),
        ("chapters/04-method.md", 1, "duplicate-id"),
    ]
    assert f"chapters/03-again.md:3: duplicate-id: {message}" in checked.stdout
    for args in (
        ("build", "HEAD", "-o", str(tmp_path / "x.pdf")),
        ("chapter", "move", "intro", "--to", "2"),
    ):
        result = cli(repo.path, *args)
        assert result.exit_code == 1, args
        assert result.stderr.strip().splitlines() == [
            f"error: chapters/03-again.md:3: {message}"
        ], args
    assert repo.git("status", "--porcelain") == ""


def test_external_links_are_fine_and_other_schemes_are_warned(
    tmp_path: Path, cli: CliInvoke
) -> None:
    text = INTRO + (
        "\n[a](https://www.itu.int/) [b](http://example.org) [c](mailto:cg@example.org)\n\n"
        "[d](ftp://example.org/file.txt)\n"
    )
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    result = cli(repo.path, "check", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(d["line"], d["code"], d["severity"]) for d in data] == [
        (line_of(text, "ftp://"), "link-scheme", "warning")
    ]


def test_bad_report_toml_key(tmp_path: Path, cli: CliInvoke) -> None:
    toml = '[report]\ntitle = "T"\ngroup = "G"\ntitel = "typo"\n\n[pdf]\nwatermark = "yes"\n'
    repo = make_report(tmp_path / "report", CHAPTERS, toml)
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    assert codes(result.stdout) == [("report.toml", 4, "config"), ("report.toml", 7, "config")]
    assert "unknown key 'titel' in [report] (did you mean 'title'?)" in result.stdout


def test_invalid_toml_still_checks_chapters(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\n[x](09-none.md)\n"
    repo = make_report(
        tmp_path / "report", {**CHAPTERS, "01-intro.md": text}, "[report\ntitle = 1\n"
    )
    found = codes(cli(repo.path, "check").stdout)
    assert found[0][0] == "report.toml" and found[0][2] == "config"
    assert ("chapters/01-intro.md", line_of(text, "09-none"), "broken-link") in found


def test_json_shape(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\n[x](09-none.md)\n"
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    result = cli(repo.path, "check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 1
    assert data[0] == {
        "path": "chapters/01-intro.md",
        "line": line_of(text, "09-none"),
        "code": "broken-link",
        "severity": "error",
        "message": data[0]["message"],
    }
    assert isinstance(data[0]["message"], str) and "09-none.md" in data[0]["message"]
    clean = cli(repo.path, "check", "HEAD~0", "--json")
    assert json.loads(clean.stdout)[0]["code"] == "broken-link"


def test_strict_fails_on_warnings(tmp_path: Path, cli: CliInvoke) -> None:
    text = "---\nid: extra\nreviewer: Bob\n---\n# Extra\n"
    repo = repo_with(tmp_path, **{"03-extra.md": text})
    plain = cli(repo.path, "check")
    assert plain.exit_code == 0
    assert codes(plain.stdout) == [("chapters/03-extra.md", 3, "front-matter-key")]
    assert "1 warning in 4 chapters" in plain.stderr
    assert cli(repo.path, "check", "--strict").exit_code == 1


def test_old_revision_is_read_from_git(tmp_path: Path, cli: CliInvoke) -> None:
    text = INTRO + "\n[x](09-none.md)\n"
    repo = repo_with(tmp_path, **{"01-intro.md": text})
    repo.write("chapters/01-intro.md", INTRO)
    repo.commit("fix the link")
    assert cli(repo.path, "check").exit_code == 0
    old = cli(repo.path, "check", "HEAD~1")
    assert old.exit_code == 1 and "09-none.md" in old.stdout


@pytest.mark.parametrize("rev", ["no-such-rev", "--output=/tmp/x", "HEAD..HEAD"])
def test_bad_revision_is_one_line_error(report_repo: ReportRepo, cli: CliInvoke, rev: str) -> None:
    result = cli(report_repo.path, "check", "--", rev)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_service_api_with_extra_checker(report_repo: ReportRepo) -> None:
    store = open_store(report_repo.path)
    try:
        assert run_check(store, "HEAD") == []
        assert check_snapshot(load(store, None)) == []

        def no_records(ctx: CheckContext) -> list[Finding]:
            present = ctx.snapshot.files.list("review/versions")
            return (
                []
                if present
                else [Finding("review/versions", 0, "no-versions", "none yet", Severity.WARNING)]
            )

        findings = run_check(store, None, extra=[no_records])
        assert [f.code for f in findings] == ["no-versions"]
        assert passes(findings) and not passes(findings, strict=True)
        assert check_snapshot(snapshot(store, "HEAD"), extra=[no_records]) == findings
    finally:
        store.close()


def test_chapter_order_naming_a_missing_file(tmp_path: Path, cli: CliInvoke) -> None:
    toml = (
        '[report]\ntitle = "T"\ngroup = "G"\n\n[chapters]\norder = ["02-method.md", "09-gone.md"]\n'
    )
    text = INTRO + "\n[x](09-none.md)\n"
    repo = make_report(tmp_path / "report", {**CHAPTERS, "01-intro.md": text}, toml)
    result = cli(repo.path, "check")
    found = codes(result.stdout)
    assert found[0][0] == "report.toml" and found[0][2] == "chapter-order"
    assert "09-gone.md" in result.stdout
    # the chapters are still checked, taken by file name
    assert ("chapters/01-intro.md", line_of(text, "09-none"), "broken-link") in found
    assert "in 3 chapters" in result.stderr


def test_empty_report_warns(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "report", {})
    result = cli(repo.path, "check")
    assert result.exit_code == 0
    assert codes(result.stdout) == [("report.toml", 0, "no-chapters")]
    assert cli(repo.path, "check", "--strict").exit_code == 1
