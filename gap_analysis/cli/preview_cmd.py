"""`gap-analysis preview`: the working tree as live HTML, reloaded on save."""

from __future__ import annotations

import signal
import webbrowser
from types import FrameType

import click

from gap_analysis.cli.context import AppContext, common_options, pass_app
from gap_analysis.errors import GapAnalysisError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command("preview")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on. Anything but loopback lets other machines read "
    "the draft: named only on purpose, and warned about.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option(
    "--pdf",
    "with_pdf",
    is_flag=True,
    help="Also rebuild the PDF in the background after each save (linked from the banner).",
)
@common_options
@pass_app
def preview(app: AppContext, port: int, host: str, open_browser: bool, with_pdf: bool) -> None:
    """Serve the working tree as the report's HTML and reload it in the browser on each save.

    The page is drawn by the same pipeline and stylesheet as `build` (cover,
    contents, numbered chapters, annexes, gap register), shown as pages on
    screen. The findings of `check` are listed in a banner and placed next to
    the block they concern; a chapter that cannot be read shows its error in
    place. Saving a chapter, an image or report.toml re-renders only what
    changed and reloads the page, keeping your place. Stop with Ctrl-C.

    Only the rendered page, its images and the tool's own stylesheet, fonts and
    reload script are served: never a file by its path.

    \b
    Examples:
      gap-analysis preview                 http://127.0.0.1:8000/
      gap-analysis preview --port 0 --open any free port, opened in the browser
      gap-analysis preview --pdf           and dist/preview.pdf after each save
    """
    from gap_analysis.services.preview.live import run_preview
    from gap_analysis.services.preview.session import PreviewSession

    if host not in LOOPBACK:
        click.echo(
            f"warning: listening on {host}: other machines can read the working draft", err=True
        )
    store = app.store()
    session = PreviewSession(store)

    def ready(url: str) -> None:
        click.echo(f"serving {url} (Ctrl-C to stop)")
        if open_browser:
            webbrowser.open(url)

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        run_preview(
            session, host, port, ready, store.root / "dist" / "preview.pdf" if with_pdf else None
        )
    except KeyboardInterrupt:
        app.info("stopped")
    except OSError as exc:
        raise GapAnalysisError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    finally:
        signal.signal(signal.SIGTERM, previous)


COMMANDS: list[click.Command] = [preview]
