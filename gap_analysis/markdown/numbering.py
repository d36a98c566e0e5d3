"""The report's numbering (figures, tables, clauses, labels) from its chapters' Markdown.

Parses each chapter into its structure and hands the lot to
`model.numbering.number_report`; every output of a snapshot (PDF, HTML, site,
DOCX, redline) takes the numbering made here once, so they print the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.numbering import Numbering, number_report

if TYPE_CHECKING:
    from markdown_it.token import Token


def report_numbering(
    chapters: Sequence[Chapter], gap_pattern: str, parsed: Sequence[list[Token]] | None = None
) -> Numbering:
    """`parsed`: each chapter's tokens (`engine.parse` with `gap_pattern`), to parse it once."""
    tokens: Sequence[list[Token] | None] = parsed if parsed is not None else [None] * len(chapters)
    return number_report(
        chapter_structure(chapter, gap_pattern, own)
        for chapter, own in zip(chapters, tokens, strict=True)
    )
