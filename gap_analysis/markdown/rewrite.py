"""Chapter source rewritten in place: links to renamed chapter files, a new front matter id.

`chapter move` and `chapter rename` change file names and ids; every link
that names a chapter file (`[text](03-method.md#scope)`, an empty-text link,
a reference definition `[x]: 03-method.md`) must follow, or it breaks. The
text is edited, not re-rendered, so the author's wrapping and spacing stay as
they were; code (fenced, indented and inline) is left alone, since an example
of a link is not a link.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Sequence
from urllib.parse import unquote

from gap_analysis.markdown.engine import parser
from gap_analysis.markdown.frontmatter import split
from gap_analysis.model.paths import normalize

_DESTINATION = re.compile(
    r"(?P<lead>\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?)(?P<path>[^\s()#<>?]+)(?=[#)\s>?]|$)"
)
_CODE_SPAN = re.compile(r"(`+).+?\1")


def _code_lines(body: str) -> set[int]:
    """0-based body lines inside fenced or indented code (gap entries are fenced code too)."""
    lines: set[int] = set()
    for token in parser().parse(body):
        if token.type in ("fence", "code_block") and token.map:
            lines.update(range(token.map[0], token.map[1]))
    return lines


def relink(text: str, chapter_path: str, renamed: Mapping[str, str]) -> tuple[str, int]:
    """`text` (a whole chapter file at `chapter_path`) with links to `renamed` paths
    (old repository path -> new) pointing at the new names; and how many links changed.

    `chapter_path` is where the file will be after the change (links are
    relative to it; chapters move within one folder, so old and new places
    resolve alike).
    """
    _front, body, body_line = split(text, chapter_path)
    offset = body_line - 1
    code = {offset + n for n in _code_lines(body)}
    folder = posixpath.dirname(chapter_path)
    lines = text.split("\n")
    changed = 0
    for number, line in enumerate(lines):
        if number < offset or number in code or ("](" not in line and "]:" not in line):
            continue
        spans = [m.span() for m in _CODE_SPAN.finditer(line)]

        def swap(match: re.Match[str], spans: list[tuple[int, int]] = spans) -> str:
            nonlocal changed
            if any(start <= match.start() < end for start, end in spans):
                return match.group(0)
            path = match.group("path")
            resolved = normalize(unquote(path), folder)
            if resolved is None or resolved not in renamed:
                return match.group(0)
            head = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
            changed += 1
            return match.group("lead") + head + renamed[resolved].rsplit("/", 1)[-1]

        lines[number] = _DESTINATION.sub(swap, line)
    return "\n".join(lines), changed


def with_front_matter_ids(text: str, new_id: str, former_ids: Sequence[str]) -> str:
    """`text` with its front matter saying `id: new_id` and `former_ids: [...]`.

    Lines already there are replaced in place (a `former_ids` list written over
    several lines is replaced whole); missing keys are added at the end of the
    front matter, and a file without front matter gets one.
    """
    wanted = {"id": f"id: {new_id}", "former_ids": f"former_ids: [{', '.join(former_ids)}]"}
    if not text.startswith("---\n"):
        return "---\n" + "\n".join(wanted.values()) + "\n---\n\n" + text
    lines = text.split("\n")
    close = next(
        (n for n, line in enumerate(lines[1:], 1) if re.match(r"^(---|\.\.\.)[ \t]*$", line)),
        None,
    )
    if close is None:
        return text  # not front matter after all: `split` refuses it before this is called
    head: list[str] = []
    skipping = False
    for line in lines[1:close]:
        key = re.match(r"^([A-Za-z_][\w-]*)[ \t]*:", line)
        if key:
            skipping = key.group(1) in wanted
            if skipping:
                head.append(wanted.pop(key.group(1)))
                continue
        elif skipping and (line.startswith((" ", "\t", "-")) or not line.strip()):
            continue  # the rest of a replaced value written over several lines
        else:
            skipping = False
        head.append(line)
    head.extend(wanted.values())
    return "\n".join([lines[0], *head, *lines[close:]])
