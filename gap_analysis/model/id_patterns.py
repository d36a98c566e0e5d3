"""Patterns from `report.toml` (`gaps.id_pattern`) that cannot be made to run for ever.

Python's `re` backtracks and has no time limit, so a pattern such as
`(G+)+-x` takes exponential time on a long id that almost matches: anyone who
can edit `report.toml` or a chapter could hang `check`, `build` and the
pre-commit hook. Two measures, both cheap and predictable (a thread or
process with a timeout would be neither):

- the pattern is refused when it can backtrack exponentially: a repeat of
  variable count inside a repeat of more than one (`(a+)+`, `(a*b)*`,
  `(a+){5}`), an alternation inside such a repeat (`(a|ab)*`), or a
  back-reference; `(-\\d+)?` and `([A-Z]{2}-)+` stay allowed;
- an id longer than `MAX_ID_LENGTH` is refused before it is matched, so what
  remains (adjacent repeats, `\\d*\\d*x`, at worst polynomial) stays small.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # the stdlib's own parser
from typing import Any

MAX_ID_LENGTH = 100
"""The longest gap id matched against the pattern (ids are short labels like G-AA-01)."""

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is refused (invalid, or able to backtrack exponentially); None when fine."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        return f"not a valid pattern: {exc}"
    return _walk(list(parsed), inside_repeat=False)


def id_matches(pattern: str, text: str) -> bool:
    """`text` matches all of `pattern` (and is not longer than `MAX_ID_LENGTH`)."""
    return len(text) <= MAX_ID_LENGTH and re.fullmatch(pattern, text) is not None


def _walk(items: list[tuple[Any, Any]], inside_repeat: bool) -> str | None:
    for op, av in items:
        if op in (sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS):
            return "back-references are not allowed"
        if op in _REPEATS:
            low, high, body = av
            if low != high and inside_repeat:
                return (
                    "a repeat of variable count inside a repeat (like '(a+)+') can take "
                    "exponential time; write it without the nesting"
                )
            found = _walk(list(body), inside_repeat or high > 1)
            if found:
                return found
            continue
        if op is sre_parse.BRANCH and inside_repeat:
            return (
                "an alternation inside a repeat (like '(a|ab)*') can take exponential time; "
                "use a character class or write the repeat out"
            )
        for child in _children(av):
            found = _walk(child, inside_repeat)
            if found:
                return found
    return None


def _children(av: Any) -> list[list[tuple[Any, Any]]]:
    """The sub-patterns held in an operand (groups, branches, look-arounds)."""
    if isinstance(av, sre_parse.SubPattern):
        return [list(av)]
    if isinstance(av, (tuple, list)):
        return [found for part in av for found in _children(part)]
    return []
