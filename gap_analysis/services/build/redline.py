"""The redline PDF: the newer snapshot laid out by the build service, each chapter's body
replaced by its redline (insertions, deletions, change bars).

`diff OLD NEW --format pdf` and `build NEW --redline-against OLD` both come
here, so they give the same PDF.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from gap_analysis.diff.formats import side_label
from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras
from gap_analysis.model.diff import ChapterChangeKind
from gap_analysis.render.redline_chapter import chapter_redline, legend
from gap_analysis.services.build.pdf import BuildResult, build_pdf, default_output
from gap_analysis.services.diff import DiffOutcome, diff
from gap_analysis.services.review.standing import extras_for

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def redline_extras(
    outcome: DiffOutcome, old_rev: str, *, changed_only: bool = False
) -> BuildExtras:
    """What the build needs to lay out the redline of `outcome` (the newer side)."""
    structures = {s.chapter_id: s for s in outcome.new_structures}
    bodies = []
    changed = []
    removed = []
    for chapter in outcome.result.chapters:
        if chapter.status is ChapterChangeKind.REMOVED:
            removed.append(f"{chapter.number} {chapter.title}")
            continue
        structure = structures.get(chapter.id)
        if structure is None:
            continue
        if chapter.status is not ChapterChangeKind.UNCHANGED:
            changed.append(chapter.id)
        if chapter.status is not ChapterChangeKind.UNCHANGED or not changed_only:
            bodies.append(
                (chapter.id, chapter_redline(structure, chapter, changed_only=changed_only))
            )
    against = side_label(outcome.result.old)  # `@published (v0.2, 68c18fcb64)`
    return BuildExtras(
        body_html_before=legend(against, removed),
        chapter_html=tuple(bodies),
        only_chapters=tuple(changed) if changed_only else None,
        labels={"Redline against": against},
    )


def redline_output(store: GitStore, outcome: DiffOutcome, old_rev: str) -> Path:
    """`dist/<the build's name>-redline-<old>.pdf`."""
    plain = default_output(store.root, outcome.new.settings, outcome.new.snapshot.info)
    return plain.with_name(f"{plain.stem}-redline-{_UNSAFE.sub('-', old_rev).strip('-')}.pdf")


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
) -> BuildResult:
    """Build the redline PDF of `new_rev` (None: the working tree) against `old_rev`.

    A version keeps its standing (cover, history, watermark) as in its own PDF.
    """
    outcome = diff(store, old_rev, new_rev, chapter)
    redline = redline_extras(outcome, old_rev, changed_only=changed_only)
    base = extras_for(store, outcome.new.snapshot.info.version) or BuildExtras()
    extras = replace(
        base,
        body_html_before=redline.body_html_before,
        chapter_html=redline.chapter_html,
        only_chapters=(chapter,) if chapter is not None else redline.only_chapters,
        labels={**base.labels, **redline.labels},
    )
    if output is None:
        output = redline_output(store, outcome, old_rev)
        output.parent.mkdir(parents=True, exist_ok=True)
    return build_pdf(store, new_rev, output, variant, extras, strict=strict, use_cache=use_cache)
