"""Test helpers: real git repositories in temporary folders, the sample chapters, git with a fixed identity.

Imported by tests as `from tests.helpers import ...`; `conftest.py` holds only fixtures.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gap_analysis.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
MASVS = ROOT.parent / "shared" / "corpus" / "masvs"


def need(present: bool, what: str) -> None:
    """Skip the test, saying `what` is missing; under CI=true fail instead.

    CI sets CI=true: there a test never passes by skipping for want of a tool or the corpus.
    """
    if present:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(what)


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Editor",
    "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Test Editor",
    "GIT_COMMITTER_EMAIL": "editor@example.org",
    "GIT_AUTHOR_DATE": "2025-04-01T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2025-04-01T10:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@functools.cache
def git_global_config() -> Path:
    """A global git configuration of the tests' own (one per process): the test identity, nothing else.

    A developer's `commit.gpgsign`, hooks path or aliases can then change no result.
    """
    folder = Path(tempfile.mkdtemp(prefix="gap-analysis-test-git-home-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "gitconfig"
    path.write_text(
        f"[user]\n\tname = {GIT_ENV['GIT_AUTHOR_NAME']}\n\temail = {GIT_ENV['GIT_AUTHOR_EMAIL']}\n",
        encoding="utf-8",
    )
    return path


@contextmanager
def git_identity() -> Iterator[None]:
    """GIT_ENV and `git_global_config` for a module-scoped fixture (conftest's autouse
    `_git_identity` covers one test)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in GIT_ENV.items():
            patch.setenv(key, value)
        patch.setenv("GIT_CONFIG_GLOBAL", str(git_global_config()))
        yield


def pandoc_plain(path: Path, *options: str) -> str:
    """`path` (a DOCX) as pandoc reads it, in plain text without wrapping."""
    return subprocess.run(
        ["pandoc", "-f", "docx", *options, "-t", "plain", "--wrap=none", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


REPORT_TOML = """\
[report]
title = "Test report on standards"
short_title = "Test report"
group = "Test Correspondence Group"

[[people]]
name = "Test Editor"
email = "editor@example.org"
roles = ["editor", "cg-cop", "sg17", "cwg-cop"]
"""

CHAPTERS = {
    "01-intro.md": """---
id: intro
title: Introduction
owners: [Alice]
---
# Introduction

This report looks at standards. See [the method](02-method.md#scope).

## Background

Some background text that explains the context of the work.
""",
    "02-method.md": """---
id: method
title: Method
---
# Method

## Scope

The scope covers age assurance and parental controls.

| Area | Standard |
|------|----------|
| Age assurance | IEEE 2089.1-2024 |
| Filtering | CEN/TS 16080:2013 |

```gap
id: G-AA-01
area: Age assurance
existing: IEEE 2089.1-2024
gap: No interoperable way to carry an age signal.
action: Start a work item.
lead: SG17
priority: high
status: open
```
""",
    "A1-abbreviations.md": """---
id: abbreviations
title: Abbreviations
---
# Abbreviations

COP
: Child online protection
""",
}


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` with a fixed identity and dates; return stdout."""
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


@dataclass
class ReportRepo:
    path: Path

    def write(self, relative: str, text: str | bytes) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def commit(self, message: str = "edit") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()


def make_report(
    path: Path, chapters: dict[str, str] | None = None, toml: str = REPORT_TOML
) -> ReportRepo:
    """A git repository at `path` with `toml`, `chapters` and one commit ("initial report").

    Made once per process for each content and git set-up, and copied from there: the copy
    has the same commit (the identity and dates are fixed) for a third of the cost. A `path`
    that already holds files is made in place, since its files go into the commit.
    """
    files = CHAPTERS if chapters is None else chapters
    if path.exists() and any(path.iterdir()):
        return _init_report(path, files, toml)
    key = repr((toml, sorted(files.items()), _git_setup()))
    template = _TEMPLATES.get(key)
    if template is None:
        folder = Path(tempfile.mkdtemp(prefix="gap-analysis-test-report-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = _TEMPLATES[key] = _init_report(folder / "report", files, toml).path
    if path.exists():
        path.rmdir()
    return copy_report(ReportRepo(template), path)


_TEMPLATES: dict[str, Path] = {}


def _git_setup() -> tuple[object, ...]:
    """What else decides the repository `make_report` makes: git's environment, its global
    configuration (tests point it elsewhere) and the umask (the files' modes)."""
    env = tuple(
        sorted((k, v) for k, v in os.environ.items() if k.startswith(("GIT_", "XDG_", "HOME")))
    )
    config = os.environ.get("GIT_CONFIG_GLOBAL") or os.path.expanduser("~/.gitconfig")
    try:
        text = Path(config).read_bytes()
    except OSError:
        text = b""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    mask = re.search(r"^Umask:\s*(\d+)", status, re.M)
    assert mask is not None, "Linux gives a process's umask in /proc/self/status"
    return env, text, mask.group(1)


def _init_report(path: Path, files: dict[str, str], toml: str) -> ReportRepo:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.name", GIT_ENV["GIT_AUTHOR_NAME"])
    git(path, "config", "user.email", GIT_ENV["GIT_AUTHOR_EMAIL"])
    repo = ReportRepo(path)
    repo.write("report.toml", toml)
    repo.write(".gitignore", "/dist/\n")
    for name, text in files.items():
        repo.write(f"chapters/{name}", text)
    repo.commit("initial report")
    return repo


def copy_report(template: ReportRepo, path: Path) -> ReportRepo:
    """A copy of `template` at `path`, for one test to change.

    A module-scoped fixture makes the repository once (git commands, cuts, builds); each test
    gets its own copy, the same commits and files, for a fraction of the cost.
    """
    shutil.copytree(template.path, path, symlinks=True)
    return ReportRepo(path)


def invoke(repo: Path | None, *args: str, input: str | None = None) -> Result:
    """Run the real CLI in-process: `invoke(repo_path, "build", "-o", "x.pdf")` (the `cli` fixture)."""
    prefix = ["--repo", str(repo)] if repo is not None else []
    return CliRunner().invoke(main, [*prefix, *args], input=input, catch_exceptions=False)


CliInvoke = Callable[..., Result]
