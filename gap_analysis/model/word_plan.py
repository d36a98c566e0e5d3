"""A block's word diff as a plan over the newer block's words, for writers that mark them.

Both redlines (the HTML one in `markdown/marked_words`, the Word one in
`docx/word_marks`) count the newer block's words as the diff engine counts
them and ask the plan, word by word, whether it is inserted and which older
words were deleted before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gap_analysis.model.diff import DELETE, INSERT, WordOp


@dataclass
class WordPlan:
    """Which words of the newer text are inserted, and which old runs go before which word."""

    inserted: list[bool] = field(default_factory=list)
    deleted_before: dict[int, list[str]] = field(default_factory=dict)
    deleted_from: dict[int, int] = field(default_factory=dict)
    """For each deleted run (by the newer word it stands before): its first word's index
    among the older block's words, to draw the run as the older block showed it."""
    old_count: int = 0
    """How many words the older block has."""

    @classmethod
    def of(cls, ops: tuple[WordOp, ...]) -> WordPlan:
        plan = cls()
        for op in ops:
            words = op.text.split()
            if op.op == DELETE:
                plan.deleted_from.setdefault(len(plan.inserted), plan.old_count)
                plan.deleted_before.setdefault(len(plan.inserted), []).extend(words)
            else:
                plan.inserted.extend([op.op == INSERT] * len(words))
            if op.op != INSERT:
                plan.old_count += len(words)
        return plan

    @property
    def changed(self) -> bool:
        return any(self.inserted) or bool(self.deleted_before)
