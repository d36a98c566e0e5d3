"""The habits of a maintained project: licence, metadata, changelog fragments, pre-commit."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib import metadata

import pytest
import yaml

import gap_analysis
from tests.helpers import ROOT, need

FRAGMENT_NAME = re.compile(r"\d+\.(feature|bugfix|doc|misc)(\.\d+)?\.md")


def test_the_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert metadata.version("gap-analysis") == gap_analysis.__version__


def test_licence_file_and_metadata_agree() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    info = metadata.metadata("gap-analysis")
    assert info["License-Expression"] == "Apache-2.0"
    assert "LICENSE" in (info.get_all("License-File") or [])
    assert info["Author"] == "gap-analysis developers"


def test_towncrier_drafts_every_fragment() -> None:
    fragments = sorted(p for p in (ROOT / "changes").iterdir() if p.name != ".gitignore")
    assert fragments, "changes/ holds the next release's fragments"
    for fragment in fragments:
        assert FRAGMENT_NAME.fullmatch(fragment.name), fragment.name
    done = subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--draft", "--version", "0.0.0-draft"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    draft = " ".join(done.stdout.split())
    assert "## 0.0.0-draft" in draft
    for fragment in fragments:
        assert " ".join(fragment.read_text(encoding="utf-8").split()) in draft, fragment.name


def test_the_changelog_has_its_marker_and_the_first_release() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    marker = text.index("<!-- towncrier release notes start -->")
    assert text.index("## 0.1.0 (") > marker


def test_pre_commit_runs_the_checks_of_tools_test() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff", "ruff-format", "mypy", "import-contract"} <= set(hooks)
    assert "tests/test_architecture.py" in hooks["import-contract"]["entry"]
    assert "--strict" in hooks["mypy"]["entry"]
    tools_test = (ROOT / "tools" / "test").read_text(encoding="utf-8")
    assert 'ruff" format --check gap_analysis tests tools/*.py' in tools_test


def test_a_missing_tool_skips_here_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """`need` is what the browser, corpus, gpg and terminal tests call."""
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="the frobnicator is not installed"):
        need(False, "the frobnicator is not installed")
    need(True, "never said")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"not installed \(CI=true: required"):
        need(False, "the frobnicator is not installed")
    need(True, "never said")
