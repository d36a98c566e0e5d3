"""Markup the renderer cannot use as written: footnotes that do not pair up, attribute
blocks it does not understand. Each would print as raw Markdown (`[^nope]`, `{.unnumbered}`)
in a build and a redline, so `check` names it with its file line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gap_analysis.markdown.engine import parse
from gap_analysis.model.chapter import Chapter

_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:")
_ATTRIBUTES = re.compile(r"\{[^{}]*\}\s*$")
_LABEL_LEFT = re.compile(r"\{#(?:fig|tbl)-[^{}]*\}")
"""A figure or table label the caption rules did not take (it would print as written)."""


@dataclass(frozen=True, slots=True)
class MarkupProblem:
    line: int
    code: str
    message: str


def markup_problems(chapter: Chapter) -> list[MarkupProblem]:
    """Undefined and unused footnotes, heading attribute blocks other than `{#anchor}`, and
    figure or table labels the caption rules did not take."""
    tokens, env = parse(chapter.body, chapter.number)
    problems: list[MarkupProblem] = []
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.map:
            continue
        first = chapter.file_line(token.map[0] + 1)
        offset = 0
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            elif child.type == "text":
                for found in _LABEL_LEFT.finditer(child.content):
                    problems.append(
                        MarkupProblem(
                            first + offset,
                            "attribute-block",
                            f"'{found.group(0)}' is not understood and would print as written; "
                            "a figure is an image alone in its paragraph, '![Caption](x.png)"
                            "{#fig-id}', a table caption the line ': Caption {#tbl-id}' under "
                            "the table (a label of letters, digits, '-', '_', '.', ':')",
                        )
                    )
                for found in _REFERENCE.finditer(child.content):
                    problems.append(
                        MarkupProblem(
                            first + offset,
                            "undefined-footnote",
                            f"footnote [^{found.group(1)}] is not defined in this chapter "
                            f"(add a line '[^{found.group(1)}]: text')",
                        )
                    )
        if tokens[index - 1].type == "heading_open" and _ATTRIBUTES.search(token.content):
            block = _ATTRIBUTES.search(token.content)
            assert block is not None
            problems.append(
                MarkupProblem(
                    first,
                    "attribute-block",
                    f"'{block.group(0).strip()}' is not understood and would print as written; "
                    "only '{#anchor}' is (an anchor of letters, digits, '-', '_', '.', ':')",
                )
            )
    notes = env.get("footnotes", {})
    refs = notes.get("refs", {}) if isinstance(notes, dict) else {}
    unused = {label[1:] for label, number in refs.items() if number == -1}
    if unused:
        for number, text in enumerate(chapter.body.split("\n"), 1):
            definition = _DEFINITION.match(text)
            if definition and definition.group(1) in unused:
                problems.append(
                    MarkupProblem(
                        chapter.file_line(number),
                        "unused-footnote",
                        f"footnote [^{definition.group(1)}] is defined but never referred to, "
                        "so it is not printed",
                    )
                )
    return sorted(problems, key=lambda p: p.line)
