"""The diff engine on real history: four OWASP MASVS releases as four commits of a report.

Every line that `git diff --word-diff` shows changed between two releases must
lie inside a reported change, and no reported change may be a block that did
not change.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from gap_analysis.gitstore import GitStore
from gap_analysis.model.diff import ChangeKind, DiffResult
from gap_analysis.services.diff import diff
from tests.helpers import MASVS, CliInvoke, ReportRepo, make_report, need

RELEASES = ("v1.2", "v1.3", "v1.4.2", "v1.5.0")
PAIRS = list(zip(RELEASES, RELEASES[1:], strict=False))
MINIMAL_TOML = '[report]\ntitle = "OWASP MASVS"\ngroup = "OWASP"\n'
_DELIMITER_ROW = re.compile(r"^\s*\|?(\s*:?-+:?\s*\|)+\s*(:?-+:?)?\s*$")
"""A table's delimiter row: its dashes are markup no reader sees (its colons are the
header row's formatting, and the header row's span covers it)."""
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@pytest.fixture(scope="module", autouse=True)
def _corpus_present() -> None:
    """Runs before the module's other fixtures, which read the corpus."""
    need(MASVS.is_dir(), f"the MASVS corpus is not at {MASVS}")


@pytest.fixture(scope="module")
def masvs(tmp_path_factory: pytest.TempPathFactory) -> ReportRepo:
    """One report repo; each release is one commit tagged with the release name."""
    repo = make_report(tmp_path_factory.mktemp("masvs") / "report", chapters={}, toml=MINIMAL_TOML)
    for release in RELEASES:
        target = repo.path / "chapters"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(MASVS / release, target)
        repo.commit(f"MASVS {release}")
        repo.git("tag", release)
    return repo


def _changed_lines(repo: ReportRepo, old: str, new: str) -> dict[str, tuple[set[int], set[int]]]:
    """Per file, the old and new lines holding a word that `git diff --word-diff` marks changed.

    Git's porcelain word diff gives the words; they are laid back onto the
    hunk's old and new lines in order, which gives each one its line.
    """
    out = repo.git("diff", "-U0", "--word-diff=porcelain", old, new, "--", "chapters/")
    old_text = {
        p: repo.git("show", f"{old}:{p}").split("\n")
        for p in set(re.findall(r"^--- a/(\S+)$", out, re.M))
    }
    new_text = {
        p: repo.git("show", f"{new}:{p}").split("\n")
        for p in set(re.findall(r"^\+\+\+ b/(\S+)$", out, re.M))
    }
    result: dict[str, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    path = ""
    words: dict[str, list[tuple[str, int]]] = {}
    for line in out.split("\n"):
        if line.startswith("+++ b/"):
            path = line[6:]
            continue
        if line.startswith(("--- ", "diff ", "index ", "new file", "deleted file")):
            continue
        hunk = _HUNK.match(line)
        if hunk:
            start_old, count_old = int(hunk[1]), int(hunk[2] or 1)
            start_new, count_new = int(hunk[3]), int(hunk[4] or 1)
            words = {
                "-": [
                    (w, n)
                    for n in range(start_old, start_old + count_old)
                    for w in old_text[path][n - 1].split()
                ],
                "+": [
                    (w, n)
                    for n in range(start_new, start_new + count_new)
                    for w in new_text[path][n - 1].split()
                ],
            }
            continue
        if not line or line[0] not in " +-":
            continue
        for word in line[1:].split():
            sides = ("-", "+") if line[0] == " " else (line[0],)
            for side in sides:
                while words[side] and words[side][0][0] != word:
                    words[side].pop(0)  # a split or joined token: git's tokens, our words
                if words[side]:
                    _, number = words[side].pop(0)
                    lines = old_text[path] if side == "-" else new_text[path]
                    if line[0] != " " and not _DELIMITER_ROW.match(lines[number - 1]):
                        result[path][0 if side == "-" else 1].add(number)
    return dict(result)


def _covered(result: DiffResult, path: str, line: int, old: bool) -> bool:
    for chapter in result.chapters:
        if (chapter.old_path if old else chapter.new_path) != path:
            continue
        for change in chapter.changes:
            span = change.old_span if old else change.new_span
            if span is not None and span[0] <= line <= span[1]:
                return True
    return False


@pytest.fixture(scope="module")
def diffs(masvs: ReportRepo) -> dict[tuple[str, str], DiffResult]:
    store = GitStore(masvs.path)
    try:
        return {pair: diff(store, *pair).result for pair in PAIRS}
    finally:
        store.close()


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_changed_line_is_covered(
    masvs: ReportRepo, diffs: dict[tuple[str, str], DiffResult], pair: tuple[str, str]
) -> None:
    result = diffs[pair]
    changed = _changed_lines(masvs, *pair)
    assert changed, "git reports changes between releases"
    missing = []
    for path, (old_lines, new_lines) in changed.items():
        missing += [
            f"{path}:{n} (old)" for n in sorted(old_lines) if not _covered(result, path, n, True)
        ]
        missing += [
            f"{path}:{n} (new)" for n in sorted(new_lines) if not _covered(result, path, n, False)
        ]
    assert not missing, f"{len(missing)} changed lines not covered: {missing[:20]}"


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_no_unchanged_block_is_reported(
    diffs: dict[tuple[str, str], DiffResult], pair: tuple[str, str]
) -> None:
    result = diffs[pair]
    assert result.has_changes
    for chapter in result.chapters:
        for change in chapter.changes:
            if change.kind in (ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.MOVED):
                continue
            assert change.old_text != change.new_text, change
            if change.kind is ChangeKind.MODIFIED:
                assert change.added or change.removed, change


def test_words_match_the_word_lists(diffs: dict[tuple[str, str], DiffResult]) -> None:
    for result in diffs.values():
        stats = result.stats
        assert stats.words_added == sum(len(c.added) for ch in result.chapters for c in ch.changes)
        assert stats.words_removed == sum(
            len(c.removed) for ch in result.chapters for c in ch.changes
        )
        assert stats.chapters_changed == len(result.changed_chapters)


def test_diff_json_on_masvs(
    masvs: ReportRepo, cli: CliInvoke, diffs: dict[tuple[str, str], DiffResult], tmp_path: Path
) -> None:
    done = cli(masvs.path, "diff", "v1.4.2", "v1.5.0", "--format", "json")
    assert done.exit_code == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"old", "new", "stats", "chapters"}
    assert data["old"] == {
        "ref": "v1.4.2",
        "commit": masvs.git("rev-parse", "v1.4.2^{commit}").strip(),
    }
    expected = diffs[("v1.4.2", "v1.5.0")]
    assert data["stats"]["words_added"] == expected.stats.words_added
    change_keys = {
        "section",
        "kind",
        "block",
        "old_line",
        "new_line",
        "removed",
        "added",
        "old_text",
        "new_text",
    }
    for chapter in data["chapters"]:
        assert set(chapter) == {"id", "title", "status", "changes"}
        for change in chapter["changes"]:
            assert set(change) == change_keys
            assert all(isinstance(w, str) for w in change["added"] + change["removed"])
    kinds = {c["kind"] for ch in data["chapters"] for c in ch["changes"]}
    assert "formatting" in kinds or "modified" in kinds


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_redline_accepted_is_the_new_release_and_rejected_the_old(
    masvs: ReportRepo, old: str, new: str
) -> None:
    """The redline is the report: accept every change and it reads as the newer release's
    build, reject every change and it reads as the older one's, word for word."""
    from gap_analysis.markdown.html import render_chapter
    from gap_analysis.services.build.redline import redline_parts
    from tests.redline_text import accepted, rejected, words

    outcome = diff(GitStore.discover(masvs.path), old, new)
    parts = redline_parts(outcome)
    html = "".join(body for _chapter, body in parts.bodies)
    pattern = outcome.new.settings.gap_id_pattern

    def build(report: object) -> str:
        chapters = report.chapters  # type: ignore[attr-defined]
        paths = {c.path: c.id for c in chapters}
        return "".join(render_chapter(c, paths, pattern).html for c in chapters)

    assert "<del" in html and "<ins" in html
    assert accepted(html) == words(build(outcome.new.report))
    assert rejected(html) == words(build(outcome.old.report))
