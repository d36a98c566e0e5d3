"""Sequence alignment shared by chapters, sections and blocks.

Three steps, cheapest first: equal keys in order (difflib's matching blocks
over hashes, linear in practice); then pairs by similarity inside each
unmatched region, in order and within a small window so the cost stays
linear; then a longest increasing subsequence over the matched pairs tells
which items changed place.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher

Pair = tuple[int, int]

WINDOW = 12
"""How far ahead, inside one unmatched region, a similar partner is looked for."""


def equal_runs(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[Pair]:
    """Index pairs of equal keys, in order: the common head and tail, then difflib's LCS between.

    Taking the head and tail first keeps an edited block beside its unchanged
    twin in place, where difflib alone would pair the twin with the wrong copy.
    """
    if list(old) == list(new):
        return [(i, i) for i in range(len(old))]
    head = 0
    while head < len(old) and head < len(new) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < len(old) - head and tail < len(new) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    pairs: list[Pair] = [(i, i) for i in range(head)]
    middle_old, middle_new = old[head : len(old) - tail], new[head : len(new) - tail]
    matcher = SequenceMatcher(None, middle_old, middle_new, autojunk=False)
    for i, j, size in matcher.get_matching_blocks():
        pairs.extend((head + i + k, head + j + k) for k in range(size))
    pairs.extend((len(old) - tail + k, len(new) - tail + k) for k in range(tail))
    return pairs


def gaps_between(pairs: list[Pair], old_len: int, new_len: int) -> list[tuple[range, range]]:
    """The unmatched (old range, new range) regions between ordered matched pairs."""
    regions = []
    last_i = last_j = 0
    for i, j in [*sorted(pairs), (old_len, new_len)]:
        if i > last_i or j > last_j:
            regions.append((range(last_i, i), range(last_j, j)))
        last_i, last_j = i + 1, j + 1
    return regions


def pair_similar(
    old: range | Sequence[int],
    new: range | Sequence[int],
    score: Callable[[int, int], float],
    threshold: float,
    window: int = WINDOW,
) -> list[Pair]:
    """Pairs of similar items, in order: each old item takes its best partner among the next few."""
    pairs: list[Pair] = []
    new_list = list(new)
    start = 0
    for i in old:
        best, best_at = threshold, -1
        for at in range(start, min(start + window, len(new_list))):
            value = score(i, new_list[at])
            if value >= best and (value > best or best_at < 0):
                best, best_at = value, at
        if best_at >= 0:
            pairs.append((i, new_list[best_at]))
            start = best_at + 1
    return pairs


def moved(pairs: list[Pair]) -> set[Pair]:
    """The pairs outside a longest increasing run of old indices (ordered by new index): they moved."""
    ordered = sorted(pairs, key=lambda p: p[1])
    tails: list[int] = []
    tail_at: list[int] = []
    parent: list[int] = [-1] * len(ordered)
    for index, (old_index, _new) in enumerate(ordered):
        at = bisect_left(tails, old_index)
        if at == len(tails):
            tails.append(old_index)
            tail_at.append(index)
        else:
            tails[at] = old_index
            tail_at[at] = index
        parent[index] = tail_at[at - 1] if at else -1
    keep: set[int] = set()
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        keep.add(index)
        index = parent[index]
    return {pair for index, pair in enumerate(ordered) if index not in keep}
