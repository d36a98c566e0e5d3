"""`build`: a snapshot -> a reproducible, cached PDF.

The flow: read the snapshot (every file read is recorded), render each chapter
to HTML, read the images the chapters name, assemble the document model, and
hash all of it into a cache key. A key already in `dist/.cache/` is a copy;
otherwise WeasyPrint lays the document out. The output is written to a temp
file beside its target and moved into place, so a failed build leaves nothing
at the output path.

Other use cases add to a build through `BuildExtras` (the version's standing,
history, extra annexes, overrides); everything in it is part of the cache key.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gap_analysis import __version__
from gap_analysis.atomic_files import check_target, copy_atomic, write_atomic
from gap_analysis.config import REPORT_FILE, settings_of
from gap_analysis.errors import GapAnalysisError, RenderError, option
from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import VARIANTS, BuildExtras, RenderedChapter
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.gap import Gap, first_of_each_id
from gap_analysis.model.images import image_problem
from gap_analysis.model.progress import NO_PROGRESS, Progress
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import FileSource, SnapshotInfo
from gap_analysis.services.build.cache import (
    CACHE_FOLDER,
    BuildCache,
    RecordingSource,
    content_key,
    context_key,
)
from gap_analysis.services.build.parallel import PARTS_FOLDER, lay_out, layout_key, warm_up
from gap_analysis.services.output import default_output, guard_output, prepare_output
from gap_analysis.services.snapshots import snapshot, where

if TYPE_CHECKING:
    from gap_analysis.render import Document

__all__ = ["VARIANTS", "BuildExtras", "BuildResult", "build_html", "build_pdf", "default_output"]


@dataclass(frozen=True)
class BuildResult:
    path: Path | None
    """The PDF written (None when only HTML was asked for)."""
    pages: int
    cached: bool
    key: str
    info: SnapshotInfo
    warnings: tuple[Finding, ...] = ()
    html_path: Path | None = None


@dataclass
class _Prepared:
    info: SnapshotInfo
    settings: ReportSettings
    document: Document
    html: str
    images: dict[str, bytes]
    warnings: list[Finding] = field(default_factory=list)
    key: str = ""


def build_pdf(
    store: GitStore,
    rev: str | None,
    output: Path | None = None,
    variant: str | None = None,
    extras: BuildExtras | None = None,
    *,
    strict: bool = False,
    use_cache: bool = True,
    html_output: Path | None = None,
    progress: Progress = NO_PROGRESS,
    force: bool = False,
    jobs: int = 1,
) -> BuildResult:
    """Build the PDF of `rev` (None: the working tree) and return where it went.

    `jobs` > 1 lays the parts out in that many processes (`services.build.parallel`),
    when the document allows it; the PDF then has the serial build's pages, text,
    links, outline and metadata, and bytes of its own (the same on every run).

    With `strict`, any refused reference or unusable content fails the build
    (`RenderError`) before anything is written. A named `output` or
    `html_output` is judged first (`services.output`): never inside `.git/`,
    and not over a tracked file of the report unless `force`.
    """
    for named in (output, html_output):
        if named is not None:
            guard_output(store, named, force=force)
    if variant is not None and variant not in VARIANTS:
        raise RenderError(f"unknown PDF variant '{variant}' (known: {', '.join(VARIANTS)})")
    extras = extras or BuildExtras()
    snap = snapshot(store, rev)
    cache = BuildCache(store.root / CACHE_FOLDER)
    layout = layout_key(jobs, variant)
    context = context_key(snap.info, variant, extras, layout)
    if use_cache and html_output is None:
        served = _serve_cached(store.root, cache, context, snap.files, output, strict, snap.info)
        if served is not None:
            return served
    warm_up(jobs, variant)  # the workers' forkserver imports WeasyPrint meanwhile
    files = RecordingSource(snap.files)
    prepared = _prepare(store.root, snap.info, files, variant, extras, layout)
    target = (
        output
        if output is not None
        else default_output(store.root, prepared.settings, prepared.info, extras.file_tag)
    )
    check_target(target, create_folder=output is None)
    if html_output is not None:
        check_target(html_output)
    _refuse_if_strict(prepared.warnings, strict)
    if html_output is not None:
        write_atomic(html_output, prepared.html.encode("utf-8"))
    hit = cache.get(prepared.key) if use_cache else None
    if hit is not None:
        pdf_path, pages, warnings = hit
        copy_atomic(pdf_path, target)
        cache.save_trace(context, files, prepared.key, target.name if output is None else "")
        return BuildResult(target, pages, True, prepared.key, prepared.info, warnings, html_output)
    progress.phase(f"laying out {len(prepared.document.chapters)} chapters", 0)
    output_pdf = lay_out(
        prepared.document,
        prepared.html,
        prepared.images,
        variant,
        jobs,
        store.root / PARTS_FOLDER if use_cache else None,
        laid_out_pages=lambda pages: progress.phase(f"writing {pages} pages", 0),
    )
    all_warnings = list(prepared.warnings)
    refs = {ref.path: ref for ch in prepared.document.chapters for ref in ch.images if ref.path}
    for refused in output_pdf.refused:
        if refused.path in refs and refused.path not in prepared.images:
            continue  # named with its file and line when the images were read
        all_warnings.append(
            Finding(
                refused.path or "(document)",
                0,
                "refused-reference",
                f"'{refused.url}' refused: {refused.reason}",
                Severity.WARNING,
            )
        )
    refused_paths = {refused.path for refused in output_pdf.refused}
    for path, reason in output_pdf.failed_images:
        if path in refused_paths:
            continue
        ref = refs.get(path)
        all_warnings.append(
            Finding(
                ref.file if ref else path,
                ref.line if ref else 0,
                "image-failed",
                f"image '{ref.target if ref else path}' left out of the PDF: {reason}",
                Severity.WARNING,
            )
        )
    _refuse_if_strict(all_warnings, strict)
    write_atomic(target, output_pdf.pdf)
    if use_cache:
        cache.put(prepared.key, output_pdf.pdf, output_pdf.pages, all_warnings)
        cache.save_trace(context, files, prepared.key, target.name if output is None else "")
    return BuildResult(
        target,
        output_pdf.pages,
        False,
        prepared.key,
        prepared.info,
        tuple(all_warnings),
        html_output,
    )


def build_html(
    store: GitStore,
    rev: str | None,
    output: Path,
    extras: BuildExtras | None = None,
    *,
    force: bool = False,
) -> Path:
    """Only the assembled HTML (for debugging, and for comparing with plain WeasyPrint)."""
    prepare_output(store, output, force=force)
    snap = snapshot(store, rev)
    prepared = _prepare(
        store.root, snap.info, RecordingSource(snap.files), None, extras or BuildExtras()
    )
    write_atomic(output, prepared.html.encode("utf-8"))
    return output


# -- preparing the document ----------------------------------------------------


def _prepare(
    root: Path,
    info: SnapshotInfo,
    files: RecordingSource,
    variant: str | None,
    extras: BuildExtras,
    layout: str = "serial",
) -> _Prepared:
    # Markdown, YAML and the document model are loaded only when a cache miss needs them.
    from gap_analysis.markdown.chapters import read_report
    from gap_analysis.markdown.engine import parse
    from gap_analysis.markdown.html import render_chapter
    from gap_analysis.markdown.numbering import report_numbering
    from gap_analysis.render import to_html
    from gap_analysis.services.build.glyphs import missing_glyphs

    settings = settings_of(files, where(root, info))
    report = read_report(files, settings)
    paths = {chapter.path: chapter.id for chapter in report.chapters}
    refused_files = [
        path for path in files.refused(settings.chapter_folder.strip("/")) if path.endswith(".md")
    ]
    words = settings.words
    pattern = settings.gap_id_pattern
    parsed = [parse(chapter.body, chapter.number, pattern) for chapter in report.chapters]
    numbering = report_numbering(report.chapters, pattern, [tokens for tokens, _env in parsed])
    rendered = [
        render_chapter(chapter, paths, pattern, numbering=numbering, words=words, parsed=one)
        for chapter, one in zip(report.chapters, parsed, strict=True)
    ]
    if extras.chapter_html or extras.only_chapters is not None:
        rendered = _redlined(rendered, extras)
    warnings = [
        Finding(
            path,
            0,
            "refused-reference",
            "left out: not a regular file inside the repository "
            "(a symlink leading out of it, a FIFO or a device)",
            Severity.WARNING,
        )
        for path in sorted(set(refused_files))
    ]
    warnings += [
        Finding(path, line, "content", message, Severity.WARNING)
        for chapter in rendered
        for path, line, message in chapter.problems
    ]
    warnings += missing_glyphs(report.chapters)
    warnings += extras.warnings
    gaps = unique_gaps(rendered, warnings)
    images = _read_images(files, rendered, warnings)
    images.update(extras.files)
    document = document_of(settings, info, tuple(rendered), gaps, extras, variant, files.read_files)
    html = to_html(document)
    prepared = _Prepared(info, settings, document, html, images, warnings)
    prepared.key = content_key(
        prepared.html, prepared.info, files.read_files, prepared.warnings, variant, extras, layout
    )
    return prepared


def _redlined(rendered: list[RenderedChapter], extras: BuildExtras) -> list[RenderedChapter]:
    """Chapters with their bodies replaced by redlines; contents entries kept where the id still exists."""
    bodies = dict(extras.chapter_html)
    out = []
    for chapter in rendered:
        if extras.only_chapters is not None and chapter.id not in extras.only_chapters:
            continue
        html = bodies.get(chapter.id)
        if html is not None:
            toc = tuple(t for t in chapter.toc if f'id="{t.anchor}"' in html)
            chapter = dataclasses.replace(chapter, html=html, toc=toc)
        out.append(chapter)
    return out


def unique_gaps(rendered: list[RenderedChapter], warnings: list[Finding]) -> tuple[Gap, ...]:
    """The first entry of each gap id; a repeat is a warning (the build goes on)."""
    gaps, duplicates = first_of_each_id((g for c in rendered for g in c.gaps), Severity.WARNING)
    warnings += duplicates
    return gaps


def _read_images(
    files: RecordingSource, rendered: list[RenderedChapter], warnings: list[Finding]
) -> dict[str, bytes]:
    """The bytes of every image the chapters name; the fetcher serves only these."""
    images: dict[str, bytes] = {}
    for chapter in rendered:
        for ref in chapter.images:
            if not ref.path or ref.path in images:
                continue
            try:
                data = files.read(ref.path)
                problem = image_problem(data)
                if problem is None:
                    images[ref.path] = data
                else:
                    warnings.append(
                        Finding(
                            ref.file,
                            ref.line,
                            "refused-reference",
                            f"image '{ref.target}' refused: {problem}",
                            Severity.WARNING,
                        )
                    )
            except KeyError:
                warnings.append(
                    Finding(
                        ref.file,
                        ref.line,
                        "refused-reference",
                        f"image '{ref.target}' refused: not a regular file inside the "
                        "repository at this revision",
                        Severity.WARNING,
                    )
                )
            except GapAnalysisError as exc:
                warnings.append(
                    Finding(
                        ref.file,
                        ref.line,
                        "refused-reference",
                        f"image '{ref.target}' refused: {exc.message}",
                        Severity.WARNING,
                    )
                )
    return images


def _date(info: SnapshotInfo) -> str:
    return f"{info.date.day} {info.date:%B %Y}"


def document_of(
    settings: ReportSettings,
    info: SnapshotInfo,
    chapters: tuple[RenderedChapter, ...],
    gaps: tuple[Gap, ...],
    extras: BuildExtras,
    variant: str | None,
    read_files: dict[str, bytes],
) -> Document:
    from gap_analysis.render import Attachment, Cover, Document, Metadata

    document_number = extras.document or settings.document
    meeting = extras.meeting or settings.meeting
    editors = settings.editors
    state = extras.state or "draft"
    cover = Cover(
        title=settings.title,
        group=settings.group,
        label=info.label,
        date=_date(info),
        document=document_number,
        meeting=meeting,
        status=extras.cover_status,
        study_period=settings.study_period,
        questions=settings.questions,
        abstract=settings.abstract,
        keywords=settings.keywords,
        editors=editors,
        labels=tuple(sorted(extras.labels.items())),
        review_path_svg=extras.review_path_svg,
    )
    metadata = Metadata(
        title=settings.title,
        authors=tuple(person.name for person in editors),
        subject=f"{info.label}; state: {state}",
        keywords=settings.keywords,
        creator=f"gap-analysis {__version__}",
        date=info.date,
        custom=(("commit", info.commit or "none"), ("version", info.label)),
    )
    attachments: tuple[Attachment, ...] = ()
    if variant == "pdf/a-3u":
        sources = [
            REPORT_FILE,
            *(path for path in read_files if path != REPORT_FILE and path.endswith(".md")),
        ]
        attachments = tuple(
            Attachment(path, read_files[path], f"Markdown source {path}") for path in sources
        )
    watermark = settings.watermark if extras.watermark is None else extras.watermark
    return Document(
        language=settings.language or "en",
        words=settings.words,
        running_title=settings.running_title,
        running_label=info.label,
        footer=document_number or settings.group,
        cover=cover,
        metadata=metadata,
        chapters=chapters,
        gaps=gaps,
        history=extras.history,
        annexes=extras.annexes,
        watermark=watermark,
        before_html=extras.body_html_before,
        attachments=attachments,
    )


def _serve_cached(
    root: Path,
    cache: BuildCache,
    context: str,
    files: FileSource,
    output: Path | None,
    strict: bool,
    info: SnapshotInfo,
) -> BuildResult | None:
    """The cached PDF, when the last build with these options read exactly what the snapshot holds now."""
    traced = cache.traced(context, files, immutable=not info.is_worktree)
    if traced is None:
        return None
    key, name = traced
    if output is None and not name:
        return None
    hit = cache.get(key)
    if hit is None:
        return None
    pdf_path, pages, warnings = hit
    target = output if output is not None else root / "dist" / name
    check_target(target, create_folder=output is None)
    _refuse_if_strict(warnings, strict)
    copy_atomic(pdf_path, target)
    return BuildResult(target, pages, True, key, info, warnings)


def _refuse_if_strict(warnings: list[Finding] | tuple[Finding, ...], strict: bool) -> None:
    if strict and warnings:
        first = warnings[0]
        more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
        raise RenderError(f"{option('strict')}: {first}{more}")
