"""`-o` and `--force` of the commands that print or write a file: one flag, one meaning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., object])

force_option = click.option(
    "--force",
    is_flag=True,
    help="Let -o overwrite a file git tracks in the report (never anything inside .git/).",
)


def stdout_or_file(command: _F) -> _F:
    """`-o FILE` (instead of standard output) and its `--force`, for `diff`, `summary`, `gaps`."""
    output = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file instead of standard output.",
    )
    return output(force_option(command))
