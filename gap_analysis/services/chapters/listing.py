"""`chapter list`: the chapters in report order with their number, id, title, file, owners, status and words."""

from __future__ import annotations

from dataclasses import dataclass

from gap_analysis.config import settings_of
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.finding import Severity
from gap_analysis.services.check.chapters import read_chapter_files
from gap_analysis.services.status import count_words


@dataclass(frozen=True)
class ChapterRow:
    number: str
    id: str
    title: str
    path: str
    owners: tuple[str, ...]
    status: str | None
    words: int
    annex: bool
    problem: str = ""
    """Why the file could not be read ("" when it could)."""

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "id": self.id,
            "title": self.title,
            "file": self.path,
            "owners": list(self.owners),
            "status": self.status,
            "words": self.words,
            "annex": self.annex,
            "problem": self.problem or None,
        }


def list_chapters(store: GitStore) -> list[ChapterRow]:
    """The working tree's chapters; one that cannot be read is listed with why."""
    files = store.worktree_source()
    settings = settings_of(files, str(store.root))
    items, _problems = read_chapter_files(files, settings)
    rows = []
    for item in items:
        chapter = item.chapter
        annex = chapter.is_annex if chapter else item.number.isalpha()
        if chapter is None:
            problem = next(
                (f.message for f in item.findings if f.severity is Severity.ERROR), "unreadable"
            )
            rows.append(
                ChapterRow(
                    item.number,
                    "",
                    item.path.rsplit("/", 1)[-1],
                    item.path,
                    (),
                    None,
                    0,
                    annex,
                    problem,
                )
            )
            continue
        rows.append(
            ChapterRow(
                chapter.number,
                chapter.id,
                chapter.title,
                chapter.path,
                chapter.owners,
                chapter.status,
                count_words(chapter_structure(chapter)),
                annex,
            )
        )
    return rows
