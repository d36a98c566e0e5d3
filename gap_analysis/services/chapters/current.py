"""The chapters of the working tree as the chapter commands see them: all readable, in order."""

from __future__ import annotations

from dataclasses import dataclass

from gap_analysis.config import REPORT_FILE, chapter_folder, settings_of
from gap_analysis.errors import ContentError, RefusedError, UsageError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.chapters import CHAPTER_ID, duplicate_ids
from gap_analysis.markdown.frontmatter import decode_text
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.finding import Severity
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.wording import did_you_mean
from gap_analysis.services.check.chapters import read_chapter_files


@dataclass(frozen=True)
class Chapters:
    settings: ReportSettings
    folder: str
    chapters: tuple[Chapter, ...]
    """In report order: the body, then the annexes."""
    texts: dict[str, str]
    """Path -> the file's text (LF line ends)."""
    settings_text: str

    def find(self, chapter_id: str) -> Chapter:
        """The chapter with id `chapter_id` (validated before use), or a refusal naming the ids."""
        if not CHAPTER_ID.fullmatch(chapter_id):
            raise UsageError(
                f"'{chapter_id}' is not a chapter id (lowercase letters, digits and hyphens; "
                "see 'gap-analysis chapter list')"
            )
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        ids = [c.id for c in self.chapters]
        raise RefusedError(
            f"no chapter '{chapter_id}'{did_you_mean(chapter_id, ids)} (see 'gap-analysis chapter list')"
        )


def read_chapters(store: GitStore) -> Chapters:
    """Every chapter of the working tree; refused when one cannot be read (`check` says why)."""
    files = store.worktree_source()
    settings = settings_of(files, str(store.root))
    folder = chapter_folder(settings)
    items, problems = read_chapter_files(files, settings)
    if problems:
        raise ContentError(problems[0].message, path=problems[0].path or REPORT_FILE)
    for item in items:
        errors = [f for f in item.findings if f.severity is Severity.ERROR]
        if item.chapter is None or errors:
            detail = errors[0].message if errors else "cannot be read"
            raise ContentError(
                f"{detail}; fix it first (see 'gap-analysis check')",
                path=item.path,
                line=errors[0].line if errors else None,
            )
    chapters = tuple(item.chapter for item in items if item.chapter is not None)
    for duplicate in duplicate_ids(chapters):
        raise duplicate
    texts = {c.path: decode_text(files.read(c.path), c.path) for c in chapters}
    settings_text = decode_text(files.read(REPORT_FILE), REPORT_FILE)
    return Chapters(settings, folder, chapters, texts, settings_text)
