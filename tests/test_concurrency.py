"""Cuts under faults and concurrency, run as real processes.

Faults are injected with GAP_ANALYSIS_FAULT (see services/faults.py): STEP
ends the process abruptly (`os._exit`, no cleanup) right after STEP;
`hang:STEP` makes it wait there so the test can SIGKILL it for real.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, ReportRepo

JOURNAL = Path(".git") / "gap-analysis-cut.json"


def env(fault: str = "") -> dict[str, str]:
    values = {**os.environ, **GIT_ENV}
    values.pop("GAP_ANALYSIS_FAULT", None)
    if fault:
        values["GAP_ANALYSIS_FAULT"] = fault
    return values


def start(repo: ReportRepo, *args: str, fault: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gap_analysis", "--repo", str(repo.path), *args],
        env=env(fault),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(repo: ReportRepo, *args: str, fault: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gap_analysis", "--repo", str(repo.path), *args],
        env=env(fault),
        capture_output=True,
        text=True,
        timeout=60,
    )


def record_commits(repo: ReportRepo, name: str) -> list[str]:
    """Commits that added the version's record: there must never be two."""
    out = repo.git("log", "--diff-filter=A", "--format=%H", "--", f"review/versions/{name}.toml")
    return out.split()


def assert_one_complete_version(repo: ReportRepo, name: str = "v0.1") -> None:
    [commit] = record_commits(repo, name)
    assert repo.git("rev-parse", f"{name}^{{commit}}").strip() == commit
    assert repo.git("cat-file", "-t", name).strip() == "tag"
    assert not (repo.path / JOURNAL).exists()
    assert repo.git("status", "--porcelain", "--untracked-files=all").strip() == ""
    listed = json.loads(run(repo, "version", "list", "--json").stdout)
    assert [(r["name"], r["commit"], r["tag"]) for r in listed] == [(name, commit, "ok")]


@pytest.mark.parametrize("step", ["locked", "after-write", "after-commit", "after-tag"])
def test_a_cut_that_dies_after_any_step_is_completed_by_running_it_again(
    report_repo: ReportRepo, step: str
) -> None:
    died = run(
        report_repo, "version", "cut", "--meeting", "CG-COP e-meeting", "--no-build", fault=step
    )
    assert died.returncode == 75, died.stderr
    assert f"after step '{step}'" in died.stderr
    if step == "after-commit":
        assert len(record_commits(report_repo, "v0.1")) == 1
        assert report_repo.git("tag").strip() == ""  # died before the tag
    if step != "locked":
        assert (report_repo.path / JOURNAL).exists()
    again = run(report_repo, "version", "cut", "--no-build")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("completed the cut of v0.1" if step != "locked" else "cut v0.1")
    assert_one_complete_version(report_repo)
    record = (report_repo.path / "review/versions/v0.1.toml").read_text()
    if step != "locked":  # the first run's options, kept in the journal
        assert 'meeting = "CG-COP e-meeting"' in record
    # and a third run makes a new version, not a second v0.1
    third = run(report_repo, "version", "cut", "--no-build")
    assert third.returncode == 0 and "cut v0.2" in third.stdout
    assert len(record_commits(report_repo, "v0.1")) == 1


def test_a_pending_cut_must_be_completed_before_another(report_repo: ReportRepo) -> None:
    assert run(report_repo, "version", "cut", "--no-build", fault="after-commit").returncode == 75
    other = run(report_repo, "version", "cut", "v9", "--no-build")
    assert other.returncode == 1
    assert "interrupted cut of v0.1 is pending" in other.stderr
    assert report_repo.git("tag").strip() == ""
    assert run(report_repo, "version", "cut", "v0.1", "--no-build").returncode == 0
    assert_one_complete_version(report_repo)


def test_a_cut_killed_for_real_after_its_commit_is_completed(report_repo: ReportRepo) -> None:
    process = start(report_repo, "version", "cut", "--no-build", fault="hang:after-commit")
    try:
        deadline = time.monotonic() + 30
        while not record_commits(report_repo, "v0.1"):
            assert time.monotonic() < deadline, "the cut never committed"
            assert process.poll() is None
            time.sleep(0.05)
        # while it hangs, holding the lock, another cut is refused
        locked = run(report_repo, "version", "cut", "--no-build")
        assert locked.returncode == 1
        assert f"repository is locked by pid {process.pid} since" in locked.stderr
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert report_repo.git("tag").strip() == ""
    again = run(report_repo, "version", "cut", "--no-build")  # the dead holder's lock is taken over
    assert again.returncode == 0, again.stderr
    assert_one_complete_version(report_repo)


def wait_for_lock(repo: ReportRepo, holder: subprocess.Popen[str]) -> None:
    """Until `holder` has taken the repository lock (its pid is in the lock file)."""
    deadline = time.monotonic() + 30
    lock = repo.path / ".git" / "gap-analysis.lock"
    while not (lock.exists() and lock.read_text().startswith(f"{holder.pid} ")):
        assert holder.poll() is None, holder.communicate()
        assert time.monotonic() < deadline, "the first cut never took the lock"
        time.sleep(0.05)


def test_two_cuts_started_together_make_one_version(
    report_repo: ReportRepo, tmp_path: Path
) -> None:
    """The second cut starts while the first holds the lock, mid-cut: they overlap for sure."""
    release = tmp_path / "release-the-first-cut"
    first = start(
        report_repo, "version", "cut", "v0.1", "--no-build", fault=f"wait:locked:{release}"
    )
    try:
        wait_for_lock(report_repo, first)
        second = run(report_repo, "version", "cut", "v0.1", "--no-build")
        assert second.returncode == 1, second.stderr
        assert f"repository is locked by pid {first.pid} " in second.stderr
        assert record_commits(report_repo, "v0.1") == [], "the refused cut wrote nothing"
        assert first.poll() is None, "the first cut was still under way when the second started"
    finally:
        release.touch()
        code = first.wait(60)
    out, err = first.communicate()
    assert code == 0, err
    assert out.startswith("cut v0.1 at ")
    assert_one_complete_version(report_repo)


def test_the_lock_names_its_holder_and_is_released_by_a_dead_one(report_repo: ReportRepo) -> None:
    holder = start(report_repo, "version", "cut", "--no-build", fault="hang:locked")
    try:
        wait_for_lock(report_repo, holder)
        review = run(report_repo, "review", "submit", "v0.1")
        assert review.returncode == 1 and f"locked by pid {holder.pid}" in review.stderr
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.communicate()
    assert report_repo.git("status", "--porcelain", "--untracked-files=all").strip() == ""
    assert run(report_repo, "version", "cut", "--no-build").returncode == 0
    assert_one_complete_version(report_repo)


@pytest.mark.slow
def test_a_cut_that_dies_before_its_pdf_builds_it_on_the_rerun(report_repo: ReportRepo) -> None:
    died = run(report_repo, "version", "cut", fault="after-tag")
    assert died.returncode == 75
    assert not list((report_repo.path / "dist").glob("*.pdf"))  # died before its PDF
    again = run(report_repo, "version", "cut")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("completed the cut of v0.1")
    pdf = Path(again.stdout.strip().splitlines()[-1])
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert_one_complete_version(report_repo)
