"""A progress bar on stderr for long commands, and silence when nobody is watching.

`progress_for(app)` gives the services a `Progress`: a click progress bar (one
per phase, with its name and position, e.g. `building PDFs  [###--]  2/5`) when
stderr is a terminal and -q was not given, else `NO_PROGRESS`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from gap_analysis.cli.context import AppContext
from gap_analysis.model.progress import NO_PROGRESS, Progress


class BarProgress:
    """One click progress bar per phase; a phase without a known total prints its name only."""

    def __init__(self) -> None:
        self._bar: Any = None

    def phase(self, name: str, total: int = 0) -> None:
        self.close()
        if total <= 0:
            click.echo(f"{name} ...", err=True)
            return
        self._bar = click.progressbar(
            length=total, label=f"{name:<18}", show_pos=True, show_eta=False, file=sys.stderr
        )
        self._bar.__enter__()

    def advance(self, steps: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(steps)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


@contextmanager
def progress_for(app: AppContext) -> Iterator[Progress]:
    if not app.interactive:
        yield NO_PROGRESS
        return
    bar = BarProgress()
    try:
        yield bar
    finally:
        bar.close()
