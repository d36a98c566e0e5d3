"""Sequence alignment shared by chapters, sections and blocks.

Three steps, cheapest first: equal keys in order; then pairs by similarity
inside each unmatched region, in order and within a small window so the cost
stays linear; then a longest increasing subsequence over the matched pairs
tells which items changed place.

Equal keys are found with a bound on the work. difflib's `SequenceMatcher`
(longest block first) is kept where it is cheap, so ordinary inputs align as
they always did; but on repeated keys (2,000 identical paragraphs, a table of
equal rows) it looks at every pair of equal items again and again and goes
cubic. Past the bound a region is split at its unique anchors (keys that
occur once on each side, kept in order by a longest increasing run, as in
patience diff) and each gap between them is aligned the same way; a gap
without anchors that is still too costly is paired greedily in order, with a
bounded look-ahead, in linear time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher

Pair = tuple[int, int]

WINDOW = 12
"""How far ahead, inside one unmatched region, a similar partner is looked for."""

MATCHER_WORK = 20_000
"""The most pairs of equal keys (sum over keys of old count x new count) a region may
hold for difflib to align it; ordinary sections hold a few hundred."""

MATCHER_SIZE = 4_000
"""The most items (old + new) of a region difflib aligns; its cost also grows with
the number of edits times the size."""

MAX_DEPTH = 8
"""How many times a region is split at anchors found inside the previous split's gaps;
each split costs one pass over the region, so the work stays near-linear."""

LOOKAHEAD = 32
"""How far the greedy pairing looks for the next equal key before it calls the
items in between a replacement."""


def equal_runs(old: Sequence[Hashable], new: Sequence[Hashable]) -> list[Pair]:
    """Index pairs of equal keys, in order: the common head and tail, then the middle.

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
    pairs.extend(_align_middle(old, new, head, len(old) - tail, head, len(new) - tail))
    pairs.extend((len(old) - tail + k, len(new) - tail + k) for k in range(tail))
    return pairs


def _align_middle(
    old: Sequence[Hashable], new: Sequence[Hashable], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> list[Pair]:
    """Equal pairs inside old[a_lo:a_hi] x new[b_lo:b_hi], in order, with bounded work."""
    pairs: list[Pair] = []
    todo = [(a_lo, a_hi, b_lo, b_hi, 0)]
    while todo:
        a_lo, a_hi, b_lo, b_hi, depth = todo.pop()
        if a_lo >= a_hi or b_lo >= b_hi:
            continue
        count_old = Counter(old[a_lo:a_hi])
        count_new = Counter(new[b_lo:b_hi])
        work = sum(n * count_new[key] for key, n in count_old.items() if key in count_new)
        if work == 0:
            continue
        if work <= MATCHER_WORK and (a_hi - a_lo) + (b_hi - b_lo) <= MATCHER_SIZE:
            matcher = SequenceMatcher(None, old[a_lo:a_hi], new[b_lo:b_hi], autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                pairs.extend((a_lo + i + k, b_lo + j + k) for k in range(size))
            continue
        anchors = (
            _unique_anchors(old, new, a_lo, a_hi, b_lo, b_hi, count_old, count_new)
            if depth < MAX_DEPTH
            else []
        )
        if not anchors:
            pairs.extend(_greedy(old, new, a_lo, a_hi, b_lo, b_hi))
            continue
        pairs.extend(anchors)
        last_i, last_j = a_lo, b_lo
        for i, j in [*anchors, (a_hi, b_hi)]:
            todo.append((last_i, i, last_j, j, depth + 1))
            last_i, last_j = i + 1, j + 1
    pairs.sort()
    return pairs


def _unique_anchors(
    old: Sequence[Hashable],
    new: Sequence[Hashable],
    a_lo: int,
    a_hi: int,
    b_lo: int,
    b_hi: int,
    count_old: Counter[Hashable],
    count_new: Counter[Hashable],
) -> list[Pair]:
    """Keys found exactly once on each side, paired, then kept in order (patience diff)."""
    where_new = {
        new[j]: j for j in range(b_lo, b_hi) if count_new[new[j]] == 1 and count_old[new[j]] == 1
    }
    candidates = [(i, where_new[old[i]]) for i in range(a_lo, a_hi) if old[i] in where_new]
    out_of_order = moved(candidates)
    return [pair for pair in candidates if pair not in out_of_order]


def _greedy(
    old: Sequence[Hashable], new: Sequence[Hashable], a_lo: int, a_hi: int, b_lo: int, b_hi: int
) -> list[Pair]:
    """Equal keys paired in order, walking both sides once.

    On a mismatch: when the next items agree it is a replacement (both step
    on); otherwise the side whose item turns up soonest on the other side
    within `LOOKAHEAD` skips to it (the items skipped were added or removed);
    failing that, a replacement.
    """
    at_old: defaultdict[Hashable, list[int]] = defaultdict(list)
    at_new: defaultdict[Hashable, list[int]] = defaultdict(list)
    for i in range(a_lo, a_hi):
        at_old[old[i]].append(i)
    for j in range(b_lo, b_hi):
        at_new[new[j]].append(j)
    pairs: list[Pair] = []
    i, j = a_lo, b_lo
    while i < a_hi and j < b_hi:
        if old[i] == new[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
            continue
        if i + 1 < a_hi and j + 1 < b_hi and old[i + 1] == new[j + 1]:
            i, j = i + 1, j + 1
            continue
        skip_old = _next_at(at_old.get(new[j], []), i) - i
        skip_new = _next_at(at_new.get(old[i], []), j) - j
        if skip_old <= skip_new and skip_old <= LOOKAHEAD:
            i += skip_old
        elif skip_new <= LOOKAHEAD:
            j += skip_new
        else:
            i, j = i + 1, j + 1
    return pairs


def _next_at(positions: list[int], start: int) -> int:
    """The first position at or after `start` (a very large number when there is none)."""
    at = bisect_left(positions, start)
    return positions[at] if at < len(positions) else 1 << 62


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
    return _out_of_order(sorted(pairs, key=lambda p: p[1]))


def _out_of_order(ordered: list[Pair]) -> set[Pair]:
    """The pairs (ordered by new index) outside a longest increasing run of old indices."""
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
