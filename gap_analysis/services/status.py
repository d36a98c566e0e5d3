"""`status`: where the report stands: its chapters, their last change, the working tree.

Last changes come from one `git log` pass over all chapter files, so the
number of git processes does not grow with the number of chapters. The
review path fills the optional fields (current version, its state and
meeting, open comments) when it knows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from gap_analysis.config import settings_of
from gap_analysis.gitstore import GitStore, current_branch
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.structure import BlockKind, ChapterStructure
from gap_analysis.services.check.chapters import read_chapter_files
from gap_analysis.services.comments.findings import incomplete_import
from gap_analysis.services.comments.register import count_open_comments
from gap_analysis.services.review.cut_journal import journal_path, pending_cut
from gap_analysis.services.review.standing import current_version


@dataclass(frozen=True)
class LastChangeInfo:
    commit: str
    author: str
    date: datetime

    @property
    def short(self) -> str:
        return self.commit[:10]


@dataclass(frozen=True)
class ChapterStatusRow:
    number: str
    id: str
    path: str
    title: str
    owners: tuple[str, ...]
    status: str | None
    words: int
    last_change: LastChangeInfo | None
    """None for a file never committed."""
    modified: bool
    """It differs from HEAD in the working tree (or is untracked)."""
    problem: str = ""
    """Why the chapter could not be read ("" when it could); `check` says more."""


@dataclass
class StatusReport:
    title: str
    group: str
    head: str | None
    """Full commit id of HEAD (None before the first commit)."""
    branch: str | None
    dirty: bool
    changed_files: list[str]
    chapters: list[ChapterStatusRow]
    version: str | None = None
    """The latest version's name, once versions exist (filled by the review path)."""
    state: str | None = None
    meeting: str | None = None
    open_comments: int | None = None
    extra: dict[str, object] = field(default_factory=dict)
    """Room for more facts from other use cases, shown as `key: value` lines."""

    @property
    def short_head(self) -> str:
        return self.head[:10] if self.head else "no commits"

    @property
    def words(self) -> int:
        return sum(c.words for c in self.chapters)

    def as_json(self) -> dict[str, object]:
        return {
            "title": self.title,
            "group": self.group,
            "head": self.head,
            "branch": self.branch,
            "dirty": self.dirty,
            "changed_files": self.changed_files,
            "words": self.words,
            "version": self.version,
            "state": self.state,
            "meeting": self.meeting,
            "open_comments": self.open_comments,
            **self.extra,
            "chapters": [
                {
                    "number": c.number,
                    "id": c.id,
                    "path": c.path,
                    "title": c.title,
                    "owners": list(c.owners),
                    "status": c.status,
                    "words": c.words,
                    "modified": c.modified,
                    "problem": c.problem or None,
                    "last_change": None
                    if c.last_change is None
                    else {
                        "commit": c.last_change.commit,
                        "author": c.last_change.author,
                        "date": c.last_change.date.isoformat(),
                    },
                }
                for c in self.chapters
            ],
        }


def count_words(structure: ChapterStructure) -> int:
    """Words of the text a reader sees: no markup, no code; gap entries by their values."""
    total = 0
    for section in structure.sections:
        for block in section.blocks:
            if block.kind is BlockKind.CODE:
                continue
            if block.kind is BlockKind.TABLE_ROW:
                total += sum(len(cell.split()) for cell in block.cells)
            elif block.kind is BlockKind.GAP:
                total += sum(len(line.partition(":")[2].split()) for line in block.text.split("\n"))
            elif block.kind is not BlockKind.RULE:
                total += len(block.text.split())
    return total


def report_status(store: GitStore) -> StatusReport:
    """The working tree's status."""
    files_source = store.worktree_source()
    settings = settings_of(files_source, str(store.root))
    files, _problems = read_chapter_files(files_source, settings)
    changed = store.changed_files()
    last = store.last_changes([item.path for item in files])
    chapters = []
    for item in files:
        change = last.get(item.path)
        info = LastChangeInfo(change.commit, change.author, change.date) if change else None
        modified = item.path in changed
        if item.chapter is None:
            problem = next(
                (f.message for f in item.findings if f.severity is Severity.ERROR), "unreadable"
            )
            name = item.path.rsplit("/", 1)[-1]
            chapters.append(
                ChapterStatusRow(
                    item.number, "", item.path, name, (), None, 0, info, modified, problem
                )
            )
            continue
        chapter = item.chapter
        chapters.append(
            ChapterStatusRow(
                chapter.number,
                chapter.id,
                chapter.path,
                chapter.title,
                chapter.owners,
                chapter.status,
                count_words(chapter_structure(chapter)),
                info,
                modified,
            )
        )
    current = current_version(store, settings)
    extra: dict[str, object] = {"standing": current.standing} if current else {}
    unreadable: list[Finding] = []
    open_comments = count_open_comments(store, unreadable) if current else None
    if unreadable:
        named = "; ".join(f"{f.path}: {f.message}" for f in unreadable[:3])
        more = f" and {len(unreadable) - 3} more" if len(unreadable) > 3 else ""
        extra["unreadable comment records"] = (
            f"{named}{more} (not counted; see 'gap-analysis check')"
        )
    pending_import = incomplete_import(store)
    if pending_import:
        extra["incomplete"] = pending_import
    cut = pending_cut(store)
    if cut is not None:
        extra["incomplete cut"] = (
            f"{cut.name} ({journal_path(store)}): 'gap-analysis version cut {cut.name}' completes it"
        )
    return StatusReport(
        settings.title,
        settings.group,
        store.head(),
        current_branch(store),
        bool(changed),
        changed,
        chapters,
        version=current.name if current else None,
        state=current.state if current else None,
        meeting=(current.meeting or None) if current else None,
        open_comments=open_comments,
        extra=extra,
    )
