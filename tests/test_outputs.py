"""Every file the tool writes: one writer (mode 0o666 & ~umask, missing folder refused alike) and
one guard (`-o` never inside .git/, never over a tracked file of the report unless --force)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import CliInvoke, ReportRepo, copy_report, git_identity, invoke, make_report

# every command that writes a file named by -o; {out} is the path
WRITERS: dict[str, tuple[str, ...]] = {
    "build": ("build", "-o", "{out}"),
    "build-html": ("build", "--html", "{out}", "--html-only"),
    "diff": ("diff", "HEAD~1", "-o", "{out}"),
    "diff-pdf": ("diff", "HEAD~1", "--format", "pdf", "-o", "{out}"),
    "summary": ("summary", "HEAD~1", "-o", "{out}"),
    "gaps": ("gaps", "--format", "csv", "-o", "{out}"),
    "packet": ("packet", "v0.1", "-o", "{out}"),
    "comment-export": ("comment", "export", "v0.1", "-o", "{out}"),
    "comment-export-xlsx": ("comment", "export", "v0.1", "--format", "xlsx", "-o", "{out}"),
    "build-docx": ("build", "--format", "docx", "-o", "{out}"),
    "diff-docx": ("diff", "HEAD~1", "--format", "docx", "-o", "{out}"),
}
CHEAP = ("build-html", "diff", "summary", "gaps", "comment-export")


@pytest.fixture
def umask() -> Iterator[None]:
    saved = os.umask(0o022)
    yield
    os.umask(saved)


@pytest.fixture(scope="module")
def _versioned_once(tmp_path_factory: pytest.TempPathFactory) -> ReportRepo:
    """The sample report with v0.1 cut (no PDF), a comment on it, a later edit and a tracked note."""
    with git_identity():
        repo = make_report(tmp_path_factory.mktemp("versioned") / "report")
        done = invoke(repo.path, "version", "cut", "v0.1", "--no-build")
        assert done.exit_code == 0, done.output
        done = invoke(
            repo.path,
            "comment",
            "add",
            "v0.1",
            "--by",
            "Reviewer",
            "--chapter",
            "intro",
            "--type",
            "ed",
            "--text",
            "Say more.",
        )
        assert done.exit_code == 0, done.output
        repo.write("notes.txt", "kept by hand\n")
        repo.write(
            "chapters/01-intro.md",
            repo.path.joinpath("chapters/01-intro.md").read_text() + "\nMore.\n",
        )
        repo.commit("later edit and a note")
    return repo


@pytest.fixture
def versioned(_versioned_once: ReportRepo, tmp_path: Path) -> ReportRepo:
    """A copy of `_versioned_once` for one test."""
    return copy_report(_versioned_once, tmp_path / "report")


def _args(name: str, out: Path) -> list[str]:
    return [part.format(out=out) for part in WRITERS[name]]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", list(WRITERS))
def test_output_mode_follows_the_umask(
    name: str, versioned: ReportRepo, cli: CliInvoke, tmp_path: Path, umask: None
) -> None:
    for mask, expected in ((0o022, 0o644), (0o007, 0o660)):
        os.umask(mask)
        out = tmp_path / f"{name}-{mask:o}.out"
        result = cli(versioned.path, *_args(name, out))
        assert result.exit_code == 0, result.output
        assert out.is_file()
        assert _mode(out) == expected, f"{name}: {_mode(out):o} under umask {mask:o}"


def test_default_outputs_and_site_files_follow_the_umask(
    versioned: ReportRepo, cli: CliInvoke, tmp_path: Path, umask: None
) -> None:
    os.umask(0o002)
    built = cli(versioned.path, "build")
    assert built.exit_code == 0, built.output
    assert _mode(Path(built.stdout.strip())) == 0o664
    site = tmp_path / "public"
    done = cli(versioned.path, "site", "-o", str(site), "--no-pdf")
    assert done.exit_code == 0, done.output
    files = [p for p in site.rglob("*") if p.is_file()]
    assert files and {_mode(p) for p in files} == {0o664}


@pytest.mark.parametrize("name", CHEAP)
def test_a_missing_folder_is_refused_alike(
    name: str, versioned: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    out = tmp_path / "no-such-folder" / "x.out"
    result = cli(versioned.path, *_args(name, out))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"error: cannot write {out}: the folder {out.parent} does not exist"
    )
    assert not out.parent.exists()


@pytest.mark.parametrize("name", list(WRITERS))
@pytest.mark.parametrize("force", [False, True])
def test_output_never_goes_inside_git(
    name: str, force: bool, versioned: ReportRepo, cli: CliInvoke
) -> None:
    config = versioned.path / ".git" / "config"
    before = config.read_bytes()
    for out in (
        config,
        versioned.path / ".git" / "new-file",
        versioned.path / "chapters" / ".." / ".git" / "HEAD",
    ):
        result = cli(versioned.path, *_args(name, out), *(["--force"] if force else []))
        assert result.exit_code == 1, (name, out, result.output)
        assert "inside the repository's git folder" in result.stderr
    assert config.read_bytes() == before
    assert not (versioned.path / ".git" / "new-file").exists()


@pytest.mark.parametrize("name", list(WRITERS))
def test_output_never_overwrites_a_tracked_file(
    name: str, versioned: ReportRepo, cli: CliInvoke
) -> None:
    for relative in ("chapters/01-intro.md", "report.toml", "notes.txt"):
        target = versioned.path / relative
        before = target.read_bytes()
        result = cli(versioned.path, *_args(name, target))
        assert result.exit_code == 1, (name, relative, result.output)
        assert f"tracked file of the report ({relative})" in result.stderr
        assert target.read_bytes() == before
    assert versioned.git("status", "--porcelain") == ""


def test_a_relative_output_is_judged_where_it_leads(
    versioned: ReportRepo, cli: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(versioned.path / "chapters")
    before = (versioned.path / "chapters" / "01-intro.md").read_bytes()
    result = cli(versioned.path, "summary", "HEAD~1", "-o", "01-intro.md")
    assert result.exit_code == 1
    assert "tracked file of the report (chapters/01-intro.md)" in result.stderr
    (versioned.path / "link").symlink_to(".git")
    result = cli(versioned.path, "gaps", "-o", str(versioned.path / "link" / "description"))
    assert result.exit_code == 1 and "git folder" in result.stderr
    assert (versioned.path / "chapters" / "01-intro.md").read_bytes() == before


@pytest.mark.parametrize("name", CHEAP)
def test_force_overwrites_a_tracked_file(name: str, versioned: ReportRepo, cli: CliInvoke) -> None:
    target = versioned.path / "notes.txt"
    result = cli(versioned.path, *_args(name, target), "--force")
    assert result.exit_code == 0, result.output
    assert target.read_text("utf-8-sig") != "kept by hand\n"


def test_untracked_and_ignored_files_in_the_report_may_be_written(
    versioned: ReportRepo, cli: CliInvoke
) -> None:
    (versioned.path / "dist").mkdir(exist_ok=True)
    for target in (versioned.path / "changes.md", versioned.path / "dist" / "changes.md"):
        target.write_text("old\n")
        result = cli(versioned.path, "summary", "HEAD~1", "-o", str(target))
        assert result.exit_code == 0, result.output
        assert target.read_text() != "old\n"


def test_site_output_never_goes_inside_git(versioned: ReportRepo, cli: CliInvoke) -> None:
    for force in ([], ["--force"]):
        result = cli(
            versioned.path, "site", "--no-pdf", "-o", str(versioned.path / ".git" / "site"), *force
        )
        assert result.exit_code == 1
        assert not (versioned.path / ".git" / "site").exists()
