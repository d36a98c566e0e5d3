"""`--repo`, `-q` and `-v` on every command: before or after the subcommand, through the real CLI."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from gap_analysis.cli.app import COMMAND_MODULES, main
from gap_analysis.errors import RefusedError, option
from gap_analysis.services.review import versions
from tests.helpers import ROOT, CliInvoke, ReportRepo

COMMON = {"repo": "--repo", "quiet": "-q", "verbose": "-v"}


def _every_command() -> Iterator[tuple[str, click.Command]]:
    """Every command and group, nested ones included, with its path (`version cut`)."""
    ctx = click.Context(main)
    yield "gap-analysis", main
    pending: list[tuple[str, click.Command]] = [
        (name, command) for name in COMMAND_MODULES if (command := main.get_command(ctx, name))
    ]
    while pending:
        path, command = pending.pop()
        yield path, command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, f"{path} {name}"
                pending.append((f"{path} {name}", sub))


def test_every_command_and_subcommand_takes_the_common_options() -> None:
    paths = []
    for path, command in _every_command():
        paths.append(path)
        options = {p.name: p.opts for p in command.params if isinstance(p, click.Option)}
        for name, flag in COMMON.items():
            assert flag in options.get(name, []), f"'{path}' lacks {flag}"
    assert {"version cut", "review submit", "review history", "comment add"} <= set(paths)


def test_quiet_after_the_subcommand_as_the_readme_writes_it(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    clean = cli(None, "diff", "HEAD", "--exit-code", "-q", "--repo", str(report_repo.path))
    assert clean.exit_code == 0, clean.stderr
    assert clean.stderr == ""
    report_repo.write("chapters/01-intro.md", "# Introduction\n\nAll new words.\n")
    changed = cli(None, "diff", "HEAD", "--exit-code", "-q", "--repo", str(report_repo.path))
    assert changed.exit_code == 1, changed.stderr
    assert "All new words" in changed.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["-q", "version", "list"],
        ["version", "-q", "list"],
        ["version", "list", "-q"],
        ["version", "list", "--quiet"],
    ],
    ids=["before", "on-the-group", "after", "long"],
)
def test_quiet_anywhere_in_a_nested_command(
    report_repo: ReportRepo, cli: CliInvoke, argv: list[str]
) -> None:
    loud = cli(report_repo.path, "version", "list")
    assert loud.exit_code == 0 and "no versions yet" in loud.stderr
    quiet = cli(report_repo.path, *argv)
    assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_repo_after_the_subcommand_and_the_later_one_wins(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    after = cli(None, "version", "cut", "--no-build", "--repo", str(report_repo.path))
    assert after.exit_code == 0, after.stderr
    assert "cut v0.1" in after.stdout
    listed = cli(tmp_path, "version", "list", "--repo", str(report_repo.path))
    assert listed.exit_code == 0, listed.stderr
    assert listed.stdout.startswith("NAME") and "v0.1" in listed.stdout
    outside = cli(report_repo.path, "version", "list", "--repo", str(tmp_path))
    assert outside.exit_code == 1 and "gap-analysis init" in outside.stderr


@pytest.mark.parametrize(
    "argv",
    [["-v", "version", "list"], ["version", "list", "-v"], ["version", "-v", "list"]],
    ids=["before", "after", "on-the-group"],
)
def test_verbose_anywhere_shows_the_traceback_of_an_internal_error(
    report_repo: ReportRepo, cli: CliInvoke, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("injected fault")

    monkeypatch.setattr(versions, "rows", broken)
    plain = cli(report_repo.path, "version", "list")
    assert plain.exit_code == 1 and "injected fault" in plain.stderr
    assert "Traceback" not in plain.stderr
    verbose = cli(report_repo.path, *argv)
    assert verbose.exit_code == 1 and "Traceback" in verbose.stderr


def test_a_refusal_names_the_option_of_the_command_that_ran(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    """The service names its input `decided`; the command line spells it `--date`."""
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    early = cli(report_repo.path, "review", "submit", "v0.1", "--date", "2001-01-01")
    assert early.exit_code == 1
    assert early.stderr.startswith("error: --date 2001-01-01 is before v0.1 was cut")
    assert "decided" not in early.stderr and "\x1f" not in early.stderr


_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")
_COMMAND_HINT = re.compile(r"'(gap-analysis|git) [^']*'?|\bgit [a-z-]+ --[a-z-]+")
_GIT_ARGUMENT = re.compile(r"--[a-z][a-z-]*(=.*)?", re.DOTALL)


def test_only_the_command_line_names_a_flag() -> None:
    """A flag belongs to `cli/`: services and adapters refer to inputs with `errors.option`.

    Allowed: a whole command quoted as a suggestion ('gap-analysis version tag
    --repair', `git config --global`), arguments passed to git, and docstrings.
    """
    found = []
    package = ROOT / "gap_analysis"
    for source in sorted(set(package.rglob("*.py")) - set((package / "cli").rglob("*.py"))):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if id(node) in docstrings:
                continue
            text = _COMMAND_HINT.sub("", node.value)
            if _FLAG.search(text) and not _GIT_ARGUMENT.fullmatch(text):
                found.append(f"{source.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not found, "\n".join(found)


def test_the_input_marker_never_reaches_the_user() -> None:
    error = RefusedError(f"{option('note')} is needed")
    assert str(error) == "note is needed"
    assert error.worded(lambda name: f"--{name}") == "--note is needed"


@pytest.mark.parametrize(
    "argv",
    [
        ["diff", "HEAD", "--changed-only"],
        ["build", "--html-only"],
        ["build", "--redline-against", "HEAD", "--no-watermark"],
    ],
    ids=["diff", "build-html-only", "build-redline"],
)
def test_usage_errors_the_tool_finds_have_one_style(
    report_repo: ReportRepo, cli: CliInvoke, argv: list[str]
) -> None:
    result = cli(report_repo.path, *argv)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
