"""`build --format docx`: a snapshot -> a Word document, from the same parse as the PDF.

Chapters go through `markdown.flow` (the HTML renderer's tokens and rules as
blocks) and `docx.writer`; the cover's facts come from `report.toml` and the
version's standing (`BuildExtras`), as the PDF's do. Cached as the PDF is
(`services.build.cache`: the trace of what the build read, a key of all it
depends on), under the variant `docx`: an unchanged rebuild is a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gap_analysis import __version__
from gap_analysis.atomic_files import check_target, write_atomic
from gap_analysis.config import settings_of
from gap_analysis.errors import GapAnalysisError, RenderError, option
from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.flow import FlowChapter, FlowDocument
from gap_analysis.model.gap import Gap, first_of_each_id
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import FileSource, SnapshotInfo
from gap_analysis.services.output import default_output
from gap_analysis.services.snapshots import snapshot, where


@dataclass(frozen=True)
class DocxResult:
    path: Path
    info: SnapshotInfo
    warnings: tuple[Finding, ...] = ()
    cached: bool = False


def flow_document(
    files: FileSource, settings: ReportSettings, info: SnapshotInfo, extras: BuildExtras
) -> tuple[FlowDocument, list[Finding]]:
    """The report at a snapshot as flow blocks with its cover facts, and what could not be used."""
    from gap_analysis.markdown.chapters import read_report
    from gap_analysis.markdown.flow import flow_report

    report = read_report(files, settings)
    chapters = flow_report(report.chapters, settings.gap_id_pattern, settings.words)
    warnings = [
        Finding(path, line, "content", message, Severity.WARNING)
        for chapter in chapters
        for path, line, message in chapter.problems
    ]
    labels = dict(extras.labels)
    flow = FlowDocument(
        title=settings.title,
        group=settings.group,
        label=info.label,
        date=info.date,
        commit=info.commit or "none",
        chapters=chapters,
        gaps=_unique_gaps(chapters),
        document=extras.document or settings.document,
        meeting=extras.meeting or settings.meeting,
        study_period=settings.study_period,
        questions=settings.questions,
        purpose=labels.get("Purpose", ""),
        status=extras.cover_status,
        abstract=settings.abstract,
        keywords=settings.keywords,
        editors=settings.editors,
        language=settings.language or "en",
        words=settings.words,
        subject=f"{info.label}; state: {extras.state or 'draft'}",
        creator=f"gap-analysis {__version__}",
        labels=tuple(sorted(labels.items())),
        history=extras.history,
        annexes=extras.annexes,
    )
    return flow, warnings


def _unique_gaps(chapters: tuple[FlowChapter, ...]) -> tuple[Gap, ...]:
    """The first entry of each gap id (the PDF build warns about repeats)."""
    return first_of_each_id(g for chapter in chapters for g in chapter.gaps)[0]


def image_reader(files: FileSource) -> Callable[[str], bytes | None]:
    """Image bytes from the snapshot (None when it does not serve the path)."""

    def image(path: str) -> bytes | None:
        try:
            return files.read(path)
        except (KeyError, GapAnalysisError):
            return None

    return image


def image_warnings(flow: FlowDocument, missing: list[str]) -> list[Finding]:
    """A warning for each image the writer could not embed, at the line that names it."""
    origin = {ref.path: ref for chapter in flow.chapters for ref in chapter.images if ref.path}
    warnings = []
    for path in dict.fromkeys(missing):
        ref = origin.get(path)
        warnings.append(
            Finding(
                ref.file if ref else path,
                ref.line if ref else 0,
                "refused-reference",
                f"image '{ref.target if ref else path}' left out: not a readable PNG, JPEG, "
                "GIF, BMP or TIFF file of the report at this revision",
                Severity.WARNING,
            )
        )
    return warnings


def docx_bytes(
    files: FileSource, settings: ReportSettings, info: SnapshotInfo, extras: BuildExtras
) -> tuple[bytes, list[Finding]]:
    """The DOCX of a snapshot and its warnings (refused references, images left out)."""
    from gap_analysis.docx.writer import write_docx

    flow, warnings = flow_document(files, settings, info, extras)
    data, missing = write_docx(flow, image_reader(files))
    return data, warnings + image_warnings(flow, missing)


def build_docx(
    store: GitStore,
    rev: str | None,
    output: Path | None = None,
    extras: BuildExtras | None = None,
    *,
    strict: bool = False,
    use_cache: bool = True,
    info: SnapshotInfo | None = None,
) -> DocxResult:
    """Write the DOCX of `rev` (None: the working tree); nothing is written when `strict` fails.

    `info`: `rev` already resolved by the caller (`services.snapshots.snapshot`).
    """
    from gap_analysis.services.build.cache import (
        CACHE_FOLDER,
        DOCX_VARIANT,
        BuildCache,
        RecordingSource,
        content_key,
        context_key,
    )

    extras = extras or BuildExtras()
    snap = snapshot(store, rev, info)
    cache = BuildCache(store.root / CACHE_FOLDER)
    context = context_key(snap.info, DOCX_VARIANT, extras)
    traced = cache.traced(context, snap.files, immutable=not snap.info.is_worktree)
    if use_cache and traced is not None and (output is not None or traced[1]):
        hit = cache.get(traced[0], ".docx")
        if hit is not None:
            stored, _pages, known = hit
            target = output or store.root / "dist" / traced[1]
            _write(target, stored.read_bytes(), list(known), strict, create=output is None)
            return DocxResult(target, snap.info, known, cached=True)
    files = RecordingSource(snap.files)
    settings = settings_of(files, where(store.root, snap.info))
    data, warnings = docx_bytes(files, settings, snap.info, extras)
    target = output or default_output(store.root, settings, snap.info).with_suffix(".docx")
    _write(target, data, warnings, strict, create=output is None)
    if use_cache:
        key = content_key("", snap.info, files.read_files, warnings, DOCX_VARIANT, extras)
        cache.put(key, data, 0, warnings, ".docx")
        cache.save_trace(context, files, key, target.name if output is None else "")
    return DocxResult(target, snap.info, tuple(warnings))


def _write(target: Path, data: bytes, warnings: list[Finding], strict: bool, create: bool) -> None:
    check_target(target, create_folder=create)
    if strict and warnings:
        more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
        raise RenderError(f"{option('strict')}: {warnings[0]}{more}")
    write_atomic(target, data)
