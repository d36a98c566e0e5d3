"""The errors the tool raises on purpose.

Every refused or failed operation raises a `GapAnalysisError`; the command line
prints it as one line and exits with its `exit_code`. Nothing here knows click.

A message that must point at one of the operation's inputs names it with
`option("note")`, never as a command-line flag: the command line shows it as
its own option (`--note`), any other caller as the input's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_INPUT_MARK = "\x1f"
_INPUT_REFERENCE = re.compile(f"{_INPUT_MARK}([A-Za-z_][A-Za-z0-9_]*){_INPUT_MARK}")


def option(name: str) -> str:
    """A reference to the operation's input `name` (a request field) inside an error message."""
    return f"{_INPUT_MARK}{name}{_INPUT_MARK}"


def _by_name(name: str) -> str:
    return name


class GapAnalysisError(Exception):
    """A refused or failed operation, reported to the user as one line."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return self.worded()

    def worded(self, describe: Callable[[str], str] = _by_name) -> str:
        """The one-line message, each `option(name)` in it shown as `describe(name)`."""
        if self.path and self.line:
            text = f"{self.path}:{self.line}: {self.message}"
        elif self.path:
            text = f"{self.path}: {self.message}"
        else:
            text = self.message
        return _INPUT_REFERENCE.sub(lambda found: describe(found.group(1)), text)


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
