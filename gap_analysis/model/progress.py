"""How long work reports how far it has got, without knowing who is watching.

Services take an optional `Progress` and call `phase()` when a new stage of the
work starts (with how many steps it has, 0 when unknown) and `advance()` after
each step. The command line passes a progress bar when stderr is a terminal;
everyone else gets `NO_PROGRESS`, which does nothing, so services never test
whether anyone is listening.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def phase(self, name: str, total: int = 0) -> None:
        """A new stage of the work begins: `name` (e.g. `laying out pages`), `total` steps."""
        ...

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps of the current phase are done."""
        ...


class _Silent:
    def phase(self, name: str, total: int = 0) -> None:
        return None

    def advance(self, steps: int = 1) -> None:
        return None


NO_PROGRESS: Progress = _Silent()
