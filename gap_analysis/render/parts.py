"""The assembled HTML cut into parts that each start on a new page (parallel layout).

Pure string work on the HTML `assemble.to_html` makes: the front matter (cover,
history, contents and whatever stands before the first chapter), then one part
per `<section class="chapter...">` (chapters, the report's annexes, the
tool's annexes). Each part is a whole HTML document: the same `<head>` (so the
same stylesheet and metadata), the DRAFT watermark, and its own body.

A part laid out alone equals its pages in the whole document only while
nothing in the stylesheet carries state from one part to the next. What does
(`why_serial` names it) keeps the build serial: CSS counters and named strings
across parts, `:first`/`:left`/`:right`/`:blank`/`:nth()` page selectors, breaks to
a left or right page, and page references in another form than
`target-counter(attr(href), page)`. Page references of that one form
are drawn from numbers the caller gives (`with_numbers`): each link gets its
number in an attribute, which a twin of the rule prints with `attr()` in the
place of `target-counter`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_SECTION = re.compile(r'<section class="chapter[" ]')
_WATERMARK = re.compile(r'<div class="watermark"[^>]*>.*?</div>\n?', re.DOTALL)
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
_PAGE_REF = "target-counter(attr(href), page)"
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CONTENT = re.compile(r"(?:^|;)\s*content\s*:\s*([^;]*)")
_STATEFUL = (
    (re.compile(r"counter-(?:reset|increment|set)\s*:"), "CSS counters"),
    (re.compile(r"string-set\s*:"), "named strings (string-set)"),
    (re.compile(r"@page[^{]*:(?:first|left|right|blank|nth)"), "page selectors by position"),
    (re.compile(r"break-(?:before|after)\s*:\s*(?:left|right|recto|verso)"), "breaks to a side"),
    (
        re.compile(r"target-(?:text|counters)\(|target-counter\((?!attr\(href\), page\))"),
        "page references",
    ),
)


@dataclass(frozen=True, slots=True)
class PageReference:
    """One stylesheet rule that prints the page of the anchor its element links to."""

    selector: str
    """The element's selector, without the pseudo-element."""
    pseudo: str
    """`::after`, `::before`, or ""."""
    content: str
    """The `content` value, `target-counter(attr(href), page)` in it."""


@dataclass(frozen=True, slots=True)
class Part:
    name: str
    """`front`, or the section's id."""
    body: str


@dataclass(frozen=True, slots=True)
class Split:
    head: str
    """The document up to and including `<body>`."""
    watermark: str
    parts: tuple[Part, ...]
    references: tuple[PageReference, ...]


def why_serial(html: str) -> str | None:
    """What in this document's stylesheet ties the layout of one part to another, or None."""
    css = "\n".join(_STYLE.findall(html))
    for pattern, what in _STATEFUL:
        if pattern.search(css):
            return f"the stylesheet uses {what}"
    if "<body>" not in html or not _SECTION.search(html):
        return "the document has no chapters"
    return None


def split(html: str) -> Split:
    """The document's parts; call only when `why_serial(html)` is None."""
    head, rest = html.split("<body>", 1)
    body = rest.rsplit("</body>", 1)[0]
    found = _WATERMARK.search(body)
    watermark = found.group(0) if found else ""
    if found:
        body = body[: found.start()] + body[found.end() :]
    starts = [match.start() for match in _SECTION.finditer(body)]
    parts = _front_parts(body[: starts[0]], "\n".join(_STYLE.findall(head)))
    for start, end in zip(starts, [*starts[1:], len(body)], strict=True):
        section = body[start:end]
        named = re.search(r'\bid="([^"]*)"', section[: section.index(">")])
        parts.append(Part(named.group(1) if named else f"part-{len(parts)}", section))
    return Split(head + "<body>", watermark, tuple(parts), _page_references(html))


_FRONT_PAGES = (("history", '<section class="history">'), ("contents", '<nav class="contents">'))
"""Where the front matter starts a new page (when the stylesheet says so): the cover, the
document history, the contents and lists, laid out apart, so that a new commit (which the
cover names) lays the cover out again, not the contents."""


def _front_parts(front: str, css: str) -> list[Part]:
    cuts = [(0, "front")]
    for name, tag in _FRONT_PAGES:
        at = front.find(tag)
        if at > cuts[-1][0] and re.search(rf"\.{name}\s*\{{[^}}]*break-before:\s*page", css):
            cuts.append((at, name))
    ends = [at for at, _name in cuts[1:]] + [len(front)]
    return [Part(name, front[at:end]) for (at, name), end in zip(cuts, ends, strict=True)]


def _page_references(html: str) -> tuple[PageReference, ...]:
    found = []
    for css in _STYLE.findall(html):
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
        for selectors, declarations in _RULE.findall(css):
            content = _CONTENT.search(declarations)
            if content is None or _PAGE_REF not in content.group(1):
                continue
            for selector in selectors.split(","):
                selector = selector.strip()
                pseudo = re.search(r"::?(?:after|before)$", selector)
                cut = pseudo.start() if pseudo else len(selector)
                found.append(
                    PageReference(
                        selector[:cut],
                        "::" + pseudo.group(0).lstrip(":") if pseudo else "",
                        content.group(1).strip(),
                    )
                )
    return tuple(found)


_MARGINS_ONLY = re.compile(r"@page\s*\{\s*(?:@[a-z-]+\s*\{[^{}]*\}\s*)+\}")
"""An `@page` rule that only fills margin boxes (the running header and "Page X of Y")."""
_INFO = re.compile(r'<title>.*?</title>\n?|<meta name="[^"]*" content="[^"]*">\n?', re.DOTALL)


PAGE_ATTRIBUTE = "data-ga-page"
"""The attribute `with_numbers` writes a page number into, on each link to another part."""
_HREF = re.compile(r'\bhref="#([^"]*)"')


def with_numbers(split_: Split, part: Part, numbers: Mapping[str, int]) -> str:
    """The part as a whole HTML document; page references to `numbers`' anchors printed as given.

    Anchors in `numbers` are those outside the part: the part's own are left to WeasyPrint.
    Each link to one of them gets its page in an attribute, and each page reference rule a
    twin for such links that prints the attribute (`attr()`) where the rule has
    `target-counter`: one rule per page reference rule whatever the number of links
    (a rule per anchor made the contents of a 250-page report cost twice its layout in the
    cascade). Only the first part keeps the title and `<meta>` entries: they make the document
    information, which the join takes from the first part, and lay nothing out, so the
    other parts' cache keys do not change with the commit or the date. No part has the
    `@page` rules that fill the margin boxes (the running header names the commit): a part
    is laid out without margin boxes, which `margins_html` gives.
    """
    head = split_.head if part is split_.parts[0] else _INFO.sub("", split_.head)
    head = _MARGINS_ONLY.sub("", head)
    body = part.body
    if numbers:

        def mark(found: re.Match[str]) -> str:
            number = numbers.get(html.unescape(found.group(1)))
            return (
                found.group(0)
                if number is None
                else f'{found.group(0)} {PAGE_ATTRIBUTE}="{number}"'
            )

        body = _HREF.sub(mark, body)
        rules = [
            f"{ref.selector}[{PAGE_ATTRIBUTE}]{ref.pseudo} "
            f"{{ content: {ref.content.replace(_PAGE_REF, f'attr({PAGE_ATTRIBUTE})')}; }}"
            for ref in split_.references
        ]
        if rules:
            head = head.replace(
                "</head>", "<style>\n" + "\n".join(rules) + "\n</style>\n</head>", 1
            )
    return head + "\n" + split_.watermark + body + "</body>\n</html>\n"


_BOX = re.compile(r"@([a-z-]+)\s*\{([^{}]*)\}")
_DRAW_ORDER = tuple(
    f"{side}-{place}"
    for side, places in (
        ("top", ("left", "center", "right")),
        ("bottom", ("left", "center", "right")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for place in places
) + ("top-left-corner", "top-right-corner", "bottom-left-corner", "bottom-right-corner")
"""The order in which WeasyPrint makes (and draws) a page's margin boxes."""
_PAGE_COUNTER = "counter(page"
"""In `counter(page)` and `counter(pages)`: a margin box that says it differs from page to page."""


@dataclass(frozen=True, slots=True)
class MarginHeads:
    """The document's head for making margin boxes on blank pages, in two layers.

    `fixed`: only the boxes that draw the same on every page of a name (the running header),
    made once per page name; `numbered`: only the boxes that print the page's number or the
    total, made for each page. Drawn fixed first, then numbered, they draw what WeasyPrint
    draws, in its order. `fixed` is None when they cannot be told apart that way; `numbered`
    then has every box.
    """

    fixed: str | None
    numbered: str


def margin_heads(split_: Split) -> MarginHeads:
    """The heads of the two layers of margin boxes (see `MarginHeads`).

    Boxes are told apart in the `@page` rules that only fill margin boxes (`_MARGINS_ONLY`,
    the running header and "Page X of Y"); they are apart only when every page counter of
    the stylesheet is in such a rule, every box printing one is drawn after every box that
    does not, and each box has its own width (or height, on the left and right sides), so
    that a box's place does not depend on the others of its side being there.
    """
    head = _INFO.sub("", split_.head)
    rules = _MARGINS_ONLY.findall(head)
    boxes = [box for rule in rules for box in _BOX.findall(rule)]
    numbered = {name for name, body in boxes if _PAGE_COUNTER in body}
    fixed = {name for name, body in boxes} - numbered
    drawn = _DRAW_ORDER.index
    apart = (
        head.count(_PAGE_COUNTER) == sum(body.count(_PAGE_COUNTER) for _name, body in boxes)
        and fixed | numbered <= set(_DRAW_ORDER)
        and all(_own_size(name, head) for name in fixed | numbered)
        and max(map(drawn, fixed), default=-1) < min(map(drawn, numbered), default=len(_DRAW_ORDER))
    )
    if not apart:
        return MarginHeads(None, head)
    return MarginHeads(_keep_boxes(head, fixed), _keep_boxes(head, numbered))


def _own_size(box: str, head: str) -> bool:
    """Whether some `@page` rule gives the box a width (height on the left and right sides)."""
    size = "height" if box.split("-")[0] in ("left", "right") and "corner" not in box else "width"
    return (
        any(
            re.search(rf"(?:^|;)\s*{size}\s*:", body)
            for name, body in _BOX.findall(head)
            if name == box
        )
        or "corner" in box
    )


def _keep_boxes(head: str, kept: set[str]) -> str:
    """The head with only the `kept` boxes in its margins-only `@page` rules."""

    def keep(rule: re.Match[str]) -> str:
        boxes = [f"@{n} {{{b}}}" for n, b in _BOX.findall(rule.group(0)) if n in kept]
        return "@page { " + " ".join(boxes) + " }" if boxes else ""

    return _MARGINS_ONLY.sub(keep, head)


_NAMED_PAGE = re.compile(r"@page\s+([A-Za-z_][\w-]*)")


def declared_page_names(split_: Split) -> frozenset[str]:
    """The page names the stylesheet has `@page` rules for (`@page cover`), and "" (no name):
    the names a document's pages usually have, known before any is laid out."""
    return frozenset({"", *_NAMED_PAGE.findall(split_.head)})


def margins_html(head: str, names: Sequence[str]) -> str:
    """Blank pages of these names (`@page cover`, "" for none) under `head` (a `MarginHeads`
    layer): laid out, they have that layer's margin boxes of the document's pages and nothing
    else."""
    pages = "".join(
        '<div style="break-before: page' + (f"; page: {name}" if name else "") + '"></div>'
        for name in names
    )
    return head + pages + "</body>\n</html>\n"
