"""What every command shares: the repository option, verbosity, and how results are printed."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from gap_analysis.gitstore import GitStore


@dataclass
class AppContext:
    repo: Path | None = None
    quiet: bool = False
    verbose: bool = False
    command: click.Command | None = field(default=None, repr=False)
    """The innermost command being run (`version cut`, not `version`): whose options errors name."""
    _store: GitStore | None = field(default=None, repr=False)

    def store(self) -> GitStore:
        if self._store is None:
            # Here, not at the top: `--help` and a usage error load no git or report code.
            from gap_analysis.services.snapshots import open_store

            self._store = open_store(self.repo)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def info(self, message: str) -> None:
        """Progress and notes on stderr; silent with -q."""
        if not self.quiet:
            click.echo(message, err=True)

    @property
    def interactive(self) -> bool:
        return not self.quiet and sys.stderr.isatty()

    def flag(self, name: str) -> str:
        """How the running command spells its input `name` (`decided` -> `--date`), for errors."""
        params = self.command.params if self.command is not None else []
        for param in params:
            if isinstance(param, click.Option) and param.name == name:
                return max(param.opts, key=len)
        return name


pass_app = click.make_pass_decorator(AppContext)

_Command = TypeVar("_Command", bound=Callable[..., Any])


def _take_common(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Record a common option in the shared `AppContext`; given twice, the later one wins.

    Each command on the way (`gap-analysis`, `version`, `cut`) calls this for its
    own copy of the option, outer first, so an unset flag must not clear one set
    before the subcommand, and the last command to call it is the one that runs.
    """
    app = ctx.ensure_object(AppContext)
    app.command = ctx.command
    if param.name == "repo" and value is not None:
        app.repo = value
    elif param.name == "quiet" and value:
        app.quiet = True
    elif param.name == "verbose" and value:
        app.verbose = True


def common_options(command: _Command) -> _Command:
    """`--repo`, `-q` and `-v` on a command, before or after its subcommand.

    Every command and group carries it, so `gap-analysis -q diff HEAD` and
    `gap-analysis diff HEAD -q` mean the same (as mkdocs' `common_options`).
    """
    options = [
        click.option(
            "--repo",
            type=click.Path(file_okay=False, path_type=Path),
            expose_value=False,
            callback=_take_common,
            help="The report repository (default: found by walking up from here to report.toml).",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_take_common,
            help="Print only results and errors.",
        ),
        click.option(
            "-v",
            "--verbose",
            is_flag=True,
            expose_value=False,
            callback=_take_common,
            help="Print more, and a traceback on internal errors.",
        ),
    ]
    for add in reversed(options):
        command = add(command)
    return command


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def shown_path(path: Path) -> str:
    """`path` relative to the current folder when it lies below it, else absolute."""
    here = Path.cwd()
    return os.path.relpath(path, here) if path == here or here in path.parents else str(path)
