"""What every command shares: the repository option, verbosity, and how results are printed."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from gap_analysis.gitstore import GitStore
from gap_analysis.services.snapshots import open_store


@dataclass
class AppContext:
    repo: Path | None = None
    quiet: bool = False
    verbose: bool = False
    _store: GitStore | None = field(default=None, repr=False)

    def store(self) -> GitStore:
        if self._store is None:
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


pass_app = click.make_pass_decorator(AppContext)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def shown_path(path: Path) -> str:
    """`path` relative to the current folder when it lies below it, else absolute."""
    here = Path.cwd()
    return os.path.relpath(path, here) if path == here or here in path.parents else str(path)
