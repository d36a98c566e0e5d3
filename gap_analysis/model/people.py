"""People listed in `report.toml` and the roles they hold."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    roles: tuple[str, ...] = ()
    organization: str = ""
    country: str = ""

    def matches(self, who: str) -> bool:
        """`who` is this person's e-mail (any case) or exact name."""
        return who.strip().lower() == self.email.lower() or who.strip() == self.name
