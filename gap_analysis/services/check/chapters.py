"""Read a snapshot's chapters one by one, turning every problem into a finding.

`read_report` stops at the first broken chapter, which is right for `build`
but wrong for `check` and `status`: a co-convener wants every problem of every
chapter in one run. So each chapter is read on its own here; a chapter whose
encoding or front matter is broken becomes findings (and, where its body can
still be read, a `Chapter` with a derived id so its links are checked too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gap_analysis.errors import ContentError
from gap_analysis.markdown.chapters import (
    CHAPTER_ID,
    by_file_name,
    chapter_files,
    derived_id,
    front_line,
    numbered,
    read_chapter,
)
from gap_analysis.markdown.frontmatter import decode_text, split
from gap_analysis.model.chapter import CHAPTER_STATUSES, KNOWN_FRONT_MATTER_KEYS, Chapter
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import FileSource
from gap_analysis.model.wording import did_you_mean


@dataclass(frozen=True, slots=True)
class ChapterFile:
    """One chapter file as far as it could be read."""

    path: str
    number: str
    chapter: Chapter | None
    """None when the file could not be decoded or its front matter not split off."""
    findings: tuple[Finding, ...] = ()


def _key_lines(text: str) -> dict[str, int]:
    """File line of each top-level front matter key (the YAML loader keeps none)."""
    lines: dict[str, int] = {}
    if not text.startswith("---"):
        return lines  # no front matter: nothing to scan (a whole chapter would be)
    for number, line in enumerate(text.split("\n")[1:], 2):
        if re.match(r"^(---|\.\.\.)\s*$", line):
            break
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    return lines


def front_matter_findings(
    path: str, front: dict[str, Any], key_lines: dict[str, int]
) -> list[Finding]:
    """Keys known and values valid: `id` a chapter id, `status` known, `owners` names."""
    found: list[Finding] = []

    def at(key: str) -> int:
        return key_lines.get(key, 2)

    for key in front:
        if str(key) not in KNOWN_FRONT_MATTER_KEYS:
            found.append(
                Finding(
                    path,
                    at(str(key)),
                    "front-matter-key",
                    f"unknown front matter key '{key}'{did_you_mean(str(key), KNOWN_FRONT_MATTER_KEYS)}",
                    Severity.WARNING,
                )
            )
    for key in ("id", "title", "status"):
        value = front.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, str | int | float)
        ):
            found.append(
                Finding(path, at(key), "front-matter", f"front matter '{key}' must be text")
            )
    chapter_id = front.get("id")
    if (
        isinstance(chapter_id, str | int)
        and not isinstance(chapter_id, bool)
        and not CHAPTER_ID.fullmatch(str(chapter_id))
    ):
        found.append(
            Finding(
                path,
                at("id"),
                "chapter-id",
                f"chapter id '{chapter_id}' must be 1-64 lowercase letters, digits and hyphens",
            )
        )
    status = front.get("status")
    if isinstance(status, str) and status not in CHAPTER_STATUSES:
        found.append(
            Finding(
                path,
                at("status"),
                "front-matter",
                f"status '{status}' is not one of {', '.join(CHAPTER_STATUSES)}"
                f"{did_you_mean(status, CHAPTER_STATUSES)}",
            )
        )
    owners = front.get("owners")
    if (
        owners is not None
        and not isinstance(owners, str)
        and (not isinstance(owners, list) or not all(isinstance(o, str) for o in owners))
    ):
        found.append(
            Finding(
                path,
                at("owners"),
                "front-matter",
                "front matter 'owners' must be a list of names, e.g. [Alice, Bob]",
            )
        )
    return found


def _fallback(
    path: str, front: dict[str, Any], body: str, body_line: int, number: str, annex: bool
) -> Chapter:
    """A chapter with safe values where the front matter's were invalid."""
    file_name = path.rsplit("/", 1)[-1]
    chapter_id = front.get("id")
    id_line = front_line("id", front)
    if not isinstance(chapter_id, str) or not CHAPTER_ID.fullmatch(chapter_id):
        chapter_id, id_line = derived_id(file_name), 0
    title = front.get("title")
    owners = front.get("owners")
    return Chapter(
        id=chapter_id,
        path=path,
        title=title if isinstance(title, str) else chapter_id,
        body=body,
        body_line=body_line,
        number=number,
        is_annex=annex,
        owners=tuple(o for o in owners if isinstance(o, str)) if isinstance(owners, list) else (),
        status=front.get("status") if isinstance(front.get("status"), str) else None,
        id_line=id_line,
    )


def read_chapter_file(files: FileSource, path: str, number: str, annex: bool) -> ChapterFile:
    try:
        raw = files.read(path)
    except KeyError:
        return ChapterFile(path, number, None, (Finding(path, 0, "unreadable", "cannot be read"),))
    except ContentError as exc:
        return ChapterFile(
            path, number, None, (Finding(path, exc.line or 0, "unreadable", exc.message),)
        )
    try:
        text = decode_text(raw, path)
    except ContentError as exc:
        return ChapterFile(
            path, number, None, (Finding(path, exc.line or 1, "encoding", exc.message),)
        )
    try:
        front, body, body_line = split(text, path)
    except ContentError as exc:
        return ChapterFile(
            path, number, None, (Finding(path, exc.line or 1, "front-matter", exc.message),)
        )
    findings = front_matter_findings(path, front, _key_lines(text))
    try:
        chapter = read_chapter(path, raw, number, annex)
    except ContentError as exc:
        if not any(f.severity is Severity.ERROR for f in findings):
            findings.append(Finding(path, exc.line or 1, "front-matter", exc.message))
        chapter = _fallback(path, front, body, body_line, number, annex)
    return ChapterFile(path, number, chapter, tuple(findings))


def read_chapter_files(
    files: FileSource, settings: ReportSettings
) -> tuple[list[ChapterFile], list[Finding]]:
    """Every chapter file in report order, numbered as `read_report` numbers them.

    The second item holds findings about the chapter list itself (an `order`
    in `report.toml` naming a missing file: the files are then taken by name).
    """
    problems: list[Finding] = []
    try:
        paths = chapter_files(files, settings)
    except ContentError as exc:
        problems.append(
            Finding(exc.path or "report.toml", exc.line or 0, "chapter-order", exc.message)
        )
        folder = settings.chapter_folder.strip("/")
        paths = by_file_name([p for p in files.list(folder) if p.endswith(".md")])
    return [
        read_chapter_file(files, path, number, annex) for path, number, annex in numbered(paths)
    ], problems
