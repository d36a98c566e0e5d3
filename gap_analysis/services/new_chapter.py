"""`chapter new`: a chapter file with front matter and the next number. Nothing is committed.

The text of a new chapter is made here (also for `init`), and read back with
the same reader `build` uses before it is written, so a new chapter always
builds.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from gap_analysis.config import chapter_folder, settings_of
from gap_analysis.errors import (
    ContentError,
    GapAnalysisError,
    InvalidNameError,
    RefusedError,
    UsageError,
    option,
)
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.chapters import CHAPTER_ID, is_annex_file, order_prefix, read_chapter
from gap_analysis.records.files import check_encodable
from gap_analysis.services.check.chapters import read_chapter_files

_PLAIN_YAML = re.compile(r"^[A-Za-z][A-Za-z0-9 ,.()'/&+-]*[A-Za-z0-9.)]$|^[A-Za-z]$")
_YAML_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off", "null"}
_NUMBER = re.compile(r"^([0-9]+)[-_]")
MAX_TITLE = 200


def check_text(value: str, what: str) -> str:
    """A one-line, non-empty text from the user (titles, names), stripped."""
    check_encodable(value, what.removeprefix("the "))
    clean = value.strip()
    if not clean:
        raise UsageError(f"{what} must not be empty")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in clean):
        raise UsageError(f"{what} must be one line of text without control characters")
    if len(clean) > MAX_TITLE:
        raise UsageError(f"{what} is longer than {MAX_TITLE} characters")
    return clean


def yaml_scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when that is unambiguous, else double-quoted."""
    if _PLAIN_YAML.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def id_from_title(title: str) -> str:
    """`Landscape of existing standards` -> `landscape-of-existing-standards`; `Übersicht` -> `ubersicht`.

    At most 64 characters; "" when the title has no Latin letters or digits.
    """
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:64].rstrip("-")


def chapter_text(chapter_id: str, title: str, owners: list[str], body: str = "") -> str:
    owner_list = ", ".join(yaml_scalar(o) for o in owners)
    text = (
        f"---\nid: {yaml_scalar(chapter_id)}\ntitle: {yaml_scalar(title)}\nowners: [{owner_list}]\n"
        f"status: draft\n---\n\n# {title}\n"
    )
    text += f"\n{body.strip()}\n" if body.strip() else ""
    chapter = read_chapter(f"chapters/{chapter_id}.md", text.encode("utf-8"), "1", False)
    if chapter.id != chapter_id or chapter.title != title or list(chapter.owners) != owners:
        raise GapAnalysisError(
            f"internal error: the new chapter '{chapter_id}' does not read back as written"
        )
    return text


def next_file_name(names: list[str], chapter_id: str) -> str:
    """`NN-<id>.md` after the highest numeric prefix (annexes `A1-` stay after it)."""
    numbers = [m.group(1) for m in (_NUMBER.match(n) for n in names) if m]
    highest = max((int(n) for n in numbers), default=0)
    width = max([2, *(len(n) for n in numbers)])
    return f"{highest + 1:0{width}d}-{chapter_id}.md"


def next_annex_file_name(names: list[str], chapter_id: str) -> str:
    """`<letter>-<id>.md` after the last annex's letter (`A1-abbreviations.md` -> `B-<id>.md`)."""
    letters = [order_prefix(n)[0][0] for n in names if is_annex_file(n)]
    last = max(letters, default="")
    if last == "Z":
        raise RefusedError("the report has an annex Z already: annex file names run out at Z")
    return f"{chr(ord(last) + 1) if last else 'A'}-{chapter_id}.md"


@dataclass(frozen=True)
class NewChapter:
    path: Path
    relative: str
    id: str
    title: str
    note: str = ""
    """Something the user must still do (e.g. add the file to `[chapters] order`)."""


def new_chapter(
    store: GitStore,
    title: str,
    chapter_id: str | None = None,
    owners: list[str] | None = None,
    *,
    annex: bool = False,
) -> NewChapter:
    title = check_text(title, "the chapter title")
    if chapter_id is None:
        chapter_id = id_from_title(title)
        if not CHAPTER_ID.fullmatch(chapter_id):
            raise UsageError(
                f"cannot make a chapter id from '{title}'; give one with {option('chapter_id')}"
            )
    elif not CHAPTER_ID.fullmatch(chapter_id):
        raise InvalidNameError(
            f"chapter id '{chapter_id}' must be 1-64 lowercase letters, digits and "
            "hyphens, starting with a letter or digit"
        )
    if owners is None:
        name = store.user()[0]
        owners = [name] if name else []
    owners = [check_text(o, "an owner's name") for o in owners]
    files = store.worktree_source()
    settings = settings_of(files, str(store.root))
    folder = chapter_folder(settings)
    existing, _problems = read_chapter_files(files, settings)
    for item in existing:
        if item.chapter is not None and item.chapter.id == chapter_id:
            raise InvalidNameError(
                f"chapter id '{chapter_id}' is already used by {item.path}; "
                f"choose another with {option('chapter_id')}"
            )
    names = [p.rsplit("/", 1)[-1] for p in files.list(folder)]
    if annex:
        file_name = next_annex_file_name([n for n in names if n.endswith(".md")], chapter_id)
    else:
        file_name = next_file_name(names, chapter_id)
    relative = f"{folder}/{file_name}"
    text = chapter_text(chapter_id, title, owners)
    target = store.root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except FileExistsError:
        raise ContentError(f"{relative} already exists") from None
    note = ""
    if settings.chapter_order:
        note = f'report.toml sets [chapters] order: add "{file_name}" to it, or the chapter is left out'
    return NewChapter(target, relative, chapter_id, title, note)
