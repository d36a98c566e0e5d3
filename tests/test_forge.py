"""The forge files (GitHub Actions, GitLab CI, pre-commit) parse and call real commands.

They are copied into report repositories, where a typo shows only on the forge;
these tests catch it here: each file is valid YAML of the expected shape, and
every `gap-analysis ...` line names a registered command with options it has.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from gap_analysis.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / "tools" / "ci" / "github" / "gap-analysis.yml"
GITLAB = ROOT / "tools" / "ci" / "gitlab" / ".gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _shell_lines(node: Any) -> list[str]:
    """Every line of every `run:` / `script:` / `before_script:` value in the file."""
    lines: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "before_script") and value:
                items = value if isinstance(value, list) else [value]
                for item in items:
                    lines.extend(str(item).splitlines())
            else:
                lines.extend(_shell_lines(value))
    elif isinstance(node, list):
        for item in node:
            lines.extend(_shell_lines(item))
    return lines


def _invocations(lines: list[str]) -> list[list[str]]:
    """The argument lists after each `gap-analysis` word on the given shell lines."""
    calls = []
    for line in lines:
        for match in re.finditer(r"(?:^|[\s;&|(])gap-analysis\s+([^;&|)]*)", line):
            calls.append(shlex.split(match.group(1).rstrip("\\ ")))
    return calls


def _check_invocation(args: list[str]) -> None:
    assert args, "gap-analysis called without a command"
    # get_command, not main.commands: commands are registered lazily, on first lookup
    command = main.get_command(click.Context(main), args[0])
    assert command is not None, f"'gap-analysis {args[0]}' is not a registered command"
    rest = args[1:]
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        sub = command.commands.get(rest[0])
        assert sub is not None, f"'{args[0]} {rest[0]}' is not a registered subcommand"
        command, rest = sub, rest[1:]
    known = {
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    } | {"-h", "--help"}
    for word in rest:
        if word.startswith("-"):
            assert word.split("=", 1)[0] in known, f"'gap-analysis {args[0]}' has no option {word}"


def test_github_workflow_shape() -> None:
    doc = _load(GITHUB)
    triggers = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert any(t.startswith("v") for t in triggers["push"]["tags"])
    jobs = doc["jobs"]
    assert set(jobs) >= {"check", "release", "site", "pages"}
    assert jobs["release"]["permissions"]["contents"] == "write"
    assert jobs["pages"]["permissions"]["pages"] == "write"
    uses = [step.get("uses", "") for job in jobs.values() for step in job.get("steps", [])]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    for job in ("check", "release", "site"):
        checkout = next(
            s for s in jobs[job]["steps"] if s.get("uses", "").startswith("actions/checkout@")
        )
        assert checkout["with"]["fetch-depth"] == 0, f"{job}: versions need the full history"
    run = "\n".join(_shell_lines(jobs["release"]))
    assert "gh release upload" in run
    assert all(package in run for package in SYSTEM_PACKAGES)


def test_gitlab_pipeline_shape() -> None:
    doc = _load(GITLAB)
    assert doc["variables"]["GIT_DEPTH"] == "0"
    check_rules = [rule["if"] for rule in doc["check"]["rules"]]
    assert any("merge_request_event" in rule for rule in check_rules)
    assert doc["packet"]["rules"] == [{"if": "$CI_COMMIT_TAG"}]
    assert "dist/" in doc["packet"]["artifacts"]["paths"]
    assert doc["release"]["release"]["tag_name"] == "$CI_COMMIT_TAG"
    assert doc["pages"]["artifacts"]["paths"] == ["public"]
    assert any("site -o public" in line for line in doc["pages"]["script"])
    setup = "\n".join(doc["default"]["before_script"])
    assert all(package in setup for package in SYSTEM_PACKAGES)
    for job in ("check", "packet", "release", "pages"):
        assert doc[job]["stage"] in doc["stages"]


def test_pre_commit_hook() -> None:
    hooks = _load(HOOKS)
    hook = next(h for h in hooks if h["id"] == "gap-analysis-check")
    assert hook["language"] == "python"
    assert hook["entry"] == "gap-analysis check"
    assert hook["pass_filenames"] is False
    assert re.search(hook["files"], "chapters/01-intro.md")
    assert re.search(hook["files"], "report.toml")
    assert not re.search(hook["files"], "README.md")
    _check_invocation(shlex.split(hook["entry"])[1:])


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_forge_commands_exist(path: Path) -> None:
    calls = _invocations(_shell_lines(_load(path)))
    names = {call[0] for call in calls}
    assert {"check", "build", "packet", "site"} <= names, names
    for call in calls:
        _check_invocation(call)


def test_invocation_checker_catches_mistakes() -> None:
    """The walker itself must fail on an unknown command or option."""
    with pytest.raises(AssertionError, match="not a registered command"):
        _check_invocation(["no-such-command"])
    with pytest.raises(AssertionError, match="has no option"):
        _check_invocation(["check", "--no-such-option"])
    assert _invocations(['x && gap-analysis build "$TAG" -o "dist/$TAG.pdf"']) == [
        ["build", "$TAG", "-o", "dist/$TAG.pdf"]
    ]
