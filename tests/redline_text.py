"""Accepting or rejecting every change of a redline's HTML, and the text that is left.

Screen-reader labels (`.rl-sr`) are annotations, not the report's text; notes
are attributes. An image counts as its alt text, so a struck image and an
inserted one count as well.
"""

from __future__ import annotations

from html.parser import HTMLParser

_VOID = {"br", "img", "hr", "meta", "link", "input", "col", "wbr"}


class _Text(HTMLParser):
    def __init__(self, drop: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.drop = drop
        self.stack: list[bool] = []
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in _VOID:
            if tag == "img" and not self.skipping:
                self.parts.append(" " + (dict(attrs).get("alt") or "") + " ")
            return
        skip = tag in (self.drop, "style") or "rl-sr" in classes
        self.stack.append(skip)
        if skip:
            self.skipping += 1
        elif tag in ("p", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "div"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self.stack:
            return
        if self.stack.pop():
            self.skipping -= 1
        elif tag in ("p", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "div"):
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def words(html: str, drop: str | None = None) -> list[str]:
    """The words of `html`, without the elements named `drop` (`del`: accept all; `ins`: reject all)."""
    parser = _Text(drop)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).split()


def accepted(html: str) -> list[str]:
    return words(html, "del")


def rejected(html: str) -> list[str]:
    return words(html, "ins")
