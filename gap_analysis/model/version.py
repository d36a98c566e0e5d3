"""Versions and review events: what `review/` records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime

VERSIONS_DIR = "review/versions"
"""One record per version: `review/versions/<name>.toml`."""


@dataclass(frozen=True, slots=True)
class Version:
    """A named, frozen snapshot: the commit that added `review/versions/<name>.toml`."""

    name: str
    date: datetime
    meeting: str = ""
    document: str = ""
    purpose: str = ""
    previous: str = ""
    cut_by: str = ""
    commit: str = ""
    """The commit that added the record (empty while it is not committed yet)."""
    path: str = ""


AMENDABLE = ("document", "meeting", "purpose")
"""The fields of a version record that `version amend` may change."""


@dataclass(frozen=True, slots=True)
class Amendment:
    """One amendment of a version's record, replayed: the event and what it changed."""

    event: Event
    changes: tuple[tuple[str, str, str], ...]
    """(field, old value, new value) for each field it changed."""


@dataclass(frozen=True, slots=True)
class Event:
    """One action taken on a version; never edited once written."""

    version: str
    action: str
    from_state: str
    to_state: str
    actor: str
    date: datetime
    meeting: str = ""
    document: str = ""
    note: str = ""
    forced: bool = False
    path: str = ""
    decided: dt.date | None = None
    """The day the body decided, when it was recorded later (`date` is when it was recorded)."""
    recorded_by: str = ""
    """Who recorded it (git's user) when that is not the actor: a decision recorded with `--by`."""
    undoes: str = ""
    """For an undo: the file name of the event it reverts."""
    purpose: str = ""
    """For an amendment: the version's new purpose (`meeting` and `document` likewise; "" keeps)."""

    @property
    def day(self) -> dt.date:
        """The day to show: when the body decided, else when it was recorded."""
        return self.decided or self.date.date()
