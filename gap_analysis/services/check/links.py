"""Links and images of the chapters, judged against the same snapshot.

A link names another chapter file (`03-method.md#scope`, relative to the
chapter), an anchor of this chapter (`#scope`), a gap entry anywhere in the
report (`#G-AA-01`) or an outside address. Outside addresses (http, https,
mailto) are fine and never fetched. Images must be files of the snapshot
inside the repository, and images a browser only shows (`model.images`): the
renderer serves nothing else, so an image that fails here would be refused by
the build too.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from gap_analysis.errors import GapAnalysisError
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.gap import Gap
from gap_analysis.model.id_patterns import id_matches
from gap_analysis.model.images import image_problem
from gap_analysis.model.paths import normalize
from gap_analysis.model.snapshot import FileSource
from gap_analysis.model.structure import ChapterStructure, Link
from gap_analysis.model.wording import did_you_mean

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
EXTERNAL_SCHEMES = ("http", "https", "mailto")
_REFUSED_SCHEMES = ("file", "javascript", "data", "vbscript")


@dataclass(frozen=True, slots=True)
class LinkTargets:
    """What links may point at: chapters by path, their anchors, and gap entries by id."""

    anchors: Mapping[str, frozenset[str]]
    """Chapter path -> heading anchors (and gap ids) of that chapter."""
    gaps: Mapping[str, Gap]
    gap_pattern: str
    files: FileSource
    unreadable: frozenset[str] = frozenset()
    """Chapter files that could not be read: their own findings say why, links to them are not judged."""


def _split(target: str) -> tuple[str, str]:
    """(path, fragment) with any query dropped and %-escapes decoded."""
    path, _, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    return unquote(path), unquote(fragment)


def _fragment(
    structure: ChapterStructure, link: Link, chapter_path: str, fragment: str, targets: LinkTargets
) -> Finding | None:
    """A fragment that names no anchor of `chapter_path` and no gap entry."""
    anchors = targets.anchors[chapter_path]
    if fragment in anchors:
        return None
    gap = targets.gaps.get(fragment)
    if gap is not None:
        if gap.path != chapter_path and chapter_path != structure.path:
            return Finding(
                structure.path,
                link.line,
                "missing-anchor",
                f"gap {fragment} is in {gap.path}, not in {chapter_path}",
                Severity.WARNING,
            )
        return None
    if id_matches(targets.gap_pattern, fragment):
        return Finding(
            structure.path,
            link.line,
            "unknown-gap",
            f"link to gap {fragment}, which no gap entry defines{did_you_mean(fragment, targets.gaps)}",
        )
    where = "this chapter" if chapter_path == structure.path else chapter_path
    return Finding(
        structure.path,
        link.line,
        "missing-anchor",
        f"no anchor '#{fragment}' in {where}{did_you_mean(fragment, anchors)}",
    )


def _link(structure: ChapterStructure, link: Link, targets: LinkTargets) -> Finding | None:
    target = link.target.strip()
    scheme = _SCHEME.match(target)
    if not target:
        return Finding(structure.path, link.line, "broken-link", "link with an empty target")
    if scheme:
        name = scheme.group(1).lower()
        if name in EXTERNAL_SCHEMES:
            return None
        severity = Severity.ERROR if name in _REFUSED_SCHEMES else Severity.WARNING
        return Finding(
            structure.path,
            link.line,
            "link-scheme",
            f"link to '{target}': only http, https and mailto addresses are allowed",
            severity,
        )
    path, fragment = _split(target)
    if not path:
        return _fragment(structure, link, structure.path, fragment, targets) if fragment else None
    folder = posixpath.dirname(structure.path)
    resolved = normalize(path, folder)
    if resolved is None:
        return Finding(
            structure.path, link.line, "broken-link", f"link to '{target}' leaves the repository"
        )
    if resolved in targets.unreadable:
        return None
    if resolved in targets.anchors:
        return _fragment(structure, link, resolved, fragment, targets) if fragment else None
    if targets.files.exists(resolved):
        return Finding(
            structure.path,
            link.line,
            "link-not-chapter",
            f"link to '{target}' names a file that is not a chapter; the PDF cannot follow it",
            Severity.WARNING,
        )
    chapters = [p.rsplit("/", 1)[-1] for p in targets.anchors]
    return Finding(
        structure.path,
        link.line,
        "broken-link",
        f"link to '{target}': no such chapter or file{did_you_mean(path.rsplit('/', 1)[-1], chapters)}",
    )


def _image(structure: ChapterStructure, link: Link, files: FileSource) -> Finding | None:
    target = link.target.strip()
    if not target:
        return Finding(structure.path, link.line, "image-missing", "image with an empty path")
    if _SCHEME.match(target) or target.startswith("//"):
        return Finding(
            structure.path,
            link.line,
            "image-outside",
            f"image '{target}' is not a file of the repository; the build never fetches "
            "images from outside it",
        )
    path, _ = _split(target)
    resolved = normalize(path, posixpath.dirname(structure.path))
    if resolved is None:
        return Finding(
            structure.path,
            link.line,
            "image-outside",
            f"image '{target}' lies outside the repository",
        )
    if not files.exists(resolved):
        return Finding(
            structure.path,
            link.line,
            "image-missing",
            f"image '{target}' is not in this revision ({resolved}: missing, not a regular "
            "file, or a symbolic link that leads outside the repository)",
        )
    try:
        problem = image_problem(files.read(resolved))
    except (KeyError, GapAnalysisError):
        problem = None  # exists() said yes; the build names whatever reading it says
    if problem is not None:
        return Finding(
            structure.path,
            link.line,
            "image-refused",
            f"image '{target}' is never published: {problem}",
        )
    return None


def link_findings(structures: Iterable[ChapterStructure], targets: LinkTargets) -> list[Finding]:
    findings = []
    for structure in structures:
        for link in structure.links:
            found = (
                _image(structure, link, targets.files)
                if link.is_image
                else _link(structure, link, targets)
            )
            if found is not None:
                findings.append(found)
    return findings
