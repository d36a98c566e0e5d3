"""The URL fetcher: the security boundary of rendering.

WeasyPrint asks its fetcher for every resource a document names: images,
stylesheets, attachments. This one serves exactly two things:

* files of the snapshot being rendered, under `SNAPSHOT_BASE`, read through the
  function the caller gives (a `FileSource.read`, which refuses symlinks that
  leave the repository and anything that is not a regular file);
* the package's own static files, under `STATIC_BASE`;
* the CJK font files found on the fixed path list of `render.fonts`, under
  `CJK_FONT_BASE`, by file name only (they are larger than the size cap).

Everything else (other schemes, `file://`, `http://`, `data:`, paths that leave
the repository, files over the size cap) is refused without touching the file
system or the network, and recorded in `refused` so the build can name it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from gap_analysis.model.paths import normalize
from gap_analysis.render.fonts import CJK_FONT_BASE, cjk_font_files
from gap_analysis.render.part_pdf import Refused
from gap_analysis.render.resources import SNAPSHOT_BASE, STATIC_BASE, static_file

MAX_RESOURCE_BYTES = 16 * 1024 * 1024


class SnapshotFetcher(URLFetcher):  # type: ignore[misc]
    """Serves snapshot files and static files; refuses everything else, and says so."""

    def __init__(self, read: Callable[[str], bytes], max_bytes: int = MAX_RESOURCE_BYTES) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self._read = read
        self._max_bytes = max_bytes
        self.refused: list[Refused] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            data, path = self._resolve(url)
        except _Refusal as refusal:
            self.refused.append(Refused(url, refusal.path, refusal.reason))
            raise ValueError(f"refused: {refusal.reason}") from None
        self.served.append(path)
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, {"Content-Type": mime})

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)

    def _resolve(self, url: str) -> tuple[bytes, str]:
        if url.startswith(SNAPSHOT_BASE):
            path = self._path(url, SNAPSHOT_BASE)
            try:
                data = self._read(path)
            except KeyError:
                raise _Refusal(
                    path, "not a regular file inside the repository at this revision"
                ) from None
            except Exception as exc:  # noqa: BLE001 - any read failure is a refusal, named
                raise _Refusal(path, str(exc)) from None
        elif url.startswith(CJK_FONT_BASE):
            name = url[len(CJK_FONT_BASE) :]
            found = cjk_font_files().get(name)
            if found is None:
                raise _Refusal(name, "not a CJK font file of the fixed path list")
            return found.read_bytes(), name
        elif url.startswith(STATIC_BASE):
            path = self._path(url, STATIC_BASE)
            static = static_file(path)
            if static is None:
                raise _Refusal(path, "not a file of the tool's own static folder")
            data = static
        else:
            scheme = urlsplit(url).scheme or "relative"
            raise _Refusal(
                "", f"{scheme} URLs are never fetched; only files of the report are used"
            )
        if len(data) > self._max_bytes:
            raise _Refusal(path, f"larger than the limit of {self._max_bytes:,} bytes")
        return data, path

    @staticmethod
    def _path(url: str, base: str) -> str:
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raw = url[len(base) :].split("?", 1)[0].split("#", 1)[0]
        else:
            raw = url[len(base) :]
        path = normalize(unquote(raw))
        if path is None:
            raise _Refusal(unquote(raw), "the path leaves the repository or is not a plain path")
        return path


def snapshot_path(url: str) -> str | None:
    """The repository path a snapshot URL names (None for any other URL)."""
    if not url.startswith(SNAPSHOT_BASE):
        return None
    try:
        return SnapshotFetcher._path(url, SNAPSHOT_BASE)
    except _Refusal:
        return None


class _Refusal(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
