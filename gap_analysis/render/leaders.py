"""A leader drawn as one run of text, not as one text box per repetition.

WeasyPrint fills a `leader()` (the dots between a contents entry and its page
number) with a copy of the leader's text box per repetition, placed from the
line's end leftwards (`weasyprint.layout.leader.handle_leader`), and draws each
copy as a text object of its own. The contents' `leader(". . . . ")` makes about
fifteen per line: the sample report's contents page drew 1,012 text boxes, and
drawing them was a quarter of its layout (0.15 s of 0.65 s), which the parallel
build spends after every chapter, on its critical path; a 3,000-entry contents
held some 50,000 boxes until written.

After WeasyPrint has placed the copies, `leaders_in_one_run` puts in their place
one text box holding the text repeated as often, at the leftmost copy, laid out
by Pango as one run. It is kept only if its width is exactly the copies' (the
same glyphs and advances: no kerning nor shaping across a repetition), the
copies touch end to end, and the line and the leader run left to right; otherwise the copies
stay. The glyphs are where they were (positions summed by Pango instead of
placed copy by copy: a rasterised page differs in anti-aliasing only), and a
text extractor reads the same dots.
"""

from __future__ import annotations

from typing import Any

import weasyprint.layout.inline as inline
from weasyprint.formatting_structure import boxes
from weasyprint.layout.inline import split_text_box
from weasyprint.layout.leader import handle_leader, leader_index

_WEASYPRINT_LEADER = handle_leader

_EPSILON = 1e-6
"""CSS pixels: what placing copies one by one may add up to in rounding (a kerning or shaping
across repetitions changes a width by far more: a 1/1024 pixel is Pango's unit)."""


def leaders_in_one_run() -> None:
    """From now on, each leader WeasyPrint fills is one text box (where it draws the same)."""
    inline.handle_leader = _one_run


def _one_run(context: Any, line: Any, containing_block: Any) -> None:
    _WEASYPRINT_LEADER(context, line, containing_block)
    _index, leader = leader_index(line)
    if leader is None or len(leader.children) < 2 or line.style["direction"] != "ltr":
        return
    merged = _merged(context, leader.children)
    if merged is not None:
        leader.children = (merged,)


def _merged(context: Any, copies: tuple[Any, ...]) -> Any:
    """One text box drawing what `copies` (right to left, as WeasyPrint places them) draw, or
    None where it would not be the same."""
    if not all(isinstance(box, boxes.TextBox) for box in copies):
        return None
    leftmost, width = copies[-1], copies[-1].width
    if leftmost.style["direction"] != "ltr":  # a right-to-left run would start with its end
        return None
    for right, left in zip(copies, copies[1:], strict=False):
        if right.text != left.text or abs(right.position_x - left.position_x - width) > _EPSILON:
            return None
    count = len(copies)
    merged, resume, _break = split_text_box(
        context, leftmost.copy_with_text(leftmost.text * count), float("inf"), 0
    )
    if merged is None or resume is not None or abs(merged.width - width * count) > _EPSILON:
        return None
    for name in ("position_x", "position_y", "height", "margin_top", "margin_bottom", "baseline"):
        setattr(merged, name, getattr(leftmost, name))
    return merged
