"""`gap-analysis init` and `gap-analysis chapter new` on real folders and git repositories."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import CliInvoke, ReportRepo, git, make_report

INIT_FILES = [
    ".gitignore",
    "chapters/01-introduction.md",
    "chapters/images/review-path.svg",
    "report.toml",
    "review/comments/.gitkeep",
    "review/events/.gitkeep",
    "review/versions/.gitkeep",
]


@pytest.fixture(autouse=True)
def git_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A global git configuration of the test's own, with a user."""
    config = tmp_path / "gitconfig"
    config.write_text(
        "[user]\n\tname = Ada Editor\n\temail = ada@example.org\n[init]\n\tdefaultBranch = main\n"
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    return config


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes, .git included (its unreachable loose objects
    aside, which git itself ignores and gc removes): to prove nothing changed."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not str(p.relative_to(folder)).startswith(".git/objects/")
    }


def test_init_makes_a_report_that_checks_and_has_one_commit(tmp_path: Path, cli: CliInvoke) -> None:
    target = tmp_path / "cop-report"
    result = cli(
        None,
        "init",
        str(target),
        "--title",
        'Gap analysis: "COP" — draft',
        "--group",
        "ITU-T SG17 CG-COP",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("cop-report")
    assert (
        git(target, "log", "--format=%s").strip() == 'Start the report: Gap analysis: "COP" — draft'
    )
    assert sorted(git(target, "ls-files").split()) == INIT_FILES
    assert git(target, "status", "--porcelain") == ""
    settings = tomllib.loads((target / "report.toml").read_text())
    assert settings["report"]["title"] == 'Gap analysis: "COP" — draft'
    assert settings["report"]["group"] == "ITU-T SG17 CG-COP"
    assert settings["people"] == [
        {
            "name": "Ada Editor",
            "email": "ada@example.org",
            "roles": ["editor", "cg-cop", "sg17", "cwg-cop"],
        }
    ]
    # the build output and the site folders of the Pages recipes (GitLab public/, GitHub _site/)
    assert (target / ".gitignore").read_text() == "/dist/\n/public/\n/_site/\n"
    check = cli(target, "check", "--strict")
    assert check.exit_code == 0 and check.stdout == ""
    assert "no problems in 1 chapter" in check.stderr
    status = json.loads(cli(target, "status", "--json").stdout)
    assert [(c["id"], c["title"], c["owners"], c["status"]) for c in status["chapters"]] == [
        ("introduction", "Introduction", ["Ada Editor"], "draft")
    ]
    assert status["dirty"] is False and status["branch"] == "main"


def test_init_defaults_title_from_folder_name(tmp_path: Path, cli: CliInvoke) -> None:
    target = tmp_path / "my-cop_report"
    assert cli(None, "init", str(target)).exit_code == 0
    data = tomllib.loads((target / "report.toml").read_text())
    assert data["report"]["title"] == "My cop report"
    assert "CG-COP" in data["report"]["group"]


def test_init_then_build(tmp_path: Path, cli: CliInvoke) -> None:
    target = tmp_path / "built"
    assert cli(None, "init", str(target), "--title", "Built at once").exit_code == 0
    pdf = tmp_path / "out.pdf"
    result = cli(target, "build", "-o", str(pdf))
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Built at once" in text
    assert "Introduction" in text


def test_init_refuses_existing_report(report_repo: ReportRepo, cli: CliInvoke) -> None:
    before = tree(report_repo.path)
    result = cli(None, "init", str(report_repo.path))
    assert result.exit_code == 1
    assert "already holds a report.toml" in result.stderr
    assert tree(report_repo.path) == before


def test_init_refuses_repository_whose_head_has_a_report(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    (report_repo.path / "report.toml").unlink()
    before = tree(report_repo.path)
    result = cli(None, "init", str(report_repo.path))
    assert result.exit_code == 1
    assert "HEAD has a report.toml" in result.stderr
    assert tree(report_repo.path) == before


def test_init_refuses_without_git_identity(
    tmp_path: Path, cli: CliInvoke, git_config: Path
) -> None:
    git_config.write_text("")
    target = tmp_path / "nobody"
    result = cli(None, "init", str(target))
    assert result.exit_code == 1
    assert 'git config --global user.name "Your Name"' in result.stderr
    assert 'git config --global user.email "you@example.org"' in result.stderr
    assert result.stderr.count("\n") == 1
    assert not target.exists()


def test_init_in_existing_repository_commits_only_its_files(tmp_path: Path, cli: CliInvoke) -> None:
    target = tmp_path / "code"
    target.mkdir()
    git(target, "init", "-q", "-b", "main")
    (target / "notes.txt").write_text("first\n")
    git(target, "add", "notes.txt")
    git(target, "commit", "-q", "-m", "notes")
    (target / "notes.txt").write_text("staged change\n")
    git(target, "add", "notes.txt")
    (target / ".gitignore").write_text("*.tmp")
    result = cli(None, "init", str(target))
    assert result.exit_code == 0, result.output
    committed = git(target, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(committed) == INIT_FILES
    assert git(target, "diff", "--cached", "--name-only").split() == ["notes.txt"]
    assert (target / ".gitignore").read_text() == "*.tmp\n/dist/\n/public/\n/_site/\n"


def test_init_failure_leaves_nothing_behind(tmp_path: Path, cli: CliInvoke) -> None:
    target = tmp_path / "hooked"
    target.mkdir()
    git(target, "init", "-q", "-b", "main")
    (target / ".gitignore").write_text("*.tmp\n")
    hook = target / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho refused by hook >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    before = tree(target)
    result = cli(None, "init", str(target))
    assert result.exit_code == 1
    assert "git commit failed" in result.stderr and "refused by hook" in result.stderr
    assert tree(target) == before
    assert sorted(os.listdir(target)) == [".git", ".gitignore"]


def test_init_refuses_bad_title(tmp_path: Path, cli: CliInvoke) -> None:
    result = cli(None, "init", str(tmp_path / "x"), "--title", "two\nlines")
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


# -- chapter new -----------------------------------------------------------


def test_chapter_new_next_number_and_front_matter(report_repo: ReportRepo, cli: CliInvoke) -> None:
    result = cli(
        report_repo.path,
        "chapter",
        "new",
        "Landscape of existing standards",
        "--owner",
        "Ann",
        "--owner",
        "Bo: the second",
    )
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == report_repo.path / "chapters" / "03-landscape-of-existing-standards.md"
    text = path.read_text()
    assert text.startswith("---\nid: landscape-of-existing-standards\n")
    assert "\n# Landscape of existing standards\n" in text
    status = json.loads(cli(report_repo.path, "status", "--json").stdout)
    new = [c for c in status["chapters"] if c["id"] == "landscape-of-existing-standards"][0]
    assert (
        new["number"] == "3"
        and new["owners"] == ["Ann", "Bo: the second"]
        and new["status"] == "draft"
    )
    assert [c["number"] for c in status["chapters"]] == ["1", "2", "3", "A"]
    assert "?? chapters/03-landscape-of-existing-standards.md" in report_repo.git(
        "status", "--porcelain"
    )
    assert cli(report_repo.path, "check", "--strict").exit_code == 0


def test_chapter_new_tricky_titles_read_back(report_repo: ReportRepo, cli: CliInvoke) -> None:
    for title in ("Yes", "Scope: what #1 covers", "Übersicht der Normen", "2024 plan"):
        assert cli(report_repo.path, "chapter", "new", title).exit_code == 0
    status = json.loads(cli(report_repo.path, "status", "--json").stdout)
    got = {c["id"]: (c["title"], c["number"], c["owners"]) for c in status["chapters"]}
    assert got["yes"] == ("Yes", "3", ["Test Editor"])
    assert got["scope-what-1-covers"][0] == "Scope: what #1 covers"
    assert got["ubersicht-der-normen"][0] == "Übersicht der Normen"
    assert got["2024-plan"] == ("2024 plan", "6", ["Test Editor"])
    assert cli(report_repo.path, "check").exit_code == 0


def test_chapter_new_id_validation(report_repo: ReportRepo, cli: CliInvoke) -> None:
    before = tree(report_repo.path / "chapters")
    bad = cli(report_repo.path, "chapter", "new", "Method again", "--id", "Bad_Id")
    assert bad.exit_code == 1 and "lowercase letters" in bad.stderr
    taken = cli(report_repo.path, "chapter", "new", "Method again", "--id", "method")
    assert taken.exit_code == 1 and "already used by chapters/02-method.md" in taken.stderr
    derived = cli(report_repo.path, "chapter", "new", "Outro")
    assert derived.exit_code == 0
    again = cli(report_repo.path, "chapter", "new", "Outro")
    assert again.exit_code == 1 and "already used" in again.stderr
    nothing = cli(report_repo.path, "chapter", "new", "日本語")
    assert nothing.exit_code == 2 and "--id" in nothing.stderr
    after = tree(report_repo.path / "chapters")
    assert sorted(set(after) - set(before)) == ["03-outro.md"]


def test_chapter_new_width_and_annexes(tmp_path: Path, cli: CliInvoke) -> None:
    chapters = {"009-nine.md": "# Nine\n", "A1-annex.md": "# Annex\n", "B2-more.md": "# More\n"}
    repo = make_report(tmp_path / "report", chapters)
    result = cli(repo.path, "chapter", "new", "Ten")
    assert Path(result.stdout.strip()).name == "010-ten.md"


def test_chapter_new_notes_explicit_order(tmp_path: Path, cli: CliInvoke) -> None:
    toml = (
        '[report]\ntitle = "T"\ngroup = "G"\n\n[chapters]\norder = ["01-intro.md", "02-method.md", '
        '"A1-abbreviations.md"]\n'
    )
    repo = make_report(tmp_path / "report", None, toml)
    result = cli(repo.path, "chapter", "new", "Later")
    assert result.exit_code == 0
    assert 'add "03-later.md" to it' in result.stderr


def test_chapter_new_help_says_it_does_not_commit(cli: CliInvoke) -> None:
    result = cli(None, "chapter", "new", "--help")
    assert "Nothing is committed" in result.stdout
