"""The errors the tool raises on purpose.

Every refused or failed operation raises a `GapAnalysisError`; the command line
prints it as one line and exits with its `exit_code`. Nothing here knows click.
"""

from __future__ import annotations


class GapAnalysisError(Exception):
    """A refused or failed operation, reported to the user as one line."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message


class UsageError(GapAnalysisError):
    """The command was called wrongly (exit 2, as click does)."""

    exit_code = 2


class NotAReportError(GapAnalysisError):
    """No `report.toml` was found."""


class RevisionError(GapAnalysisError):
    """A revision, version name or baseline that does not resolve."""


class ConfigError(GapAnalysisError):
    """`report.toml` is invalid."""


class ContentError(GapAnalysisError):
    """A chapter or record cannot be read or parsed."""


class InvalidNameError(GapAnalysisError):
    """A user-supplied name (version, stage, chapter id) failed validation."""


class RefusedError(GapAnalysisError):
    """An operation that is not allowed now (workflow, gates, dirty tree)."""


class LockedError(GapAnalysisError):
    """Another process holds the repository lock."""


class RenderError(GapAnalysisError):
    """The PDF could not be produced, or a reference was refused while rendering."""
