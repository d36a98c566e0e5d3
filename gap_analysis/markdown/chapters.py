"""Chapter files of a snapshot -> `Chapter` objects, in report order."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from gap_analysis.errors import ContentError
from gap_analysis.markdown.frontmatter import decode_text, split
from gap_analysis.model.chapter import Chapter, Report, annex_letter
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import FileSource

_PREFIX = re.compile(r"^(?P<order>0x[0-9A-Fa-f]+|[0-9]+|[A-Z][0-9]*)[-_](?P<rest>.+)$")
_ANNEX = re.compile(r"^[A-Z][0-9]*$")
CHAPTER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def derived_id(file_name: str) -> str:
    """`03-method.md` -> `method`; `0x01-Foreword.md` -> `foreword`."""
    stem = file_name[:-3] if file_name.endswith(".md") else file_name
    match = _PREFIX.match(stem)
    rest = match.group("rest") if match else stem
    return re.sub(r"[^a-z0-9]+", "-", rest.lower()).strip("-")[:64] or "chapter"


def order_prefix(file_name: str) -> tuple[str, str]:
    """`03-method.md` -> (`03`, `method.md`); `intro.md` -> (``, `intro.md`)."""
    match = _PREFIX.match(file_name)
    return (match.group("order"), match.group("rest")) if match else ("", file_name)


def is_annex_file(file_name: str) -> bool:
    match = _PREFIX.match(file_name)
    return bool(match and _ANNEX.fullmatch(match.group("order")))


def by_file_name(paths: list[str]) -> list[str]:
    """Chapters by file name, then annexes (`A1-`, `B-`) by file name."""
    body = sorted(p for p in paths if not is_annex_file(p.rsplit("/", 1)[-1]))
    return body + sorted(p for p in paths if is_annex_file(p.rsplit("/", 1)[-1]))


def numbered(paths: list[str]) -> Iterator[tuple[str, str, bool]]:
    """(path, number, is annex) in report order: chapters 1, 2, ...; annexes A, B, ..."""
    body_count = annex_count = 0
    for path in paths:
        annex = is_annex_file(path.rsplit("/", 1)[-1])
        if annex:
            number = annex_letter(annex_count)
            annex_count += 1
        else:
            body_count += 1
            number = str(body_count)
        yield path, number, annex


def chapter_files(files: FileSource, settings: ReportSettings) -> list[str]:
    """Chapter paths in report order: `[chapters] order` when given, else by file name."""
    folder = settings.chapter_folder.strip("/")
    present = [p for p in files.list(folder) if p.endswith(".md")]
    if not settings.chapter_order:
        return by_file_name(present)
    ordered = []
    for name in settings.chapter_order:
        path = f"{folder}/{name}"
        if path not in present:
            raise ContentError(
                f"[chapters] order names '{name}', which is not in {folder}/", path="report.toml"
            )
        ordered.append(path)
    return ordered


def _string(data: dict[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ContentError(
            f"front matter '{key}' must be text", path=path, line=front_line(key, data)
        )
    return str(value)


def front_line(key: str, data: dict[str, Any]) -> int:
    """The file line of a front matter key (one key a line after the opening `---`)."""
    return 2 + list(data).index(key) if key in data else 2


def read_chapter(path: str, raw: bytes, number: str, is_annex: bool) -> Chapter:
    text = decode_text(raw, path)
    front, body, body_line = split(text, path)
    file_name = path.rsplit("/", 1)[-1]
    chapter_id = _string(front, "id", path) or derived_id(file_name)
    if not CHAPTER_ID.fullmatch(chapter_id):
        raise ContentError(
            f"chapter id '{chapter_id}' must be lowercase letters, digits and hyphens",
            path=path,
            line=front_line("id", front),
        )
    owners = front.get("owners", [])
    if isinstance(owners, str):
        owners = [owners]
    if not isinstance(owners, list) or not all(isinstance(o, str) for o in owners):
        raise ContentError(
            "front matter 'owners' must be a list of names",
            path=path,
            line=front_line("owners", front),
        )
    title = _string(front, "title", path) or _first_heading(body) or chapter_id
    return Chapter(
        id=chapter_id,
        path=path,
        title=title,
        body=body,
        body_line=body_line,
        number=number,
        is_annex=is_annex,
        owners=tuple(owners),
        status=_string(front, "status", path),
        lang=_language(front, path),
        former_ids=_former_ids(front, path),
        id_line=front_line("id", front) if "id" in front else 0,
    )


def _former_ids(front: dict[str, Any], path: str) -> tuple[str, ...]:
    """Front matter `former_ids`: a list of chapter ids (written by `chapter rename`)."""
    value = front.get("former_ids", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(
        isinstance(v, str) and CHAPTER_ID.fullmatch(v) for v in value
    ):
        raise ContentError(
            "front matter 'former_ids' must be a list of chapter ids",
            path=path,
            line=front_line("former_ids", front),
        )
    return tuple(value)


def _first_heading(body: str) -> str | None:
    for line in body.split("\n"):
        if line.startswith("# "):
            return re.sub(r"\s*\{#[^}]*\}\s*$", "", line[2:]).strip() or None
    return None


def front_matter(raw: bytes, path: str) -> dict[str, Any]:
    """Just the front matter of a chapter file (for `check`)."""
    return split(decode_text(raw, path), path)[0]


def read_report(files: FileSource, settings: ReportSettings) -> Report:
    """All chapters of a snapshot, numbered 1, 2, ... and annexes A, B, ..."""
    chapters = [
        read_chapter(path, files.read(path), number, annex)
        for path, number, annex in numbered(chapter_files(files, settings))
    ]
    for duplicate in duplicate_ids(chapters):
        raise duplicate
    by_id = {chapter.id: chapter for chapter in chapters}
    return Report(tuple(chapters), by_id)


def duplicate_ids(chapters: Iterable[Chapter]) -> Iterator[ContentError]:
    """Each chapter whose id an earlier chapter has, as the one error every reader of chapters
    gives (`read_report`, the chapter commands, `check`): its file and the line of its id (the
    first line when the id is its file name's), naming the file that has it first."""
    first: dict[str, Chapter] = {}
    for chapter in chapters:
        other = first.setdefault(chapter.id, chapter)
        if other is not chapter:
            yield ContentError(
                f"chapter id '{chapter.id}' is also used by {other.path}",
                path=chapter.path,
                line=chapter.id_line or 1,
            )


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def _language(front: dict[str, Any], path: str) -> str | None:
    """Front matter `lang`: a language tag such as `ar`, `zh-Hans` or `fr-CH`."""
    value = _string(front, "lang", path)
    if value is not None and not _LANGUAGE_TAG.fullmatch(value):
        raise ContentError(
            f"front matter 'lang' must be a language tag such as 'ar', 'zh' or 'fr-CH', "
            f"not {value!r}",
            path=path,
            line=front_line("lang", front),
        )
    return value
