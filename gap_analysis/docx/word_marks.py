"""A changed block's word diff laid onto its newer runs, for the Word redline.

The diff engine compares a block's words as `markdown.structure.inline_text`
counts them: text and code, an image's alt text, `[^label]` for a footnote
reference, `@fig-x` for a cross-reference, nothing for a link with no text.
Here the same words are counted again over the block's runs (`model.flow`),
so each run keeps what it is (emphasis, a link, a picture, a printed number)
and only its words are marked: inserted words in `w:ins` where they stand,
deleted words in `w:del` before the word they preceded. A picture whose alt
text changed is the older picture deleted and the newer one inserted, as a
replaced picture is elsewhere in the redline, never its words as text. The
HTML redline does the same over tokens (`markdown/marked_words`).

A change of emphasis or of a link's target alone comes as a diff of the
Markdown source (`[guide](https://a)`); its runs are read as words first
(`_plain`), so the link's word shows replaced. Where the runs still do not
hold the diff's words, nothing is planned and `docx.redline` writes the
diff's words plain.

This module only plans (which stretch of which run, kept, inserted or
deleted); `docx.redline` makes the elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gap_analysis.model.diff import DELETE, WordOp
from gap_analysis.model.flow import Run
from gap_analysis.model.word_plan import WordPlan

KEPT, INSERTED, DELETED = "", "ins", "del"
_SPACES = re.compile(r"(\s+)")


@dataclass(frozen=True, slots=True)
class Piece:
    """What to write, in order: a stretch of a run's text, a whole run, or older words."""

    status: str
    """`KEPT`, `INSERTED` or `DELETED`."""
    run: int = -1
    """Index of the newer run it comes from; -1 for deleted older words."""
    text: str | None = None
    """The stretch of the run's text (or the older words); None for the whole run."""
    alt: str | None = None
    """A deleted picture: its older alt text."""
    link: str = ""


@dataclass(slots=True)
class _Raw:
    run: int
    text: str | None
    words: tuple[tuple[int, str], ...]
    """(index among the block's words, the piece of it here) of each word the piece holds."""
    space: bool = False
    after: int = -1
    """The index of the last word counted before this piece."""


def counted_text(item: Run) -> str | None:
    """The words the diff counts for a run drawn whole; None for a run of plain text."""
    if item.diff_text is not None:
        return item.diff_text
    if item.footnote:
        return f"[^{item.footnote_label}]"
    if item.image:
        return item.text
    return None


def _pieces(runs: tuple[Run, ...]) -> tuple[list[_Raw], list[str]]:
    """The runs cut at white space, each word numbered as the diff numbers it."""
    raw: list[_Raw] = []
    counted: list[str] = []
    index = -1
    in_word = False
    for number, item in enumerate(runs):
        if item.line_break:
            raw.append(_Raw(number, None, (), space=True, after=index))
            in_word = False
            continue
        whole = counted_text(item)
        words: list[tuple[int, str]] = []
        after = index
        for piece in _SPACES.split(item.text if whole is None else whole):
            if not piece:
                continue
            if piece.isspace():
                in_word = False
                if whole is None:
                    raw.append(_Raw(number, piece, (), space=True, after=index))
                continue
            if not in_word:
                index += 1
                in_word = True
                counted.append("")
            counted[index] += piece
            if whole is None:
                raw.append(_Raw(number, piece, ((index, piece),), after=index - 1))
            else:
                words.append((index, piece))
        if whole is not None:
            raw.append(_Raw(number, None, tuple(words), after=after))
    return raw, counted


def plan_runs(runs: tuple[Run, ...], ops: tuple[WordOp, ...]) -> list[Piece] | None:
    """The pieces to write for `runs` marked with `ops`; None when the runs do not hold the
    newer words of `ops`, nor once `ops` are read as words (`_plain`)."""
    raw, counted = _pieces(runs)
    if counted != _newer(ops):
        ops = _plain(ops)
        if counted != _newer(ops):
            return None
    plan = WordPlan.of(ops)
    count = len(counted)
    inserted = plan.inserted
    deleted = dict(plan.deleted_before)
    statuses: list[str] = []
    replaced: dict[int, str] = {}
    """Raw piece -> the older alt text of a picture shown replaced."""
    for at, piece in enumerate(raw):
        indices = [i for i, _word in piece.words]
        if piece.space:
            statuses.append(KEPT)
        elif piece.text is not None:
            statuses.append(INSERTED if inserted[indices[0]] else KEPT)
        elif not indices:
            statuses.append(_wordless(piece.after, inserted))
        elif runs[piece.run].image:
            older = _older_alt(piece, inserted, deleted, starts=piece.after < indices[0])
            if older is not None:
                replaced[at] = older
                statuses.append(DELETED)
            else:
                statuses.append(INSERTED if all(inserted[i] for i in indices) else KEPT)
        else:
            statuses.append(INSERTED if any(inserted[i] for i in indices) else KEPT)
    return _written(runs, raw, statuses, replaced, deleted, count)


def _newer(ops: tuple[WordOp, ...]) -> list[str]:
    return [w for op in ops if op.op != DELETE for w in op.text.split()]


_TARGET = re.compile(r"\]\([^)\s]*\)")
_OPENING = re.compile(r"!?\[(?!\^)")
_EDGES = "*_~`"


def _plain(ops: tuple[WordOp, ...]) -> tuple[WordOp, ...]:
    """Word runs of the Markdown source as words: a change of emphasis or of a link's
    target alone is diffed on the source (`[Wiki](https://a)`), so its runs are read
    without link targets, brackets and emphasis marks (`Wiki`), keeping `[^label]`."""
    plain = []
    for op in ops:
        words = (_OPENING.sub("", _TARGET.sub("", w)).strip(_EDGES) for w in op.text.split())
        text = " ".join(w for w in words if w)
        if text:
            plain.append(WordOp(op.op, text))
    return tuple(plain)


def _wordless(after: int, inserted: list[bool]) -> str:
    """A run the diff counts no words for (a link with no text): inserted when the words on
    both sides of it are (or the one side it has)."""
    sides = [inserted[i] for i in (after, after + 1) if 0 <= i < len(inserted)]
    return INSERTED if sides and all(sides) else KEPT


def _older_alt(
    piece: _Raw, inserted: list[bool], deleted: dict[int, list[str]], starts: bool
) -> str | None:
    """A picture whose alt text changed: the older alt text (the deleted words it holds are
    taken out of `deleted`); None when the picture is kept or new as it is.

    Deleted words before its second word and later are its own; those before
    its first word too when that word is inserted (a replaced word), and the
    picture starts that word.
    """
    indices = [i for i, _word in piece.words]
    own = [i for i in indices[1:] if i in deleted]
    if starts and inserted[indices[0]] and indices[0] in deleted:
        own.insert(0, indices[0])
    if not own and (all(inserted[i] for i in indices) or not any(inserted[i] for i in indices)):
        return None
    older: list[str] = []
    for index, word in piece.words:
        if index in own:
            older.extend(deleted.pop(index))
        if not inserted[index]:
            older.append(word)
    return " ".join(older)


def _written(
    runs: tuple[Run, ...],
    raw: list[_Raw],
    statuses: list[str],
    replaced: dict[int, str],
    deleted: dict[int, list[str]],
    count: int,
) -> list[Piece]:
    """The pieces in writing order: older words before the word they preceded, a space
    before inserted words inside the insertion (rejecting then leaves one space)."""
    out: list[Piece] = []
    for at, piece in enumerate(raw):
        item = runs[piece.run]
        gone = [w for i, _word in piece.words for w in deleted.pop(i, [])]
        if gone:
            before = out[-1].link if out else ""
            link = item.link if before == item.link else ""
            out.append(Piece(DELETED, text=" ".join(gone) + " ", link=link))
        status = statuses[at]
        if piece.space and piece.text is not None and piece.after >= 0:
            following = next((n for n in range(at + 1, len(raw)) if not raw[n].space), None)
            if (
                following is not None
                and statuses[following] == INSERTED
                and raw[following].words
                and raw[following].words[0][0] not in deleted
            ):
                status = INSERTED
        if at in replaced:
            out.append(Piece(DELETED, piece.run, alt=replaced[at], link=item.link))
            status = INSERTED
        out.append(Piece(status, piece.run, piece.text, link=item.link))
    tail = [w for i in sorted(deleted) if i >= count for w in deleted[i]]
    if tail:
        out.append(Piece(DELETED, text=" " + " ".join(tail)))
    return _merged(out)


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring stretches of one run with one status as one stretch (one `w:r`)."""
    out: list[Piece] = []
    for piece in pieces:
        last = out[-1] if out else None
        if (
            last is not None
            and piece.text is not None
            and last.text is not None
            and piece.run == last.run
            and piece.run >= 0
            and piece.status == last.status
        ):
            out[-1] = Piece(last.status, last.run, last.text + piece.text, link=last.link)
        else:
            out.append(piece)
    return out
