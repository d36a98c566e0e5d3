"""Long commands show their phases on a terminal, and stay quiet when piped or with -q."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import ReportRepo, need

GA = [sys.executable, "-m", "gap_analysis"]


def _on_terminal(repo: Path, *args: str) -> str:
    """Run under `script`, which gives the command a pseudo-terminal; return what it showed."""
    command = shlex.join([*GA, "--repo", str(repo), *args])
    done = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.replace("\r", "\n")


def test_build_shows_phases_and_pages_on_a_terminal(
    report_repo: ReportRepo, tmp_path: Path
) -> None:
    need(shutil.which("script") is not None, "needs util-linux 'script' for a terminal")
    shown = _on_terminal(report_repo.path, "build", "--no-cache", "-o", str(tmp_path / "a.pdf"))
    assert "laying out 3 chapters" in shown
    pages = [line for line in shown.splitlines() if line.startswith("writing ") and "pages" in line]
    assert pages, shown
    quiet = _on_terminal(
        report_repo.path, "-q", "build", "--no-cache", "-o", str(tmp_path / "b.pdf")
    )
    assert "laying out" not in quiet and "writing" not in quiet
    assert str(tmp_path / "b.pdf") in quiet


def test_build_is_quiet_when_piped(report_repo: ReportRepo, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            *GA,
            "--repo",
            str(report_repo.path),
            "build",
            "--no-cache",
            "-o",
            str(tmp_path / "a.pdf"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == str(tmp_path / "a.pdf")
    assert "laying out" not in done.stderr and "writing" not in done.stderr
    assert re.fullmatch(r"\d+ pages, Working draft \([0-9a-f]{10}\)", done.stderr.strip()), (
        done.stderr
    )
