"""`chapter rename`: give a chapter a new id, and everything that names it follows.

The id is in the front matter (`id:`), or derived from the file name; a file
whose name carries the old id (`03-method.md`) is renamed with `git mv` to
carry the new one (`03-approach.md`), keeping its number. Then every link to
the file is redirected and a `[chapters] order` in `report.toml` names the new
file. Comment records are not touched: each names the chapter by the id it
had in the version commented on, which `check` verifies against that
version. The old id goes into the front matter's `former_ids`, so those
comments still find the chapter in later text. Nothing is committed.
"""

from __future__ import annotations

from gap_analysis.errors import ContentError, InvalidNameError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.chapters import CHAPTER_ID, derived_id, order_prefix, read_chapter
from gap_analysis.markdown.rewrite import with_front_matter_ids
from gap_analysis.records import comments as comment_store
from gap_analysis.services.chapters.current import Chapters, read_chapters
from gap_analysis.services.chapters.edit import (
    REPORT_FILE,
    ChapterEdit,
    apply,
    redirect_links,
    renamed_in_settings,
)


def _new_file_name(file_name: str, old_id: str, new_id: str) -> str:
    """`03-method.md` -> `03-approach.md` when the name carries the old id; else unchanged."""
    if derived_id(file_name) != old_id:
        return file_name
    order, _rest = order_prefix(file_name)
    return f"{order}-{new_id}.md" if order else f"{new_id}.md"


def plan_rename(store: GitStore, old_id: str, new_id: str) -> tuple[Chapters, ChapterEdit]:
    chapters = read_chapters(store)
    chapter = chapters.find(old_id)
    if not CHAPTER_ID.fullmatch(new_id):
        raise InvalidNameError(
            f"chapter id '{new_id}' must be 1-64 lowercase letters, digits and hyphens, "
            "starting with a letter or digit"
        )
    if new_id == old_id:
        raise InvalidNameError(f"the chapter is already called '{old_id}'")
    for other in chapters.chapters:
        if other.id == new_id:
            raise InvalidNameError(f"chapter id '{new_id}' is already used by {other.path}")
    edit = ChapterEdit()
    folder, _, name = chapter.path.rpartition("/")
    new_name = _new_file_name(name, old_id, new_id)
    new_path = f"{folder}/{new_name}" if folder else new_name
    renamed = {chapter.path: new_path} if new_path != chapter.path else {}
    if renamed:
        if any(c.path == new_path for c in chapters.chapters) or (store.root / new_path).exists():
            raise InvalidNameError(f"cannot rename {chapter.path}: {new_path} exists already")
        edit.moves = dict(renamed)
        edit.lines.append(f"renamed {chapter.path} -> {new_path}")
    former = [f for f in (*chapter.former_ids, old_id) if f != new_id]
    text = with_front_matter_ids(chapters.texts[chapter.path], new_id, former)
    edit.texts[new_path] = text
    edit.lines.append(f"{new_path}: front matter id: {new_id} (former_ids: {', '.join(former)})")
    check = read_chapter(new_path, text.encode("utf-8"), chapter.number, chapter.is_annex)
    if check.id != new_id or check.former_ids != tuple(former) or check.title != chapter.title:
        raise ContentError(
            f"internal error: the renamed chapter reads back as '{check.id}'", path=chapter.path
        )
    redirect_links(edit, chapters.texts, renamed)
    if renamed and chapters.settings.chapter_order:
        settings_text = renamed_in_settings(chapters.settings_text, renamed)
        if settings_text != chapters.settings_text:
            edit.texts[REPORT_FILE] = settings_text
            edit.lines.append(f"{REPORT_FILE}: [chapters] order names {new_name}")
    naming = [c for c in comment_store.read_all(store) if c.chapter == old_id]
    if naming:
        edit.lines.append(
            f"comments naming '{old_id}': {len(naming)}, left as recorded (they find the "
            "chapter by its former id)"
        )
    return chapters, edit


def rename_chapter(store: GitStore, old_id: str, new_id: str) -> list[str]:
    """Rename the chapter's id and return what changed, in words."""
    chapters, edit = plan_rename(store, old_id, new_id)
    apply(store, edit, chapters.folder, "rename")
    return edit.lines
