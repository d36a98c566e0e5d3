"""`gap-analysis`: the root command group and its error handling."""

from __future__ import annotations

import errno
import gc
import importlib
import sys
import traceback
from typing import Any

import click

from gap_analysis import __version__
from gap_analysis.cli.context import AppContext, common_options
from gap_analysis.errors import GapAnalysisError

COMMAND_MODULES: dict[str, str] = {
    "build": "build_cmd",
    "chapter": "chapter_cmd",
    "check": "check_cmd",
    "comment": "comment_cmd",
    "diff": "diff_cmd",
    "gaps": "gaps_cmd",
    "init": "init_cmd",
    "packet": "packet_cmd",
    "preview": "preview_cmd",
    "review": "review_cmd",
    "site": "site_cmd",
    "status": "status_cmd",
    "summary": "summary_cmd",
    "version": "version_cmd",
}
"""Each command lives in its own module under `gap_analysis.cli`; this maps names to modules.

Modules are imported only when their command runs (or `--help` lists them), so
`gap-analysis check` does not pay for loading the PDF, diff and site code.
"""


def os_error_line(exc: OSError) -> str:
    """A disk that is full or read-only, a folder where a file must be: one line naming the path."""
    what = exc.strerror or type(exc).__name__
    return f"{exc.filename}: {what}" if exc.filename else f"{what} (errno {exc.errno})"


class _Root(click.Group):
    """Loads commands lazily and turns every `GapAnalysisError` into one line and its exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMAND_MODULES and cmd_name not in self.commands:
            module = importlib.import_module(f"gap_analysis.cli.{COMMAND_MODULES[cmd_name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a reader that went away (`| head`) shows here, not at exit
        except GapAnalysisError as exc:
            app = ctx.find_object(AppContext)
            click.echo(f"error: {exc.worded(app.flag) if app else exc}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise  # click's `main` ends quietly (exit 1) and silences the final flush
            click.echo(f"error: {os_error_line(exc)}", err=True)
            ctx.exit(1)
        except Exception as exc:  # noqa: BLE001 - last line of defence: no tracebacks for users
            app = ctx.find_object(AppContext)
            if app is not None and app.verbose:
                traceback.print_exc()
            click.echo(
                f"error: internal error: {type(exc).__name__}: {exc} "
                "(run with -v for details and report it)",
                err=True,
            )
            ctx.exit(1)
        finally:
            app = ctx.find_object(AppContext)
            if app is not None:
                app.close()


@click.group(
    cls=_Root, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@common_options
@click.version_option(__version__, prog_name="gap-analysis")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Versioned, reviewable multi-chapter reports kept as Markdown in git.

    \b
    Typical use:
      gap-analysis init my-report          a new report repository
      gap-analysis check                   lint chapters, links, gap entries
      gap-analysis build                   the working draft's PDF under dist/
      gap-analysis version cut --meeting "SG17, Geneva, 8-17 April 2025"
      gap-analysis review submit v0.1      take v0.1 along the review path
      gap-analysis diff v0.1 v0.2          what changed, section by section

    --repo, -q and -v work before or after the command, and on every subcommand.

    What a chapter may hold (front matter, headings and anchors, footnotes,
    images, tables, links, gap entries) and every key of report.toml: the
    authoring guide, docs/authoring.md in the gap-analysis sources.
    """
    ctx.ensure_object(AppContext)


def run() -> None:
    """The console script (and `python -m gap_analysis`): `main`, then an exit that skips the
    interpreter's last garbage collection.

    At exit Python collects every object left in a reference cycle, which after a build is most
    of what the command made (pypdf's objects, parsed Markdown): 0.07 s of a MASVS build's
    0.095 s from its last line to its end. `gc.freeze` puts every object out of the collector's
    reach first; the system takes the memory back as it does after `os._exit`, while `atexit`
    handlers and module clean-up still run. Not in `main`: tests call it in their own process,
    which must go on collecting.
    """
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    run()
