"""Characters no font can draw, named with their file and line before the PDF hides them as boxes."""

from __future__ import annotations

from collections.abc import Iterable

from gap_analysis.model.chapter import Chapter
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.render.fonts import CJK_INSTALL_HINT, is_cjk, uncovered


def missing_glyphs(chapters: Iterable[Chapter]) -> list[Finding]:
    """One warning per chapter line whose characters no bundled (or found CJK) font draws."""
    findings = []
    for chapter in chapters:
        if not uncovered(chapter.body):
            continue
        for number, line in enumerate(chapter.body.split("\n"), 1):
            missing = uncovered(line)
            if not missing:
                continue
            hint = (
                CJK_INSTALL_HINT
                if any(is_cjk(ord(char)) for char in missing)
                else "no font of the tool draws them"
            )
            findings.append(
                Finding(
                    chapter.path,
                    chapter.file_line(number),
                    "no-font",
                    f"no font for {missing}; {hint}",
                    Severity.WARNING,
                )
            )
    return findings
