"""The change summary as a trusted HTML fragment: for the version PDF's annex and the packet.

Every value comes from chapters or records that people wrote, so every value
is escaped here; the build places the fragment as it is.
"""

from __future__ import annotations

from markupsafe import escape

from gap_analysis.model.diff import ChangeSummary, GapChange
from gap_analysis.render.svg import words_chart_svg


def _table(
    head: tuple[str, ...], rows: list[tuple[object, ...]], numeric: tuple[int, ...] = ()
) -> str:
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(str(v))}</td>'
            if i in numeric
            else f"<td>{escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="content"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def _gap_line(gap: GapChange) -> str:
    where = f"section {gap.section}" if gap.section else f"chapter {gap.chapter}"
    head = f"<strong>{escape(gap.id)}</strong> {escape(gap.status)} ({escape(where)})"
    if not gap.fields:
        return f"<li>{head}{': ' + str(escape(gap.title)) if gap.title else ''}</li>"
    fields = "".join(
        f"<li>{escape(f.name)}: <del>{escape(f.old or '(none)')}</del> "
        f"<ins>{escape(f.new or '(none)')}</ins></li>"
        for f in gap.fields
    )
    return f"<li>{head}<ul>{fields}</ul></li>"


def summary_html(summary: ChangeSummary) -> str:
    """Headline, words chart and chapters table, gap entries field by field, review events."""
    parts = [f"<p>{escape(summary.stats.line)}.</p>"]
    if summary.chapters:
        chart = words_chart_svg(
            [
                (f"{c.number} {c.title}".strip(), c.words_added, c.words_removed)
                for c in summary.chapters
            ]
        )
        parts.append(f'<figure class="words-chart">{chart}</figure>')
        parts.append(
            _table(
                ("Chapter", "Status", "Words in", "Words out", "Sections touched"),
                [
                    (
                        f"{c.number} {c.title}".strip(),
                        c.status,
                        c.words_added,
                        c.words_removed,
                        "; ".join(f"{n} {t}".strip() for n, t in c.sections) or "-",
                    )
                    for c in summary.chapters
                ],
                numeric=(2, 3),
            )
        )
    else:
        parts.append("<p>No chapter changed.</p>")
    parts.append('<h2 class="unnumbered">Gap entries</h2>')
    if summary.gaps:
        parts.append(f'<ul class="gap-changes">{"".join(_gap_line(g) for g in summary.gaps)}</ul>')
    else:
        parts.append("<p>No gap entry was added, removed or changed.</p>")
    if summary.events is not None:
        parts.append('<h2 class="unnumbered">Review events</h2>')
        if summary.events:
            parts.append(
                _table(
                    ("Date", "Version", "Action", "From", "To", "Meeting", "Note"),
                    [
                        (
                            e.date[:10],
                            e.version,
                            e.action,
                            e.from_state,
                            e.to_state,
                            e.meeting or "-",
                            e.note or "-",
                        )
                        for e in summary.events
                    ],
                )
            )
        else:
            parts.append("<p>No review events were recorded between the two.</p>")
    return "".join(parts)
