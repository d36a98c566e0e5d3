"""`chapter move`: put a chapter at another place by renaming chapter files with `git mv`.

Ids stay as they are (a derived id comes from the part of the file name after
the number, which never changes), so comments, which name chapters by id,
keep their places; links between chapters name files, so every link to a
renamed file is redirected. Nothing is committed.
"""

from __future__ import annotations

from gap_analysis.errors import RefusedError, UsageError, option
from gap_analysis.gitstore import GitStore
from gap_analysis.model.chapter import Chapter, annex_letter
from gap_analysis.services.chapters.current import Chapters, read_chapters
from gap_analysis.services.chapters.edit import ChapterEdit, apply, redirect_links
from gap_analysis.services.chapters.numbering import renamed_for_order


def _place(
    chapters: Chapters, moving: Chapter, to: str | None, before: str | None, after: str | None
) -> tuple[list[Chapter], list[Chapter]]:
    """The body and the annexes in their new order."""
    if sum(x is not None for x in (to, before, after)) != 1:
        raise UsageError(
            f"say where the chapter goes: one of {option('to')}, {option('before')} or {option('after')}"
        )
    body = [c for c in chapters.chapters if not c.is_annex and c.id != moving.id]
    annexes = [c for c in chapters.chapters if c.is_annex and c.id != moving.id]
    if to is not None:
        wanted = to.strip().upper()
        if wanted.isdigit():
            group, index = body, int(wanted) - 1
            if moving.is_annex:
                raise UsageError(
                    f"{moving.id} is an annex; give its place as a letter (A, B, ...) or move it "
                    f"with {option('before')}/{option('after')} next to a chapter"
                )
            last = len(body) + 1
        elif len(wanted) == 1 and wanted.isalpha():
            group, index = annexes, ord(wanted) - ord("A")
            if not moving.is_annex:
                raise UsageError(
                    f"{moving.id} is a chapter; give its place as a number (1, 2, ...) or move it "
                    f"with {option('before')}/{option('after')} next to an annex"
                )
            last = len(annexes) + 1
        else:
            raise UsageError(
                f"'{to}' is not a place: a chapter number (1, 2, ...) or an annex letter"
            )
        if not 0 <= index < last:
            first, final = ("1", str(last)) if wanted.isdigit() else ("A", annex_letter(last - 1))
            raise UsageError(f"place '{to}' is outside {first}..{final}")
        group.insert(index, moving)
        return body, annexes
    anchor_id = before if before is not None else after
    assert anchor_id is not None
    anchor = chapters.find(anchor_id)
    if anchor.id == moving.id:
        raise UsageError(f"cannot move {moving.id} next to itself")
    group = annexes if anchor.is_annex else body
    index = group.index(anchor) + (1 if after is not None else 0)
    group.insert(index, moving)
    return body, annexes


def plan_move(
    store: GitStore,
    chapter_id: str,
    *,
    to: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> tuple[Chapters, ChapterEdit]:
    chapters = read_chapters(store)
    moving = chapters.find(chapter_id)
    if chapters.settings.chapter_order:
        raise RefusedError(
            "report.toml sets [chapters] order: the chapters stand in the order it lists; "
            "move the file name there instead"
        )
    body, annexes = _place(chapters, moving, to, before, after)
    renamed = renamed_for_order([c.path for c in body], [c.path for c in annexes])
    edit = ChapterEdit(moves=renamed)
    numbers = {c.path: c.number for c in chapters.chapters}
    for old, new in renamed.items():
        edit.lines.append(f"renamed {old} -> {new}")
    redirect_links(edit, chapters.texts, renamed)
    if not renamed:
        edit.lines.append(f"{moving.id} is already there ({moving.number}); nothing changed")
    else:
        new_numbers = _numbers(body, annexes)
        for chapter in chapters.chapters:
            was, now = numbers[chapter.path], new_numbers[chapter.id]
            if was != now:
                edit.lines.append(f"{chapter.id}: {_label(was)} -> {_label(now)}")
    return chapters, edit


def _numbers(body: list[Chapter], annexes: list[Chapter]) -> dict[str, str]:
    found = {c.id: str(n) for n, c in enumerate(body, 1)}
    found.update({c.id: annex_letter(n) for n, c in enumerate(annexes)})
    return found


def _label(number: str) -> str:
    return f"chapter {number}" if number.isdigit() else f"annex {number}"


def move_chapter(
    store: GitStore,
    chapter_id: str,
    *,
    to: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> list[str]:
    """Move the chapter and return what changed, in words."""
    chapters, edit = plan_move(store, chapter_id, to=to, before=before, after=after)
    if edit.moves:
        apply(store, edit, chapters.folder, "move")
    return edit.lines
