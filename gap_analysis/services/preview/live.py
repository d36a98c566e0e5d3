"""The preview's background work: watching the working tree, and rebuilding the PDF on request.

Watching is by polling sizes and modification times every `interval` seconds
(a few `stat` calls for a report's chapters and images); it needs no
dependency, works the same on every file system (network shares and
containers included, where inotify misses changes) and its cost was measured
below a millisecond per poll on the 300-page report.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from gap_analysis.errors import GapAnalysisError
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.services.preview.session import PreviewSession

POLL_SECONDS = 0.1


def watch(
    session: PreviewSession,
    stop: threading.Event,
    on_change: Callable[[PreviewSession], None],
    interval: float = POLL_SECONDS,
) -> None:
    """Refresh `session` whenever a watched file changes, until `stop` is set.

    A refresh that fails for any reason shows the failure on the page instead of
    ending the preview.
    """
    while not stop.wait(interval):
        try:
            if session.refresh():
                on_change(session)
        except GapAnalysisError as exc:
            session.show_failure(Finding(exc.path or "", exc.line or 0, "preview", exc.message))
        except Exception as exc:  # noqa: BLE001 - the preview stays up and says what went wrong
            message = f"{type(exc).__name__}: {exc}"
            session.show_failure(Finding("", 0, "internal", message, Severity.ERROR))


class PdfRebuilder:
    """Builds the working tree's PDF in a thread after each change; one build at a time."""

    def __init__(self, session: PreviewSession, output: Path) -> None:
        self.session = session
        self.output = output
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="preview-pdf", daemon=True)

    def start(self) -> None:
        self.thread.start()
        self.request()

    def request(self, _session: PreviewSession | None = None) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()

    def _run(self) -> None:
        from gap_analysis.services.build.pdf import build_pdf

        while True:
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            try:
                result = build_pdf(self.session.store, None, self.output)
            except GapAnalysisError:
                continue  # the page shows the findings; the last good PDF stays
            if result.path is not None:
                self.session.pdf = result.path.read_bytes()


def run_preview(
    session: PreviewSession,
    host: str,
    port: int,
    ready: Callable[[str], None],
    pdf_output: Path | None = None,
) -> None:
    """Render, then serve `session` on `host:port` and watch the working tree until interrupted.

    `ready` is told the address once the server listens. Returns when the server
    stops (KeyboardInterrupt from Ctrl-C or a signal handler propagates to the caller
    after everything is shut down).
    """
    from gap_analysis.httpd.server import PreviewServer

    session.with_pdf = pdf_output is not None
    session.refresh(force=True)
    rebuilder = PdfRebuilder(session, pdf_output) if pdf_output is not None else None
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch,
        args=(session, stop, rebuilder.request if rebuilder else (lambda _s: None)),
        name="preview-watch",
        daemon=True,
    )
    server = PreviewServer((host, port), session)
    try:
        watcher.start()
        if rebuilder is not None:
            rebuilder.start()
        ready(server.url)
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.stopping.set()
        if rebuilder is not None:
            rebuilder.stop()
        server.server_close()
