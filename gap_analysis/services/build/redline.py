"""Redlines: the newer snapshot rendered by the build's own renderer, with the diff's marks.

Every redline comes from `redline_parts`: `diff --format pdf` and `build
--redline-against` (the PDF, through the build with each chapter's body
replaced), `diff --format html` (a standalone page), the packet's redline
annex and the site's change pages. So they all draw the report the way
`build` does, and they cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from urllib.parse import quote

from gap_analysis.errors import GapAnalysisError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.html import render_chapter
from gap_analysis.markdown.numbering import report_numbering
from gap_analysis.markdown.redline import render_redline
from gap_analysis.markdown.redline_old import OLD_IMAGES, OldChapter, capture_old
from gap_analysis.model.build import BuildExtras
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.diff import ChapterChangeKind, ChapterDiff
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.numbering import Numbering
from gap_analysis.model.redline import ChapterMarks
from gap_analysis.render.redline_html import legend_html, redline_page, removed_chapter_html
from gap_analysis.services.build.pdf import BuildResult, build_pdf, default_output
from gap_analysis.services.build.redline_old import redline_diff
from gap_analysis.services.diff import DiffOutcome
from gap_analysis.services.output import guard_output
from gap_analysis.services.review.standing import extras_for

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class RedlineParts:
    """What every redline output is made of."""

    bodies: list[tuple[str, str]] = field(default_factory=list)
    """(chapter id, redline HTML of its body), in the newer report's order."""
    changed: list[str] = field(default_factory=list)
    """Ids of the chapters with a change."""
    removed: list[str] = field(default_factory=list)
    """`number title` of the chapters only the older snapshot has."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Images of the older snapshot the redline shows, under `OLD_IMAGES`."""
    warnings: list[Finding] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    """Images of the older snapshot the redline would show but cannot read."""


def redline_parts(
    outcome: DiffOutcome, *, changed_only: bool = False, unreadable: Sequence[Finding] = ()
) -> RedlineParts:
    """Each chapter of the newer snapshot as redline HTML (unchanged ones left out when `changed_only`).

    `unreadable`: chapters of the older snapshot left out (see `redline_old`); the newer
    chapter at the same path says so at its start.
    """
    notes = {f.path: f for f in unreadable}
    new_chapters = {c.id: c for c in outcome.new.report.chapters}
    old_by_path = {c.path: c for c in outcome.old.report.chapters}
    new_paths = {c.path: c.id for c in outcome.new.report.chapters}
    old_paths = {c.path: c.id for c in outcome.old.report.chapters}
    pattern = outcome.new.settings.gap_id_pattern
    numbering = report_numbering(outcome.new.report.chapters, pattern)
    old_numbering = report_numbering(
        outcome.old.report.chapters, outcome.old.settings.gap_id_pattern
    )
    parts = RedlineParts(warnings=list(unreadable))
    pending_removed = ""
    for chapter_diff in outcome.result.chapters:
        old = old_by_path.get(chapter_diff.old_path)
        if chapter_diff.status is ChapterChangeKind.REMOVED:
            if old is not None:
                captured = capture_old(
                    old, old_paths, pattern, old_numbering, outcome.new.settings.words
                )
                _old_images(outcome, old, captured, parts)
                html = removed_chapter_html(
                    old.number, old.title, [leaf.html for leaf in captured.leaves]
                )
                parts.removed.append(f"{old.number} {old.title}")
                if parts.bodies:
                    chapter_id, body = parts.bodies[-1]
                    parts.bodies[-1] = (chapter_id, body + html)
                else:
                    pending_removed += html
            continue
        new = new_chapters.get(chapter_diff.id)
        if new is None:
            continue
        unchanged = chapter_diff.status is ChapterChangeKind.UNCHANGED
        if not unchanged:
            parts.changed.append(new.id)
        elif changed_only:
            continue
        body = _chapter_body(
            outcome,
            new,
            old,
            chapter_diff,
            new_paths,
            old_paths,
            parts,
            changed_only,
            (numbering, old_numbering),
        )
        if new.path in notes:
            note = f"{new.path}:{notes[new.path].line}: {notes[new.path].message}"
            body = f'<p class="rl-unreadable" data-note="{escape(note)}"></p>' + body
        parts.bodies.append((new.id, pending_removed + body))
        pending_removed = ""
    if pending_removed and parts.bodies:
        chapter_id, body = parts.bodies[-1]
        parts.bodies[-1] = (chapter_id, body + pending_removed)
    if parts.missing:
        parts.bodies = [(c, _say_missing(html, parts.missing)) for c, html in parts.bodies]
    return parts


def _chapter_body(
    outcome: DiffOutcome,
    new: Chapter,
    old: Chapter | None,
    chapter_diff: ChapterDiff,
    new_paths: dict[str, str],
    old_paths: dict[str, str],
    parts: RedlineParts,
    changed_only: bool,
    numberings: tuple[Numbering, Numbering],
) -> str:
    numbering, old_numbering = numberings
    pattern = outcome.new.settings.gap_id_pattern
    words = outcome.new.settings.words
    if chapter_diff.status is ChapterChangeKind.UNCHANGED and (
        old is None or old.number == new.number
    ):
        return render_chapter(new, new_paths, pattern, numbering=numbering, words=words).html
    captured = (
        capture_old(old, old_paths, pattern, old_numbering, words) if old is not None else None
    )
    marks = ChapterMarks.of(chapter_diff)
    rendered = render_redline(
        new,
        new_paths,
        pattern,
        marks,
        captured,
        changed_only=changed_only,
        numbering=numbering,
        words=words,
    )
    if old is not None and captured is not None:
        _old_images(outcome, old, captured, parts)
    return rendered.html


def _old_images(
    outcome: DiffOutcome, old: Chapter, captured: OldChapter, parts: RedlineParts
) -> None:
    """The older snapshot's bytes of each image its struck blocks show; a missing one is named."""
    for path, line in captured.images:
        key = OLD_IMAGES + path
        if key in parts.files or key in parts.missing:
            continue
        try:
            parts.files[key] = outcome.old.snapshot.files.read(path)
        except (KeyError, GapAnalysisError):
            parts.missing.add(key)
            parts.warnings.append(
                Finding(
                    old.path,
                    line,
                    "redline-image",
                    f"image '{path}' is not in the older snapshot; the redline says so in its place",
                    Severity.WARNING,
                )
            )


def _say_missing(html: str, missing: set[str]) -> str:
    """Each struck image the older snapshot lacks replaced by a sentence saying so."""
    for key in missing:
        path = key[len(OLD_IMAGES) :]
        html = re.sub(
            rf'<img src="{re.escape(escape(quote(key)))}"[^>]*>',
            f'<span class="image-refused">[image {escape(path)} is not in the older snapshot]</span>',
            html,
        )
    return html


def redline_extras(
    outcome: DiffOutcome,
    old_rev: str,
    *,
    changed_only: bool = False,
    variant: str | None = None,
    unreadable: Sequence[Finding] = (),
) -> BuildExtras:
    """What the build needs to lay out the redline of `outcome` (the newer side)."""
    parts = redline_parts(outcome, changed_only=changed_only, unreadable=unreadable)
    against = outcome.result.old.side_label  # `@published (v0.2, 68c18fcb64)`
    return BuildExtras(
        body_html_before=legend_html(against, parts.removed, pdf=variant or ""),
        chapter_html=tuple(parts.bodies),
        only_chapters=tuple(parts.changed) if changed_only else None,
        labels={
            "Redline against": against,
            "Marks": "inserted text underlined, deleted text struck through, "
            "a bar in the margin beside each change",
        },
        files=tuple(sorted(parts.files.items())),
        warnings=tuple(parts.warnings),
    )


def redline_output(store: GitStore, outcome: DiffOutcome, old_rev: str) -> Path:
    """`dist/<the build's name>-redline-<old>.pdf`."""
    plain = default_output(store.root, outcome.new.settings, outcome.new.snapshot.info)
    return plain.with_name(f"{plain.stem}-redline-{_UNSAFE.sub('-', old_rev).strip('-')}.pdf")


def redline_build_extras(
    store: GitStore,
    old_rev: str,
    new_rev: str | None,
    *,
    chapter: str | None = None,
    changed_only: bool = False,
    variant: str | None = None,
) -> tuple[DiffOutcome, BuildExtras]:
    """The diff and the build extras that turn a build of `new_rev` into its redline.

    A version keeps its standing (cover, history, watermark) as in its own PDF.
    """
    outcome, unreadable = redline_diff(store, old_rev, new_rev, chapter)
    redline = redline_extras(
        outcome, old_rev, changed_only=changed_only, variant=variant, unreadable=unreadable
    )
    base = extras_for(store, outcome.new.snapshot.info.version) or BuildExtras()
    extras = replace(
        redline,
        cover_status=base.cover_status,
        state=base.state,
        history=base.history,
        annexes=base.annexes,
        watermark=base.watermark,
        document=base.document,
        meeting=base.meeting,
        review_path_svg=base.review_path_svg,
        only_chapters=(chapter,) if chapter is not None else redline.only_chapters,
        labels={**base.labels, **redline.labels},
    )
    return outcome, extras


def redline_pdf(
    store: GitStore,
    old_rev: str,
    new_rev: str | None,
    output: Path | None = None,
    *,
    chapter: str | None = None,
    changed_only: bool = False,
    variant: str | None = None,
    strict: bool = False,
    use_cache: bool = True,
    html_output: Path | None = None,
    force: bool = False,
) -> BuildResult:
    """Build the redline PDF of `new_rev` (None: the working tree) against `old_rev`."""
    if output is not None:
        guard_output(store, output, force=force)  # before the work, not after
    outcome, extras = redline_build_extras(
        store, old_rev, new_rev, chapter=chapter, changed_only=changed_only, variant=variant
    )
    if output is None:
        output = redline_output(store, outcome, old_rev)
        output.parent.mkdir(parents=True, exist_ok=True)
        force = True  # the tool's own name in dist/: no user path to judge
    return build_pdf(
        store,
        new_rev,
        output,
        variant,
        extras,
        strict=strict,
        use_cache=use_cache,
        html_output=html_output,
        force=force,
    )


def redline_html_page(
    store: GitStore,
    old_rev: str,
    new_rev: str | None,
    *,
    chapter: str | None = None,
    changed_only: bool = False,
) -> tuple[DiffOutcome, str, list[Finding]]:
    """`diff --format html`: the report (or its changed chapters and sections) as a web page."""
    outcome, unreadable = redline_diff(store, old_rev, new_rev, chapter)
    parts = redline_parts(outcome, changed_only=changed_only, unreadable=unreadable)
    settings = outcome.new.settings
    page = redline_page(
        outcome.result,
        parts.bodies,
        legend_html(old_rev, parts.removed),
        language=settings.language or "en",
        title=settings.title,
    )
    return outcome, page, parts.warnings
