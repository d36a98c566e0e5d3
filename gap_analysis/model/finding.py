"""Findings of `check`: one problem at one place."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    code: str
    """A stable short code such as `front-matter`, `broken-link`, `duplicate-id`."""
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.code}: {self.message}"

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data
