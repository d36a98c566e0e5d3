"""The root command: lazy command modules, one-line errors, exit codes."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from gap_analysis.cli.app import COMMAND_MODULES, main
from tests.helpers import CliInvoke, ReportRepo


def test_every_command_module_is_mapped_both_ways() -> None:
    modules = set(COMMAND_MODULES.values())
    for module_name in modules:
        module = importlib.import_module(f"gap_analysis.cli.{module_name}")
        for command in module.COMMANDS:
            assert COMMAND_MODULES.get(str(command.name)) == module_name, command.name
    for name in COMMAND_MODULES:
        command = main.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name


def test_help_lists_every_command(cli: CliInvoke) -> None:
    result = cli(None, "--help")
    assert result.exit_code == 0
    for name in COMMAND_MODULES:
        assert f"  {name} " in result.stdout


def _cli_loading(
    cwd: Path, argv: list[str], families: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    """Run the CLI with `argv` in a new Python in `cwd`; it prints the modules of `families` it
    loaded and its exit code (the last line ends "[] 0" when it loaded none and succeeded)."""
    code = (
        f"import sys; from gap_analysis.cli.app import main; sys.argv={['gap-analysis', *argv]!r}"
        "\ntry:\n    main()\nexcept SystemExit as e:\n    print(sorted(m for m in sys.modules if "
        f"m.split('.')[0] in {families!r}), e.code)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )


def test_check_does_not_load_the_pdf_engine(report_repo: ReportRepo) -> None:
    done = _cli_loading(report_repo.path, ["check"], ("weasyprint", "jinja2"))
    assert done.stdout.strip().endswith("[] 0"), done.stdout + done.stderr


@pytest.mark.parametrize("argv", [["version", "list"], ["review", "history"]], ids=" ".join)
def test_record_commands_load_no_markdown(report_repo: ReportRepo, argv: list[str]) -> None:
    """Commands that read only records and report.toml load no Markdown, YAML or PDF code:
    each command's services are imported when it runs, and a cut's check only for a cut."""
    families = ("markdown_it", "yaml", "weasyprint", "jinja2")
    done = _cli_loading(report_repo.path, argv, families)
    assert done.stdout.strip().endswith("[] 0"), done.stdout + done.stderr


def test_preview_renders_its_page_without_the_pdf_engine(report_repo: ReportRepo) -> None:
    """The live page is HTML: WeasyPrint (0.8 s of start-up) loads only for `--pdf`."""
    code = (
        "import sys\nfrom gap_analysis.cli import preview_cmd\n"
        "from gap_analysis.services.snapshots import open_store\n"
        "from gap_analysis.services.preview.session import PreviewSession\n"
        "from gap_analysis.httpd.server import PreviewServer\n"
        "session = PreviewSession(open_store(None))\nsession.refresh(force=True)\n"
        "print(session.state.version, b'Introduction' in session.state.page.encode(),"
        " sorted(m for m in sys.modules if m.split('.')[0] == 'weasyprint'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=report_repo.path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["1", "True", "[]"], done.stdout + done.stderr


def test_unknown_command_is_a_usage_error(cli: CliInvoke) -> None:
    result = cli(None, "bild")
    assert result.exit_code == 2
    assert "bild" in result.stderr


def test_outside_a_report_says_how_to_start(cli: CliInvoke, tmp_path: Path) -> None:
    result = cli(tmp_path, "check")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "gap-analysis init" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("revision", [[], ["HEAD"]], ids=["working-tree", "revision"])
def test_cached_rebuild_loads_no_engine(
    report_repo: ReportRepo, tmp_path: Path, revision: list[str]
) -> None:
    """An unchanged rebuild copies the cached PDF without GitPython, Markdown, YAML or WeasyPrint."""
    out = tmp_path / "r.pdf"
    argv = ["build", *revision, "-o", str(out)]
    families = ("git", "weasyprint", "markdown_it", "yaml", "jinja2")
    first = _cli_loading(report_repo.path, argv, families)
    assert "'weasyprint'" in first.stdout and first.stdout.strip().endswith(" 0"), (
        first.stdout + first.stderr
    )
    again = _cli_loading(report_repo.path, argv, families)
    assert again.stdout.strip().endswith("[] 0"), again.stdout + again.stderr
    assert "(from cache)" in again.stderr
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_cached_rebuild_of_a_version_runs_no_diff(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    """The annex "Changes since v0.1" is kept in the cache: a rebuild of v0.2 diffs nothing."""
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    report_repo.write(
        "chapters/01-intro.md",
        (report_repo.path / "chapters/01-intro.md")
        .read_text()
        .replace("Some background", "Some more background"),
    )
    report_repo.commit("edit")
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    out = tmp_path / "v2.pdf"
    argv = ["gap-analysis", "build", "v0.2", "-o", str(out)]
    code = (
        f"import sys; from gap_analysis.cli.app import main; sys.argv={argv!r}\ntry:\n    main()\n"
        "except SystemExit as e:\n    print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('git', 'weasyprint', 'markdown_it', 'yaml', 'jinja2') or m == 'gap_analysis.diff'), e.code)"
    )
    for expected in ("'gap_analysis.diff'", "[] 0"):
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=report_repo.path,
            capture_output=True,
            text=True,
            check=True,
        )
        assert expected in run.stdout, run.stdout + run.stderr
    assert "(from cache)" in run.stderr


@pytest.mark.parametrize("entry", ["run", "main"])
def test_the_console_script_ends_without_collecting_its_garbage(entry: str) -> None:
    """`run` (the console script, `python -m gap_analysis`) exits without the interpreter's last
    garbage collection (0.07 s after a build); `main`, which tests call in their own process,
    leaves the collector as it is."""
    code = (
        "import gc, sys\n"
        "class Cycle:\n"
        "    def __del__(self):\n"
        "        sys.stdout.write('collected\\n')\n"
        "gc.disable()\n"  # the cycle waits for the collection at exit, not one made on the way
        "cycle = Cycle(); cycle.me = cycle; del cycle\n"
        "sys.argv = ['gap-analysis', '--version']\n"
        f"from gap_analysis.cli.app import {entry}\n"
        f"{entry}()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("gap-analysis, version ")
    assert ("collected" in done.stdout) == (entry == "main")


def test_the_installed_script_and_python_m_run_the_same_entry() -> None:
    import tomllib

    scripts = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))
    assert scripts["project"]["scripts"]["gap-analysis"] == "gap_analysis.cli.app:run"
    main_module = (Path(__file__).parents[1] / "gap_analysis/__main__.py").read_text("utf-8")
    assert "import run" in main_module
