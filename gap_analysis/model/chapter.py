"""Chapters as read from a snapshot, before any Markdown parsing."""

from __future__ import annotations

from dataclasses import dataclass, field

KNOWN_FRONT_MATTER_KEYS = ("id", "title", "owners", "status", "lang", "former_ids")
CHAPTER_STATUSES = ("draft", "review", "stable", "final")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def annex_letter(index: int) -> str:
    """The letter of the annex at `index` (0 -> A, 25 -> Z, 26 -> AA)."""
    return _LETTERS[index] if index < 26 else _LETTERS[index // 26 - 1] + _LETTERS[index % 26]


@dataclass(frozen=True, slots=True)
class Chapter:
    """One Markdown file of `chapters/`."""

    id: str
    path: str
    """Repository-relative, e.g. `chapters/03-method.md`."""
    title: str
    body: str
    """The Markdown after the front matter, line ends normalised to LF."""
    body_line: int
    """1-based line of the file on which `body` starts, so body lines map back to the file."""
    number: str
    """`1`, `2`, ... for chapters; `A`, `B`, ... for annexes."""
    is_annex: bool = False
    owners: tuple[str, ...] = ()
    status: str | None = None
    lang: str | None = None
    """The language of the chapter's text (front matter `lang`, e.g. `ar`), when not the report's."""
    former_ids: tuple[str, ...] = ()
    """Ids the chapter had before `chapter rename` (front matter `former_ids`): comments made
    on an older version name the chapter by the id it had then, and still find it."""
    id_line: int = 0
    """The file line of front matter's `id`; 0 when the id is the file name's."""

    @property
    def file_name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def file_line(self, body_line: int) -> int:
        """The file line of a 1-based line of `body`."""
        return self.body_line + body_line - 1


@dataclass(frozen=True, slots=True)
class Report:
    """A snapshot read into chapters, in order."""

    chapters: tuple[Chapter, ...]
    by_id: dict[str, Chapter] = field(default_factory=dict, compare=False)

    def chapter(self, chapter_id: str) -> Chapter | None:
        return self.by_id.get(chapter_id)
