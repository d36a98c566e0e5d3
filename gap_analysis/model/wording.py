"""Small pieces of wording every layer uses: plurals, "did you mean", Markdown table cells.

Each is spelled once here, so messages read the same whichever command prints
them. Standard library only, like the rest of `model/`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def plural(count: int, word: str, many: str = "") -> str:
    """`word` as it goes with `count`: "error" for 1, else `many` (default: `word` + "s")."""
    return word if count == 1 else many or f"{word}s"


def counted(count: int, word: str, many: str = "") -> str:
    """`count` and its word: "1 chapter", "0 chapters", "3 gap entries"."""
    return f"{count} {plural(count, word, many)}"


def did_you_mean(word: str, choices: Iterable[str], *, prefix: str = "") -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or "" when none is close.

    `prefix` goes before the suggestion as the user would type it (`@` for a stage).
    """
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean '{prefix}{close[0]}'?)" if close else ""


def table_cell(text: str) -> str:
    r"""Text as one cell of a Markdown table: on one line, backslashes and pipes escaped.

    Backslashes first: `a\|b` with only its pipe escaped becomes `a\\|b`, an escaped
    backslash and then a pipe that ends the cell.
    """
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|")
