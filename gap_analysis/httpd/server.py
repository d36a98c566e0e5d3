"""A small HTTP server for the live preview: GET only, routes decided by the caller, no files by path.

The server knows nothing of reports: it asks a `Pages` object for the bytes of
a path (None is a 404) and, for the reload stream, waits on it for a newer
version. It never maps a URL to the file system, so `/../../etc/passwd` or
`/.git/config`, encoded or not, is whatever `Pages` says of it (a 404). Every
response says `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import unquote, urlsplit

EVENTS_PATH = "/_preview/events"


@dataclass(frozen=True, slots=True)
class Response:
    body: bytes
    content_type: str


class Pages(Protocol):
    def response(self, path: str) -> Response | None:
        """The response for a decoded URL path, or None for 404."""

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the content's version is past `seen` (or `timeout`); return it."""


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], pages: Pages) -> None:
        self.pages = pages
        self.stopping = threading.Event()
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}/"

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the http.server name
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS_PATH:
            self._events()
            return
        found = self.server.pages.response(path)
        if found is None:
            self._send(404, b"not found\n", "text/plain; charset=utf-8")
        else:
            self._send(200, found.body, found.content_type)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(405, b"", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        self._send(405, b"method not allowed\n", "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-sent events: the content's version now, then each newer one as it comes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        seen = -1
        try:
            while not self.server.stopping.is_set():
                version = self.server.pages.wait(seen, 1.0)
                if version != seen:
                    self.wfile.write(f"data: {version}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the preview prints its own lines."""
