"""The site's output folder: all or nothing under a kill or a full disk, never through a symlink,
never replacing or deleting a file the site did not write (`--force` included).

Faults are injected with GAP_ANALYSIS_FAULT (services/faults.py) in real processes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import (
    GIT_ENV,
    CliInvoke,
    ReportRepo,
    copy_report,
    git,
    git_identity,
    invoke,
    make_report,
)

OWN_WORK = (".gap-analysis-site.new", ".gap-analysis-site.commit")


def site(
    repo: ReportRepo, out: Path, *args: str, fault: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV}
    env.pop("GAP_ANALYSIS_FAULT", None)
    if fault:
        env["GAP_ANALYSIS_FAULT"] = fault
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "gap_analysis",
            "--repo",
            str(repo.path),
            "site",
            "-o",
            str(out),
            "--no-pdf",
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (symlinks as their target), the site's work folders aside."""
    found: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative.split("/")[0] in OWN_WORK:
            continue
        if path.is_symlink():
            found[relative] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            found[relative] = path.read_bytes()
    return found


def strays(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.name in OWN_WORK or p.name.endswith(".tmp")
    )


@pytest.fixture(scope="module")
def _published_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[ReportRepo, Path, dict[str, bytes]]:
    """v0.1 cut and its site published in `public`; then v0.2 cut, so a rerun changes the site.
    Also what an uninterrupted run into an empty folder writes for v0.2 (`clean_run`).

    Made once for the module; each test works on a copy (`published`).
    """
    base = tmp_path_factory.mktemp("published")
    with git_identity():
        repo = make_report(base / "report")
        cut = invoke(repo.path, "version", "cut", "v0.1", "--no-build")
        assert cut.exit_code == 0, cut.output
        out = base / "public"
        done = site(repo, out)
        assert done.returncode == 0, done.stderr
        repo.write(
            "chapters/01-intro.md", (repo.path / "chapters/01-intro.md").read_text() + "\nMore.\n"
        )
        repo.commit("edit")
        cut = invoke(repo.path, "version", "cut", "v0.2", "--no-build")
        assert cut.exit_code == 0, cut.output
        fresh = base / "fresh"
        done = site(repo, fresh)
        assert done.returncode == 0, done.stderr
    return repo, out, tree(fresh)


@pytest.fixture
def published(
    _published_once: tuple[ReportRepo, Path, dict[str, bytes]], tmp_path: Path
) -> tuple[ReportRepo, Path]:
    """A copy of `_published_once`'s repository and site folder, for one test to break."""
    repo, out, _ = _published_once
    shutil.copytree(out, tmp_path / "public", symlinks=True)
    return copy_report(repo, tmp_path / "report"), tmp_path / "public"


@pytest.fixture
def clean_run(_published_once: tuple[ReportRepo, Path, dict[str, bytes]]) -> dict[str, bytes]:
    """What an uninterrupted run into an empty folder writes, for the repository `published` copies."""
    return _published_once[2]


@pytest.mark.parametrize("fault", ["site-staging", "enospc:site-staging"])
def test_a_killed_or_full_write_leaves_the_previous_site(
    published: tuple[ReportRepo, Path], clean_run: dict[str, bytes], fault: str
) -> None:
    repo, out = published
    before = tree(out)
    assert "versions/v0.1/index.html" in before
    broken = site(repo, out, fault=fault)
    assert broken.returncode != 0
    assert tree(out) == before, "the previous site is intact"
    if fault.startswith("enospc"):
        assert broken.returncode == 1
        assert broken.stderr.strip().splitlines() == [
            f"error: cannot write the site into {out}: No space left on device; "
            "the site there is unchanged"
        ]
        assert strays(out) == [], "a failed write removes what it started"
    done = site(repo, out)
    assert done.returncode == 0, done.stderr
    assert strays(out) == []
    assert tree(out) == clean_run


@pytest.mark.parametrize("fault", ["site-committed", "site-moving"])
def test_a_run_killed_after_the_commit_point_is_finished_by_the_next(
    published: tuple[ReportRepo, Path], clean_run: dict[str, bytes], fault: str
) -> None:
    repo, out = published
    assert site(repo, out, fault=fault).returncode == 75
    done = site(repo, out)
    assert done.returncode == 0, done.stderr
    assert strays(out) == []
    assert tree(out) == clean_run


def test_never_writes_through_a_symlink(published: tuple[ReportRepo, Path]) -> None:
    repo, out = published
    chapters = repo.path / "chapters"
    before = tree(chapters)
    for path in sorted((out / "versions").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (out / "versions").rmdir()
    (out / "versions").symlink_to(chapters)
    refused = site(repo, out)
    assert refused.returncode == 1 and "versions" in refused.stderr
    forced = site(repo, out, "--force")
    assert forced.returncode == 1
    assert forced.stderr.strip() == (
        f"error: {out / 'versions'} is a symbolic link; the site never writes through one "
        "(remove it or choose another folder)"
    )
    assert tree(chapters) == before, "nothing deleted or written in chapters/"
    assert repo.git("status", "--porcelain") == ""


def test_a_symlink_in_place_of_a_site_file_is_replaced_not_followed(
    published: tuple[ReportRepo, Path], tmp_path: Path
) -> None:
    repo, out = published
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / "gaps.html").unlink()
    (out / "gaps.html").symlink_to(victim)
    done = site(repo, out)
    assert done.returncode == 0, done.stderr
    assert victim.read_text() == "precious\n"
    assert not (out / "gaps.html").is_symlink() and (out / "gaps.html").is_file()


def test_force_never_replaces_a_file_the_site_did_not_write(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    assert cli(report_repo.path, "version", "cut", "v0.1", "--no-build").exit_code == 0
    out = tmp_path / "www"
    out.mkdir()
    (out / "index.html").write_text("<h1>my own page</h1>\n")
    (out / "CNAME").write_text("reports.example.org\n")
    before = tree(out)
    refused = site(report_repo, out, "--force")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"error: {out / 'index.html'} was not written by the site and is never replaced; "
        "move it away or choose another folder"
    )
    assert tree(out) == before and strays(out) == []
    (out / "index.html").unlink()
    done = site(report_repo, out, "--force")
    assert done.returncode == 0, done.stderr
    assert (out / "CNAME").read_text() == "reports.example.org\n"


def test_a_forged_manifest_cannot_make_the_site_delete_outside_its_folder(
    published: tuple[ReportRepo, Path],
) -> None:
    repo, out = published
    manifest = json.loads((out / ".gap-analysis-site.json").read_text())
    outside = repo.path / "chapters" / "01-intro.md"
    manifest["files"] += [
        os.path.relpath(outside, out),
        str(outside),
        "./index.html",
        ".gap-analysis-site.new/x",
    ]
    (out / ".gap-analysis-site.json").write_text(json.dumps(manifest))
    chapters = tree(repo.path / "chapters")
    done = site(repo, out, "--force")
    assert done.returncode == 0, done.stderr
    assert tree(repo.path / "chapters") == chapters


def test_an_untracked_site_folder_does_not_block_a_cut(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    """The README's GitLab Pages recipe: `site -o public` inside the report, then the next cut."""
    assert cli(report_repo.path, "version", "cut", "v0.1", "--no-build").exit_code == 0
    public = report_repo.path / "public"
    done = site(report_repo, public)
    assert done.returncode == 0, done.stderr
    assert "?? public/" in report_repo.git("status", "--porcelain")
    cut = cli(report_repo.path, "version", "cut", "v0.2", "--no-build")
    assert cut.exit_code == 0, cut.output
    assert "ignoring public/: an untracked folder holding a site" in cut.stderr
    committed = report_repo.git("show", "--name-only", "--format=", "HEAD").split()
    assert committed == ["review/versions/v0.2.toml"]
    (public / "notes.txt").write_text("mine\n")
    assert cli(report_repo.path, "version", "cut", "v0.3", "--no-build").exit_code == 0
    (report_repo.path / "other").mkdir()
    (report_repo.path / "other" / "index.html").write_text("not a site\n")
    refused = cli(report_repo.path, "version", "cut", "v0.4", "--no-build")
    assert refused.exit_code == 1
    assert "uncommitted changes (other/index.html)" in refused.stderr


def test_init_ignores_the_site_folders_of_the_pages_recipes(tmp_path: Path, cli: CliInvoke) -> None:
    target = tmp_path / "fresh"
    assert cli(None, "init", str(target)).exit_code == 0
    for name in ("dist", "public", "_site"):
        (target / name).mkdir()
        (target / name / "index.html").write_text("x\n")
    assert git(target, "status", "--porcelain") == ""


def test_the_output_folder_itself_may_be_a_symlink_judged_where_it_leads(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    assert cli(report_repo.path, "version", "cut", "v0.1", "--no-build").exit_code == 0
    served = tmp_path / "var-www"
    served.mkdir()
    (tmp_path / "public").symlink_to(served)
    done = site(report_repo, tmp_path / "public")
    assert done.returncode == 0, done.stderr
    assert (served / "index.html").is_file()
    (tmp_path / "into-git").symlink_to(report_repo.path / ".git")
    refused = site(report_repo, tmp_path / "into-git")
    assert refused.returncode == 1
    assert "inside the repository's git folder" in refused.stderr
    assert not (report_repo.path / ".git" / "index.html").exists()
