"""The live preview's state: the working tree rendered, and rendered again when a file changes.

Incremental: each chapter's `RenderedChapter` is kept under a key of its
bytes, its number, the list of chapter paths and the report settings; a save
re-reads every file's size and modification time (a few `stat` calls), and
only the chapters whose bytes changed are parsed and rendered again. The
document around them (numbering, contents, gap register) is assembled anew
from the kept pieces, which costs little. Findings are those of `check` for
the working tree; a chapter that cannot be read shows its error in place.

The page is the build's own HTML (`render.to_html`, the same renderer and
stylesheet as the PDF), with the fetcher's URLs pointed at this server and a
screen stylesheet that shows the sections as pages.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import mimetypes
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from gap_analysis.config import REPORT_FILE, settings_of
from gap_analysis.errors import GapAnalysisError
from gap_analysis.gitstore import GitStore
from gap_analysis.httpd.server import Response
from gap_analysis.markdown.gaps import chapter_gaps
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.build import BuildExtras, RenderedChapter
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.paths import normalize
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import Snapshot, SnapshotInfo
from gap_analysis.render.fonts import CJK_FONT_BASE, cjk_font_files
from gap_analysis.render.resources import SNAPSHOT_BASE, STATIC_BASE, static_file
from gap_analysis.services.build.pdf import document_of, unique_gaps
from gap_analysis.services.check.chapters import ChapterFile
from gap_analysis.services.check.runner import Parsing, check_context, context

VERSION_PATH = "/_preview/version"
PDF_PATH = "/_preview/report.pdf"
FILE_PREFIX = "/_file/"
STATIC_PREFIX = "/_static/"
CJK_PREFIX = "/_cjk/"
WATCHED_FOLDERS = ("figures", "images")
"""Folders watched besides the chapter folder and report.toml (images often live there)."""


@dataclass
class PreviewState:
    """One rendering of the working tree, as the server hands it out."""

    version: int
    page: str
    findings: tuple[Finding, ...]
    images: dict[str, bytes] = field(default_factory=dict)
    seconds: float = 0.0


class PreviewSession:
    """Renders the working tree of `store`; `refresh()` renders again when files changed."""

    def __init__(self, store: GitStore) -> None:
        self.store = store
        self.root = store.root
        self.info: SnapshotInfo = store.worktree_info()
        self._stamps: dict[str, tuple[int, int]] = {}
        self._chapters: dict[tuple[object, ...], RenderedChapter] = {}
        self._lock = threading.Lock()
        self.changed = threading.Condition(self._lock)
        self.state = PreviewState(0, "", ())
        self.chapter_folder = "chapters"
        """The chapter folder of the last `report.toml` read (a change to it re-renders anyway)."""
        self._parsing = Parsing(
            functools.lru_cache(maxsize=4096)(chapter_structure),
            functools.lru_cache(maxsize=4096)(chapter_gaps),
        )
        """`check` parses only the chapters whose text changed (the rest come from these caches)."""
        self.pdf: bytes | None = None
        """The last PDF built in the background (`preview --pdf`), if any."""
        self.with_pdf = False

    # -- watching ----------------------------------------------------------

    def stamps(self) -> dict[str, tuple[int, int]]:
        """(size, mtime) of every file that can change the page."""
        found: dict[str, tuple[int, int]] = {}
        report = self.root / REPORT_FILE
        folders = [self.chapter_folder, *WATCHED_FOLDERS]
        for path in [report, *(p for f in folders for p in _walk(self.root / f))]:
            try:
                stat = path.stat()
            except OSError:
                continue
            found[path.relative_to(self.root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
        return found

    def refresh(self, force: bool = False) -> bool:
        """Render again if any watched file changed (or `force`); True when the page changed."""
        stamps = self.stamps()
        if stamps == self._stamps and not force:
            return False
        self._stamps = stamps
        started = time.perf_counter()
        page, findings, images = self._render()
        with self.changed:
            self.state = PreviewState(
                self.state.version + 1, page, findings, images, time.perf_counter() - started
            )
            self.changed.notify_all()
        return True

    def show_failure(self, finding: Finding) -> None:
        """A page that says what went wrong, so the preview stays up after any failure."""
        with self.changed:
            version = self.state.version + 1
            self.state = PreviewState(version, _error_page(finding, version), (finding,))
            self.changed.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        """Block until the state's version is past `seen` (or `timeout`); the version then."""
        with self.changed:
            self.changed.wait_for(lambda: self.state.version > seen, timeout)
            return self.state.version

    # -- serving -----------------------------------------------------------

    def response(self, path: str) -> Response | None:
        """What the server sends for `path`; None (404) for anything but the page and its parts."""
        state = self.state
        if path in ("/", "/index.html"):
            return Response(state.page.encode("utf-8"), "text/html; charset=utf-8")
        if path == VERSION_PATH:
            status = {"version": state.version, "findings": [f.as_json() for f in state.findings]}
            return Response(json.dumps(status).encode("utf-8"), "application/json")
        if path == PDF_PATH:
            pdf = self.pdf
            return Response(pdf, "application/pdf") if pdf is not None else None
        for prefix, lookup in (
            (STATIC_PREFIX, static_file),
            (CJK_PREFIX, _cjk_font),
            (FILE_PREFIX, state.images.get),
        ):
            if path.startswith(prefix):
                name = normalize(path[len(prefix) :])
                data = lookup(name) if name else None
                if data is None:
                    return None
                kind = mimetypes.guess_type(name or "")[0] or "application/octet-stream"
                return Response(data, kind)
        return None

    # -- rendering ---------------------------------------------------------

    def _render(self) -> tuple[str, tuple[Finding, ...], dict[str, bytes]]:
        files = self.store.worktree_source()
        snapshot = Snapshot(self.info, files)
        try:
            settings = settings_of(files, str(self.root))
        except GapAnalysisError as exc:
            finding = Finding(REPORT_FILE, 0, "report", exc.message, Severity.ERROR)
            return _error_page(finding, self.state.version + 1), (finding,), {}
        self.chapter_folder = settings.chapter_folder.strip("/") or "chapters"
        checked = context(snapshot, settings, self._parsing)
        findings = tuple(check_context(checked).findings)
        rendered, images, problems, paths = self._chapters_of(settings, checked.chapters)
        findings += tuple(problems)
        warnings: list[Finding] = []
        gaps = unique_gaps(rendered, warnings)
        document = document_of(settings, self.info, tuple(rendered), gaps, BuildExtras(), None, {})
        from gap_analysis.render import to_html

        page = _for_screen(
            to_html(document), findings, self.state.version + 1, paths, self.with_pdf
        )
        return page, findings, images

    def _chapters_of(
        self, settings: ReportSettings, chapter_files: list[ChapterFile]
    ) -> tuple[list[RenderedChapter], dict[str, bytes], list[Finding], dict[str, str]]:
        """The chapters rendered (again only where their bytes changed), their images, the
        renderer's problems, and which file each chapter id comes from."""
        from gap_analysis.markdown.html import render_chapter
        from gap_analysis.model.numbering import number_report

        source = self.store.worktree_source()
        readable = [c.chapter for c in chapter_files if c.chapter is not None]
        paths = {chapter.path: chapter.id for chapter in readable}
        pattern = settings.gap_id_pattern
        numbering = number_report(self._parsing.structure(c, pattern) for c in readable)
        settings_key = (repr(settings), numbering.key)
        rendered: list[RenderedChapter] = []
        images: dict[str, bytes] = {}
        problems: list[Finding] = []
        kept: dict[tuple[object, ...], RenderedChapter] = {}
        ids: dict[str, str] = {}
        for item in chapter_files:
            if item.chapter is None:
                rendered.append(_unreadable(item.path, item.number, item.findings))
                ids[rendered[-1].id] = item.path
                continue
            ids[item.chapter.id] = item.path
            chapter = item.chapter
            key = (chapter, tuple(sorted(paths.items())), settings_key)
            done = self._chapters.get(key)
            if done is None:
                try:
                    done = render_chapter(
                        chapter,
                        paths,
                        pattern,
                        source_lines=True,
                        numbering=numbering,
                        words=settings.words,
                    )
                except GapAnalysisError as exc:
                    problem = Finding(exc.path or item.path, exc.line or 0, "chapter", exc.message)
                    done = _unreadable(item.path, item.number, (problem,))
            kept[key] = done
            rendered.append(done)
            for ref in done.images:
                if ref.path and ref.path not in images:
                    with contextlib.suppress(KeyError, GapAnalysisError):  # `check` names it
                        images[ref.path] = source.read(ref.path)
            problems += [
                Finding(path, line, "content", message, Severity.WARNING)
                for path, line, message in done.problems
            ]
        self._chapters = kept
        return rendered, images, problems, ids


def _cjk_font(name: str) -> bytes | None:
    found = cjk_font_files().get(name)
    return found.read_bytes() if found is not None else None


def _walk(folder: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out += [Path(dirpath) / name for name in sorted(filenames) if not name.startswith(".")]
    return out


def _unreadable(path: str, number: str, findings: tuple[Finding, ...]) -> RenderedChapter:
    """A chapter that could not be read, shown as its error in place."""
    chapter_id = "unreadable-" + hashlib.sha1(path.encode()).hexdigest()[:8]
    messages = "".join(f"<li>{html.escape(str(f))}</li>" for f in findings)
    body = (
        f'<h1 id="{chapter_id}" class="numbered"><span class="number">{html.escape(number)}'
        f"</span> {html.escape(path)}</h1>"
        f'<div class="preview-error"><p>This chapter could not be read:</p><ul>{messages}</ul></div>'
    )
    return RenderedChapter(chapter_id, number, path, False, body)


def _error_page(finding: Finding, version: int = 0) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Preview</title>'
        f'<link rel="stylesheet" href="{STATIC_PREFIX}preview.css"></head><body>'
        f'<div class="preview-banner preview-errors" data-version="{version}">'
        f"<p>{html.escape(str(finding))}</p></div>"
        f'<script src="{STATIC_PREFIX}preview.js"></script></body></html>'
    )


_BLOCK_LINE = re.compile(r'<[a-z0-9]+ [^>]*data-line="(\d+)"')


def _for_screen(
    page: str, findings: tuple[Finding, ...], version: int, paths: dict[str, str], pdf: bool
) -> str:
    """The build's HTML pointed at this server, with the banner, the findings and the reload script."""
    page = (
        page.replace(SNAPSHOT_BASE, FILE_PREFIX)
        .replace(STATIC_BASE, STATIC_PREFIX)
        .replace(CJK_FONT_BASE, CJK_PREFIX)
    )
    page = _place_findings(page, findings, paths)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    items = "".join(f'<li class="{f.severity.value}">{html.escape(str(f))}</li>' for f in findings)
    summary = (
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
        if findings
        else "no findings"
    )
    pdf_link = f' <a href="{PDF_PATH}">PDF</a> (rebuilt after each save)' if pdf else ""
    banner = (
        f'<div class="preview-banner{" preview-errors" if errors else ""}" '
        f'data-version="{version}"><p><strong>Live preview</strong> of the working tree: '
        f"{summary}.{pdf_link}</p>"
        f"{'<ul>' + items + '</ul>' if items else ''}</div>"
    )
    head = f'<link rel="stylesheet" href="{STATIC_PREFIX}preview.css">\n</head>'
    page = page.replace("</head>", head, 1)
    page = re.sub(r"<body>", "<body>\n" + banner, page, count=1)
    return page.replace("</body>", f'<script src="{STATIC_PREFIX}preview.js"></script>\n</body>', 1)


def _place_findings(page: str, findings: tuple[Finding, ...], paths: dict[str, str]) -> str:
    """Each finding with a line, as a note just before the block of its chapter that holds it.

    `paths` maps chapter ids (the ids of the page's chapter sections) to their files.
    """
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.line > 0:
            by_path.setdefault(finding.path, []).append(finding)
    inserts: list[tuple[int, str]] = []
    sections = list(re.finditer(r'<section class="chapter[^"]*" id="([^"]+)"', page))
    for index, section in enumerate(sections):
        items = by_path.get(paths.get(section.group(1), ""), [])
        end = sections[index + 1].start() if index + 1 < len(sections) else len(page)
        blocks = [
            (int(m.group(1)), m.start()) for m in _BLOCK_LINE.finditer(page, section.end(), end)
        ]
        for finding in items:
            before = [at for line, at in blocks if line <= finding.line]
            at = before[-1] if before else (blocks[0][1] if blocks else section.end() + 1)
            note = (
                f'<aside class="preview-finding {finding.severity.value}">'
                f"{html.escape(str(finding))}</aside>"
            )
            inserts.append((at, note))
    for at, note in sorted(inserts, key=lambda item: item[0], reverse=True):
        page = page[:at] + note + page[at:]
    return page
