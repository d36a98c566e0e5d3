"""The `diff` use case: load two snapshots, parse their chapters, run the diff engine.

Parsing happens here (the engine is pure): each distinct chapter body is
parsed once, so an unchanged chapter hands the engine the same structure
object twice and costs nothing to compare. Gap entries are read field by
field through the gap parser, passed to the engine as a function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gap_analysis.diff import diff_reports
from gap_analysis.diff.blocks import GapFields
from gap_analysis.errors import ContentError, GapAnalysisError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.gaps import parse_gap
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.diff import DiffResult, SnapshotRef
from gap_analysis.model.structure import Block, ChapterStructure
from gap_analysis.services.snapshots import Loaded, load


@dataclass(frozen=True)
class DiffOutcome:
    result: DiffResult
    old: Loaded
    new: Loaded
    old_structures: tuple[ChapterStructure, ...]
    new_structures: tuple[ChapterStructure, ...]


class StructureCache:
    """Chapter -> structure, parsed once per distinct chapter (same body, number and place)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, str, str, int, str], ChapterStructure] = {}

    def get(self, chapter: Chapter, label: str) -> ChapterStructure:
        key = (
            chapter.id,
            chapter.path,
            chapter.number,
            chapter.title,
            chapter.body_line,
            chapter.body,
        )
        cached = self._seen.get(key)
        if cached is None:
            try:
                cached = chapter_structure(chapter)
            except GapAnalysisError:
                raise
            except Exception as exc:  # noqa: BLE001 - a parser failure must name the chapter
                raise ContentError(
                    f"cannot parse chapter ({label}): {exc}",
                    path=chapter.path,
                    line=chapter.body_line,
                ) from None
            self._seen[key] = cached
        return cached


def load_side(store: GitStore, rev: str | None, side: str) -> Loaded:
    """A snapshot; a chapter that fails to read names the side it is on, with file and line."""
    try:
        return load(store, rev)
    except ContentError as exc:
        where = f"{side} snapshot {rev}" if rev else f"{side} snapshot (working tree)"
        raise ContentError(
            f"{exc.message} (in the {where})", path=exc.path, line=exc.line
        ) from None


def ref_of(loaded: Loaded, rev: str | None) -> SnapshotRef:
    info = loaded.snapshot.info
    return SnapshotRef(rev or "", info.commit, info.label, info.version or "")


def gap_fields_for(pattern: str) -> GapFields:
    def fields(block: Block) -> Mapping[str, str] | None:
        gap, _findings = parse_gap(block.text, "", block.line, pattern)
        return gap.fields() if gap is not None else None

    return fields


def diff_loaded(
    old: Loaded, new: Loaded, old_rev: str | None, new_rev: str | None, chapter: str | None = None
) -> DiffOutcome:
    cache = StructureCache()
    old_structures = tuple(cache.get(c, "old") for c in old.report.chapters)
    new_structures = tuple(cache.get(c, "new") for c in new.report.chapters)
    if chapter is not None:
        ids = {s.chapter_id for s in (*old_structures, *new_structures)}
        if chapter not in ids:
            known = ", ".join(sorted(ids)) or "none"
            raise GapAnalysisError(f"no chapter '{chapter}' in either snapshot (chapters: {known})")
        old_structures = tuple(s for s in old_structures if s.chapter_id == chapter)
        new_structures = tuple(s for s in new_structures if s.chapter_id == chapter)
    result = diff_reports(
        old_structures,
        new_structures,
        ref_of(old, old_rev),
        ref_of(new, new_rev),
        gap_fields_for(new.settings.gap_id_pattern),
    )
    return DiffOutcome(result, old, new, old_structures, new_structures)


def diff(
    store: GitStore, old_rev: str, new_rev: str | None = None, chapter: str | None = None
) -> DiffOutcome:
    """What changed from `old_rev` to `new_rev` (None: the working tree)."""
    old = load_side(store, old_rev, "old")
    new = load_side(store, new_rev, "new")
    return diff_loaded(old, new, old_rev, new_rev, chapter)
