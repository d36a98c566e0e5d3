"""`--force` of every command that writes a file named by `-o`: one flag, one meaning."""

from __future__ import annotations

import click

force_option = click.option(
    "--force",
    is_flag=True,
    help="Let -o overwrite a file git tracks in the report (never anything inside .git/).",
)
