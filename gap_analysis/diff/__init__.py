"""The structure-aware diff engine: pure functions over chapter structures, no I/O."""

from gap_analysis.diff.engine import diff_chapter, diff_reports, match_chapters

__all__ = ["diff_chapter", "diff_reports", "match_chapters"]
