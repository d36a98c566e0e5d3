"""Pictures made by the tool as SVG text: the review path and a words-in/out chart.

No drawing library: both pictures are a few boxes and lines, and writing them
by hand keeps them deterministic (byte-identical for the same input, which the
PDF cache relies on) and readable by WeasyPrint and every browser alike. Each
picture is accessible on its own: `role="img"`, an `aria-label`, a `<title>`
and a `<desc>` that say in words what the picture shows, so nothing is lost
for a screen reader or in a text-only copy. Colours are never the only signal:
the reached stage is also written out and numbers stand beside the bars.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from html import escape as _escape

from gap_analysis.model.workflow import Stage, Workflow

SVG_NS = "http://www.w3.org/2000/svg"


def escape(text: str) -> str:
    """Text content: &, < and > escaped (quotes are fine in text)."""
    return _escape(text, quote=False)


def quoteattr(text: str) -> str:
    """An attribute value with its double quotes, everything that needs it escaped."""
    return f'"{_escape(text, quote=True)}"'


FONT = "GA Sans, DejaVu Sans, Helvetica, Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#4d4d4d"
REACHED = "#0b4f8a"
DONE_FILL = "#dcebd5"
RETURNED = "#9b1c1c"
WORDS_IN = "#1d6b33"
WORDS_OUT = "#a3271f"

BOX_W, BOX_H, GAP, PAD = 118, 46, 34, 8
LABEL_W, BAR_MAX, ROW_H, BAR_H = 210, 360, 40, 13


def main_path(workflow: Workflow) -> tuple[Stage, ...]:
    """The stages a version passes through when every body agrees, in order.

    Followed from the initial stage along the first action of each stage that
    leads somewhere new and not to the returned stage, so a workflow defined in
    `report.toml` is drawn the same way as the default one.
    """
    order = [workflow.initial]
    while True:
        here = order[-1]
        nxt = next(
            (
                a.to
                for a in workflow.actions_from(here)
                if a.to != workflow.returned and a.to not in order
            ),
            None,
        )
        if nxt is None:
            break
        order.append(nxt)
    return tuple(s for s in (workflow.stage(i) for i in order) if s is not None)


def _id(kind: str, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:8]
    return f"{kind}-{digest}"


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 13,
    fill: str = INK,
    anchor: str = "middle",
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" fill="{fill}" text-anchor="{anchor}" '
        f'font-weight="{weight}">{escape(text)}</text>'
    )


def _open(
    kind: str, width: float, height: float, title: str, desc: str, key: tuple[object, ...]
) -> str:
    ident = _id(kind, *key)
    return (
        f'<svg xmlns="{SVG_NS}" class="ga-{kind}" role="img" aria-label={quoteattr(title)} '
        f'aria-describedby="{ident}-d" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" font-family="{FONT}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )


def review_path_svg(
    workflow: Workflow, reached_state: str, returned_from: str | None = None
) -> str:
    """The review path as boxes joined by arrows, with the stage reached marked.

    `reached_state` is the version's state. A returned version (state =
    `workflow.returned`) is drawn as returned at `returned_from`, the stage
    whose body returned it, with a box below it saying so.
    """
    path = main_path(workflow)
    ids = [s.id for s in path]
    returned = reached_state == workflow.returned
    mark = returned_from if returned and returned_from in ids else reached_state
    reached_index = ids.index(mark) if mark in ids else -1
    width = PAD * 2 + len(path) * BOX_W + max(0, len(path) - 1) * GAP
    height = PAD * 2 + BOX_H + (BOX_H + 40 if returned else 24)
    names = " -> ".join(s.name for s in path)
    if returned:
        where = workflow.stage(returned_from or "")
        title = f"Review path: returned by {where.name if where else 'a reviewing body'}"
    elif reached_index >= 0:
        title = f"Review path: stage reached {path[reached_index].name}"
    else:
        current = workflow.stage(reached_state)
        title = f"Review path: {current.name if current else reached_state}"
    desc = f"Stages in order: {names}. {title.split(': ', 1)[1].capitalize()}."
    parts = [_open("review-path", width, height, title, desc, (ids, reached_state, returned_from))]
    parts.append(
        f'<defs><marker id="{_id("arrow", ids, reached_state, returned_from)}" viewBox="0 0 10 10" '
        f'refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{MUTED}"/></marker></defs>'
    )
    arrow = _id("arrow", ids, reached_state, returned_from)
    top = PAD
    for index, stage in enumerate(path):
        x = PAD + index * (BOX_W + GAP)
        if index == reached_index:
            state, fill, stroke, ink, weight = (
                ("returned", RETURNED, RETURNED, "#ffffff", "bold")
                if returned
                else ("reached", REACHED, REACHED, "#ffffff", "bold")
            )
        elif reached_index >= 0 and index < reached_index:
            state, fill, stroke, ink, weight = "done", DONE_FILL, "#5b8a4e", INK, "normal"
        else:
            state, fill, stroke, ink, weight = "todo", "#ffffff", "#767676", INK, "normal"
        parts.append(
            f'<g class="stage stage-{state}" data-stage={quoteattr(stage.id)} data-state="{state}">'
        )
        if stage.body:
            parts.append(f"<title>{escape(f'{stage.name}: {stage.body}')}</title>")
        parts.append(
            f'<rect x="{x}" y="{top}" width="{BOX_W}" height="{BOX_H}" rx="7" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{3 if state in ("reached", "returned") else 1.5}"/>'
        )
        parts.append(_text(x + BOX_W / 2, top + BOX_H / 2 + 5, stage.name, fill=ink, weight=weight))
        if state in ("reached", "returned"):
            parts.append(
                _text(
                    x + BOX_W / 2,
                    top + BOX_H + 17,
                    "returned here" if returned else "this version",
                    size=11,
                    fill=RETURNED if returned else REACHED,
                    weight="bold",
                )
            )
        parts.append("</g>")
        if index < len(path) - 1:
            x1, x2, y = x + BOX_W + 2, x + BOX_W + GAP - 3, top + BOX_H / 2
            parts.append(
                f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{MUTED}" '
                f'stroke-width="1.6" marker-end="url(#{arrow})"/>'
            )
    if returned and reached_index >= 0:
        closed = workflow.stage(workflow.returned)
        x, y = PAD + reached_index * (BOX_W + GAP), top + BOX_H + 40
        parts.append(
            f'<g class="stage stage-returned-box" data-stage={quoteattr(workflow.returned)} '
            f'data-state="returned">'
        )
        parts.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H - 8}" rx="7" fill="#ffffff" '
            f'stroke="{RETURNED}" stroke-width="2" stroke-dasharray="5 3"/>'
        )
        parts.append(
            _text(
                x + BOX_W / 2,
                y + (BOX_H - 8) / 2 + 5,
                closed.name if closed else "Returned",
                fill=RETURNED,
                weight="bold",
            )
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\u2026"


def words_chart_svg(rows: Sequence[tuple[str, int, int]]) -> str:
    """Horizontal bars of words in (added) and out (removed) per chapter.

    Both bars of all rows share one scale, so lengths compare across chapters;
    each bar carries its number. `rows` are (chapter label, words in, words out).
    """
    biggest = max((max(i, o) for _, i, o in rows), default=0)
    legend_h = 26
    height = PAD * 2 + legend_h + max(1, len(rows)) * ROW_H
    width = PAD * 2 + LABEL_W + BAR_MAX + 70
    total_in = sum(i for _, i, _ in rows)
    total_out = sum(o for _, _, o in rows)
    title = f"Words in and out per chapter: {total_in} in, {total_out} out"
    desc = (
        "; ".join(f"{label}: {i} words in, {o} words out" for label, i, o in rows)
        or "No chapter changed."
    )
    parts = [_open("words-chart", width, height, title, desc, (tuple(rows),))]
    lx = PAD + LABEL_W
    parts.append(
        f'<g class="legend"><rect x="{lx}" y="{PAD + 2}" width="12" height="12" fill="{WORDS_IN}"/>'
    )
    parts.append(_text(lx + 17, PAD + 12, "words in", size=12, anchor="start"))
    parts.append(f'<rect x="{lx + 100}" y="{PAD + 2}" width="12" height="12" fill="{WORDS_OUT}"/>')
    parts.append(_text(lx + 117, PAD + 12, "words out", size=12, anchor="start") + "</g>")
    if not rows:
        parts.append(
            _text(lx, PAD + legend_h + 20, "No chapter changed.", anchor="start", fill=MUTED)
        )
    for index, (label, words_in, words_out) in enumerate(rows):
        y = PAD + legend_h + index * ROW_H
        parts.append(
            f'<g class="row" data-chapter={quoteattr(label)}><title>{escape(label)}</title>'
        )
        parts.append(_text(lx - 8, y + BAR_H + 5, _short(label), size=12, anchor="end"))
        for offset, kind, value, fill, sign in (
            (0, "in", words_in, WORDS_IN, "+"),
            (BAR_H + 2, "out", words_out, WORDS_OUT, "\u2212"),
        ):
            bar = round(BAR_MAX * value / biggest, 2) if biggest else 0
            parts.append(
                f'<rect class="bar bar-{kind}" data-words="{value}" x="{lx}" y="{y + offset}" '
                f'width="{bar:g}" height="{BAR_H}" fill="{fill}"/>'
            )
            parts.append(
                _text(
                    lx + bar + 5,
                    y + offset + BAR_H - 2,
                    f"{sign}{value}",
                    size=11,
                    anchor="start",
                    fill=fill,
                )
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
