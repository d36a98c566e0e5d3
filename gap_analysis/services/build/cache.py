"""The build cache: what a build read, and the PDFs it made, under `dist/.cache/`.

A build reads its snapshot through a `RecordingSource`; what it read (files
with their hashes, folders listed, files found missing, entries refused) is
its trace. The PDF is stored under a key of everything it depends on. A later
build with the same options first checks the trace: if the snapshot answers
every question the same way, the stored PDF is the one it would make, so it
is copied without parsing Markdown or loading WeasyPrint. The cache is best
effort: one that cannot be written only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from gap_analysis import __version__
from gap_analysis.atomic_files import write_atomic
from gap_analysis.errors import GapAnalysisError
from gap_analysis.model.build import BuildExtras
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.snapshot import FileSource, SnapshotInfo

CACHE_FOLDER = Path("dist") / ".cache"
DOCX_VARIANT = "docx"
"""The variant of Word builds: keyed on python-docx, not on WeasyPrint and the HTML templates."""
CACHE_KEEP = 40
"""Cached PDFs kept; older ones (by last use) are removed."""


class RecordingSource:
    """A `FileSource` that remembers everything the build asked of the snapshot.

    The record (files read, files found missing, folders listed) is the build's
    trace: if every entry answers the same next time, the build reads the same
    bytes and so produces the same PDF, and the cached one can be served
    without parsing anything.
    """

    def __init__(self, files: FileSource) -> None:
        self._files = files
        self.read_files: dict[str, bytes] = {}
        self.missing: set[str] = set()
        self.listed: dict[str, list[str]] = {}
        self.refused_entries: dict[str, list[str]] = {}

    def read(self, path: str) -> bytes:
        if path not in self.read_files:
            try:
                self.read_files[path] = self._files.read(path)
            except KeyError:
                self.missing.add(path)
                raise
        return self.read_files[path]

    def exists(self, path: str) -> bool:
        return path in self.read_files or self._files.exists(path)

    def refused(self, folder: str) -> list[str]:
        if folder not in self.refused_entries:
            self.refused_entries[folder] = self._files.refused(folder)
        return list(self.refused_entries[folder])

    def list(self, folder: str) -> list[str]:
        if folder not in self.listed:
            self.listed[folder] = self._files.list(folder)
        return list(self.listed[folder])

    def trace(self) -> dict[str, object]:
        return {
            "read": {
                path: hashlib.sha256(data).hexdigest()
                for path, data in sorted(self.read_files.items())
            },
            "missing": sorted(self.missing),
            "listed": {folder: names for folder, names in sorted(self.listed.items())},
            "refused": {folder: names for folder, names in sorted(self.refused_entries.items())},
        }


def trace_holds(files: FileSource, trace: dict[str, object]) -> bool:
    """Whether the snapshot still answers every question of a recorded trace the same way."""
    try:
        reads = trace["read"]
        missing = trace["missing"]
        listed = trace["listed"]
        assert isinstance(reads, dict) and isinstance(missing, list) and isinstance(listed, dict)
        refused = trace.get("refused") or {}
        assert isinstance(refused, dict)
        if any(files.refused(folder) != names for folder, names in refused.items()):
            return False
        for folder, names in listed.items():
            if files.list(folder) != names:
                return False
        for path in missing:
            if files.exists(path):
                return False
        for path, digest in reads.items():
            if hashlib.sha256(files.read(path)).hexdigest() != digest:
                return False
    except (KeyError, AssertionError, GapAnalysisError, OSError):
        return False
    return True


def _options(variant: str | None, extras: BuildExtras, layout: str) -> dict[str, object]:
    """What a PDF depends on besides its snapshot: tool, engine, templates, variant, extras, layout.

    `layout` (`services.build.parallel.layout_key`): a parallel or chunked build's bytes are its own.
    """
    if variant == DOCX_VARIANT:  # a Word build never loads the renderer
        from gap_analysis.docx import engine_version as docx_version

        engine, templates = f"python-docx {docx_version()}", ""
    else:
        from gap_analysis.render import engine_version, template_hash

        engine, templates = engine_version(), template_hash()
    return {
        "layout": layout,
        "tool": __version__,
        "engine": engine,
        "templates": templates,
        "variant": variant or "",
        "extras": asdict(extras),
    }


def _digest(parts: dict[str, object]) -> str:
    return hashlib.sha256(
        json.dumps(parts, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()


def context_key(
    info: SnapshotInfo, variant: str | None, extras: BuildExtras, layout: str = "serial"
) -> str:
    """Names the trace of builds with these options of this snapshot (not yet its content)."""
    return _digest(
        {
            **_options(variant, extras, layout),
            "info": [
                info.commit,
                info.date.isoformat(),
                info.is_worktree,
                info.dirty,
                info.version,
            ],
        }
    )


def content_key(
    html: str,
    info: SnapshotInfo,
    read_files: dict[str, bytes],
    warnings: list[Finding],
    variant: str | None,
    extras: BuildExtras,
    layout: str = "serial",
) -> str:
    """Everything the PDF depends on: inputs, the assembled HTML, options, tool and engine versions."""
    return _digest(
        {
            **_options(variant, extras, layout),
            "inputs": sorted(
                (path, hashlib.sha256(data).hexdigest()) for path, data in read_files.items()
            ),
            "html": hashlib.sha256(html.encode("utf-8")).hexdigest(),
            "commit": info.commit or "",
            "warnings": [str(w) for w in warnings],
        }
    )


class BuildCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def traced(self, context: str, files: FileSource, *, immutable: bool) -> tuple[str, str] | None:
        """(key, file name) of the last build in `context` if the snapshot still matches its trace.

        A commit's files never change and `context` names the commit, so for an
        `immutable` snapshot the trace holds without reading anything again.
        """
        try:
            record = json.loads((self.folder / f"trace-{context}.json").read_text("utf-8"))
            key, name = str(record["key"]), str(record["name"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return (key, name) if immutable or trace_holds(files, record) else None

    def save_trace(self, context: str, files: RecordingSource, key: str, name: str) -> None:
        record = {**files.trace(), "key": key, "name": name}
        self._write(f"trace-{context}.json", json.dumps(record).encode("utf-8"))

    def get(self, key: str, suffix: str = ".pdf") -> tuple[Path, int, tuple[Finding, ...]] | None:
        """(PDF path, pages, warnings) of a stored build; its use refreshes it.

        `suffix` names what was stored: `.pdf`, or `.docx` for a Word build.
        """
        pdf, meta = self.folder / f"{key}{suffix}", self.folder / f"{key}.json"
        try:
            data = json.loads(meta.read_text("utf-8"))
            pages = int(data["pages"])
            warnings = tuple(
                Finding(w["path"], int(w["line"]), w["code"], w["message"], Severity(w["severity"]))
                for w in data["warnings"]
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not pdf.is_file():
            return None
        os.utime(meta)
        return pdf, pages, warnings

    def put(
        self, key: str, pdf: bytes, pages: int, warnings: list[Finding], suffix: str = ".pdf"
    ) -> None:
        meta = {"pages": pages, "warnings": [w.as_json() for w in warnings]}
        if self._write(f"{key}{suffix}", pdf) and self._write(
            f"{key}.json", json.dumps(meta).encode("utf-8")
        ):
            self._prune()

    def get_part(self, name: str) -> bytes | None:
        """A smaller product kept beside the PDFs (e.g. an annex), or None."""
        try:
            return (self.folder / f"part-{name}").read_bytes()
        except OSError:
            return None

    def put_part(self, name: str, data: bytes) -> None:
        self._write(f"part-{name}", data)

    def _write(self, name: str, data: bytes) -> bool:
        return write_cache_file(self.folder, name, data)

    def _prune(self) -> None:
        entries = sorted(
            (p for p in self.folder.glob("*.json") if not p.name.startswith("trace-")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in entries[CACHE_KEEP:]:
            for path in (stale, stale.with_suffix(".pdf"), stale.with_suffix(".docx")):
                path.unlink(missing_ok=True)


def write_cache_file(folder: Path, name: str, data: bytes) -> bool:
    """Write one cache file whole, or report that it could not be (a cache never fails a build)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / name, data)
    except (OSError, GapAnalysisError):
        return False
    return True
