"""The report's numbering (figures, tables, clauses, labels) from its chapters' Markdown.

Parses each chapter into its structure and hands the lot to
`model.numbering.number_report`; every output of a snapshot (PDF, HTML, site,
DOCX, redline) takes the numbering made here once, so they print the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable

from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.numbering import Numbering, number_report


def report_numbering(chapters: Iterable[Chapter], gap_pattern: str) -> Numbering:
    return number_report(chapter_structure(chapter, gap_pattern) for chapter in chapters)
