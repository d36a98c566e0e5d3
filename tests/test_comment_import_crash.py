"""`comment import` under `kill -9` (issue 10.3): a rerun completes or rolls back; status and check say so.

Faults are injected in real processes with GAP_ANALYSIS_FAULT (services/faults.py):
`hang:import-half` waits with half the new records written, so the test can
SIGKILL it; `import-written` and `import-committed` end the process abruptly
(`os._exit`) after every record is on disk, and after the commit.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, ReportRepo

JOURNAL = Path(".git") / "gap-analysis-import.json"
ROWS = 400


def env(fault: str = "") -> dict[str, str]:
    values = {**os.environ, **GIT_ENV}
    values.pop("GAP_ANALYSIS_FAULT", None)
    if fault:
        values["GAP_ANALYSIS_FAULT"] = fault
    return values


def command(repo: ReportRepo, *args: str) -> list[str]:
    return [sys.executable, "-m", "gap_analysis", "--repo", str(repo.path), *args]


def run(repo: ReportRepo, *args: str, fault: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(repo, *args), env=env(fault), capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def form(report_repo: ReportRepo, tmp_path: Path) -> Path:
    report_repo.write("review/versions/v0.1.toml", 'name = "v0.1"\ndate = 2025-04-02T09:00:00Z\n')
    report_repo.commit("version v0.1")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["MB/NC", "Clause", "Type of comment", "Comments"])
    writer.writerows([f"UK-{n}", "2.1", "ed", f"Comment {n}"] for n in range(1, ROWS + 1))
    path = tmp_path / "big.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def on_disk(repo: ReportRepo) -> int:
    return len(list((repo.path / "review/comments/v0.1").glob("*.toml")))


def committed(repo: ReportRepo) -> int:
    return len(repo.git("ls-files", "review/comments/v0.1").split())


def assert_imported_once(repo: ReportRepo) -> None:
    assert on_disk(repo) == ROWS and committed(repo) == ROWS
    assert not (repo.path / JOURNAL).exists()
    assert repo.git("status", "--porcelain", "-uall").strip() == ""
    listed = run(repo, "comment", "list", "v0.1", "--json")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count('"ref": "UK-') == ROWS


@pytest.mark.slow
def test_an_import_killed_halfway_is_rolled_back_by_the_rerun(
    report_repo: ReportRepo, form: Path
) -> None:
    process = subprocess.Popen(
        command(report_repo, "comment", "import", "v0.1", str(form)),
        env=env("hang:import-half"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while on_disk(report_repo) < ROWS // 2:
            assert time.monotonic() < deadline, "the import never wrote its first half"
            assert process.poll() is None
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert on_disk(report_repo) == ROWS // 2 and committed(report_repo) == 0
    assert (report_repo.path / JOURNAL).exists()
    status = run(report_repo, "status")
    assert "interrupted comment import of big.csv on v0.1" in status.stdout
    check = run(report_repo, "check")
    assert check.returncode == 1
    assert (
        "gap-analysis-import.json: import-incomplete: an interrupted comment import" in check.stdout
    )
    rerun = run(report_repo, "comment", "import", "v0.1", str(form))
    assert rerun.returncode == 0, rerun.stderr
    assert "rolled back the interrupted import of big.csv" in rerun.stderr
    assert f"imported {ROWS} comments on v0.1; committed" in rerun.stdout
    assert_imported_once(report_repo)
    assert "interrupted" not in run(report_repo, "status").stdout


@pytest.mark.parametrize("fault", ["import-written", "import-committed"])
def test_an_import_ended_after_writing_is_completed_by_the_rerun(
    report_repo: ReportRepo, form: Path, fault: str
) -> None:
    before = int(report_repo.git("rev-list", "--count", "HEAD"))
    crashed = run(report_repo, "comment", "import", "v0.1", str(form), fault=fault)
    assert crashed.returncode == 75, crashed.stderr
    assert (report_repo.path / JOURNAL).exists() and on_disk(report_repo) == ROWS
    rerun = run(report_repo, "comment", "import", "v0.1", str(form))
    assert rerun.returncode == 0, rerun.stderr
    assert "completed the interrupted import of big.csv" in rerun.stderr
    assert "was the interrupted import; it is now complete" in rerun.stdout
    assert_imported_once(report_repo)
    assert int(report_repo.git("rev-list", "--count", "HEAD")) == before + 1
