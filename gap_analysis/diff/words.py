"""Word diffs inside one changed block, and the similarity that pairs blocks.

Words are the white-space separated tokens of a block's folded text, as
`git diff --word-diff` counts them. A word diff only ever runs on one block
(or, for long blocks, on the lines that changed), never on a whole document.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from gap_analysis.model.diff import DELETE, EQUAL, INSERT, WordOp

LONG_BLOCK_WORDS = 1500
"""Above this many words a block is diffed line by line first, then word by word inside lines."""


@dataclass(frozen=True, slots=True)
class WordDiff:
    ops: tuple[WordOp, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]


def words(text: str) -> list[str]:
    return text.split()


def word_diff(old: str, new: str) -> WordDiff:
    """Which words of `old` were deleted and which of `new` inserted, as runs for a redline."""
    old_words, new_words = words(old), words(new)
    if len(old_words) + len(new_words) > 2 * LONG_BLOCK_WORDS and ("\n" in old or "\n" in new):
        return _line_then_word_diff(old, new)
    ops: list[WordOp] = []
    removed: list[str] = []
    added: list[str] = []
    _diff_into(old_words, new_words, ops, removed, added)
    return WordDiff(tuple(ops), tuple(removed), tuple(added))


def _diff_into(
    old_words: list[str],
    new_words: list[str],
    ops: list[WordOp],
    removed: list[str],
    added: list[str],
) -> None:
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(ops, EQUAL, old_words[i1:i2])
            continue
        if i2 > i1:
            _append(ops, DELETE, old_words[i1:i2])
            removed.extend(old_words[i1:i2])
        if j2 > j1:
            _append(ops, INSERT, new_words[j1:j2])
            added.extend(new_words[j1:j2])


def _append(ops: list[WordOp], op: str, chunk: list[str]) -> None:
    if not chunk:
        return
    if ops and ops[-1].op == op:
        ops[-1] = WordOp(op, f"{ops[-1].text} {' '.join(chunk)}")
    else:
        ops.append(WordOp(op, " ".join(chunk)))


def _line_then_word_diff(old: str, new: str) -> WordDiff:
    """Long blocks (code, big gap entries): align lines, word-diff only the replaced lines."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    ops: list[WordOp] = []
    removed: list[str] = []
    added: list[str] = []
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_chunk = [w for line in old_lines[i1:i2] for w in line.split()]
        new_chunk = [w for line in new_lines[j1:j2] for w in line.split()]
        if tag == "equal":
            _append(ops, EQUAL, old_chunk)
        else:
            _diff_into(old_chunk, new_chunk, ops, removed, added)
    return WordDiff(tuple(ops), tuple(removed), tuple(added))


def similarity(old: str, new: str, *, containment: bool = False) -> float:
    """0..1: how much of two blocks' words they share, in order (1 for equal text).

    With `containment`, a block that keeps (nearly) all the words of the other
    and adds some, such as a short paragraph with a sentence inserted, also
    scores high: the share of the shorter block's words that are kept.
    """
    if old == new:
        return 1.0
    old_words, new_words = words(old), words(new)
    if not old_words or not new_words:
        return 0.0
    matcher = SequenceMatcher(None, old_words, new_words, autojunk=False)
    if not containment and (matcher.real_quick_ratio() < 0.3 or matcher.quick_ratio() < 0.3):
        return matcher.quick_ratio()
    ratio = matcher.ratio()
    shorter = min(len(old_words), len(new_words))
    if containment and shorter >= 3:
        kept = sum(size for _i, _j, size in matcher.get_matching_blocks())
        return max(ratio, kept / shorter)
    return ratio


def title_similarity(old: str, new: str) -> float:
    """0..1 on the characters of two titles, case and spacing ignored."""
    a, b = " ".join(old.lower().split()), " ".join(new.lower().split())
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
