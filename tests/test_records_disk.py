"""Names matched whole, a reader that goes away, a disk that refuses writes, records behind
symlinks that leave the repository (issue 10, item 16)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import GIT_ENV, CliInvoke, ReportRepo, need


@pytest.mark.parametrize("chapter_id", ["ok\n", "ok\r", "\nok"])
def test_a_name_with_a_newline_is_refused(
    report_repo: ReportRepo, cli: CliInvoke, chapter_id: str
) -> None:
    result = cli(report_repo.path, "chapter", "new", "Extra", "--id", chapter_id)
    assert result.exit_code in (1, 2)
    assert "not a valid chapter id" in result.stderr or "chapter id" in result.stderr
    assert not report_repo.git("status", "--porcelain", "--untracked-files=all")


def test_a_version_name_with_a_newline_is_refused(report_repo: ReportRepo, cli: CliInvoke) -> None:
    result = cli(report_repo.path, "version", "cut", "v1\n", "--no-build")
    assert result.exit_code == 1 and "not a valid version name" in result.stderr
    assert not report_repo.git("tag")


def closed_pipe_run(repo: ReportRepo, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run the CLI with stdout a pipe whose reader is gone (`| head` after its line)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "gap_analysis", "--repo", str(repo.path), *args],
            stdout=write,
            stderr=subprocess.PIPE,
            env={**os.environ, **GIT_ENV},
            check=False,
        )
    finally:
        os.close(write)


@pytest.mark.parametrize("args", [["version", "list"], ["review", "history"], ["status"]])
def test_a_broken_pipe_ends_quietly(
    report_repo: ReportRepo, cli: CliInvoke, args: list[str]
) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    assert cli(report_repo.path, "review", "submit", "v0.1").exit_code == 0
    done = closed_pipe_run(report_repo, *args)
    assert done.returncode == 1
    assert done.stderr == b""


def test_a_file_where_the_records_folder_must_be_is_one_line(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    report_repo.write("review/events", "not a folder\n")
    report_repo.commit("a file in the way")
    head = report_repo.head()
    result = cli(report_repo.path, "review", "submit", "v0.1")
    assert result.exit_code == 1
    assert "review/events is not a folder" in result.stderr
    assert "internal error" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert report_repo.head() == head


def read_only(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """`command` with `folder` bind-mounted read-only in a mount namespace of its own."""
    return in_namespace(_READ_ONLY, folder, *command)


def full_disk(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """`command` with a full 64 KiB tmpfs mounted on `folder`, in a mount namespace of its own."""
    return in_namespace(_FULL, folder, *command)


def in_namespace(script: str, folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", script, str(folder), *command],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=False,
    )


_READ_ONLY = """
import subprocess, sys
folder = sys.argv[1]
subprocess.run(["mount", "--bind", folder, folder], check=True)
subprocess.run(["mount", "-o", "remount,ro,bind", folder, folder], check=True)
sys.exit(subprocess.run(sys.argv[2:]).returncode)
"""


_FULL = """
import subprocess, sys
folder = sys.argv[1]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", folder], check=True)
try:
    with open(folder + "/filler", "wb") as out:
        while True:
            out.write(b"x" * 4096)
            out.flush()
except OSError:
    pass
sys.exit(subprocess.run(sys.argv[2:]).returncode)
"""


def _can_mount_read_only(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    (tmp_path / "probe").mkdir()
    done = read_only(tmp_path / "probe", "touch", str(tmp_path / "probe" / "x"))
    return done.returncode != 0 and "Read-only file system" in done.stderr


def test_a_read_only_repository_gives_one_line_naming_the_path(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    need(_can_mount_read_only(tmp_path), "needs unshare and mount (user namespaces)")
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    cli_args = [sys.executable, "-m", "gap_analysis", "--repo", str(report_repo.path)]
    for args in (["review", "submit", "v0.1"], ["version", "cut", "--no-build"]):
        done = read_only(report_repo.path, *cli_args, *args)
        assert done.returncode == 1, done.stderr
        [line] = done.stderr.splitlines()
        assert "Read-only file system" in line and str(report_repo.path) in line
        assert "internal error" not in line
    assert cli(report_repo.path, "review", "history", "--json").stdout.strip() == "[]"


def test_a_full_disk_gives_one_line_naming_the_path(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    need(_can_mount_read_only(tmp_path), "needs unshare and mount (user namespaces)")
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    events = report_repo.path / "review" / "events"
    events.mkdir()
    cli_args = [sys.executable, "-m", "gap_analysis", "--repo", str(report_repo.path)]
    done = full_disk(events, *cli_args, "review", "submit", "v0.1")
    assert done.returncode == 1, done.stderr
    [line] = done.stderr.splitlines()
    assert "No space left on device" in line and "review/events" in line
    assert "internal error" not in line
    assert list(events.iterdir()) == []


def test_records_are_not_written_or_read_through_a_symlink_out_of_the_repository(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    repo = report_repo
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.path / "review" / "comments").mkdir(parents=True)
    (repo.path / "review" / "comments" / "v0.1").symlink_to(elsewhere)
    result = cli(
        repo.path, "comment", "add", "v0.1", "--chapter", "method", "--type", "ed",
        "--by", "NB", "--text", "t",
    )  # fmt: skip
    assert result.exit_code == 1 and "leads out of the repository" in result.stderr
    assert list(elsewhere.iterdir()) == []
    (elsewhere / "c-20250401100000-1a2b3c4d.toml").write_text(
        'id = "c-20250401100000-1a2b3c4d"\nversion = "v0.1"\ntype = "ed"\nmember = "M"\n'
        'comment = "planted"\ndate = 2025-04-01T10:00:00Z\nchapter = ""\n'
    )
    listed = cli(repo.path, "comment", "list")
    assert listed.exit_code == 1 and "leads out of the repository" in listed.stderr
    assert "planted" not in listed.stdout


def test_an_event_symlinked_out_of_the_repository_is_an_error_naming_it(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    repo = report_repo
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    outside = tmp_path / "event.toml"
    outside.write_text("version = 'v0.1'\n")
    (repo.path / "review" / "events").mkdir()
    (repo.path / "review" / "events" / "x.toml").symlink_to(outside)
    result = cli(repo.path, "review", "history")
    assert result.exit_code == 1 and "review/events/x.toml" in result.stderr
    checked = cli(repo.path, "check")
    assert "review/events/x.toml" in checked.stdout
