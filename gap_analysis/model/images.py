"""Which files may be published as images: judged by their bytes, never by their names.

The site copies a chapter's images next to its pages, on the site's origin,
so a file referenced as an image must be one a browser only ever shows:

* a raster image: PNG, JPEG, GIF or WebP, told by its magic bytes;
* an SVG with nothing active in it: no `<script>`, no `<foreignObject>`, no
  element of the XHTML or MathML namespaces, no event attribute (`onload`),
  no reference out of the file (`href`, `src` or `url(...)` that is not a
  `#fragment`, `@import`), no animation that sets such attributes, and no
  DTD, entity or processing instruction. It is read with the standard
  library's expat parser, with DTDs refused before any is read.

Anything else (`page.html`, `x.js`, `report.toml`, an SVG with `onload`) is
refused, not cleaned: a cleaned copy would no longer be the file the report
keeps. `check`, `build` and `site` all ask `image_problem`.
"""

from __future__ import annotations

import re
import xml.parsers.expat

SVG_NS = "http://www.w3.org/2000/svg"
_FOREIGN_NS = ("http://www.w3.org/1999/xhtml", "http://www.w3.org/1998/Math/MathML")
_ACTIVE_ELEMENTS = frozenset(
    {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
)
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
_REFERENCES = frozenset({"href", "src", "action", "formaction", "data"})
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
RASTER_KINDS = ("PNG", "JPEG", "GIF", "WebP")


def raster_kind(data: bytes) -> str | None:
    """PNG, JPEG, GIF or WebP by the file's first bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None


class _Unsafe(Exception):
    pass


def _external_urls(text: str) -> list[str]:
    return [u for u in _URL.findall(text) if not u.startswith("#")]


class _SvgJudge:
    def __init__(self) -> None:
        self.parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._entity
        self.parser.ProcessingInstructionHandler = self._instruction
        self.parser.ExternalEntityRefHandler = self._external
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.stack: list[str] = []
        self.root = False

    def _fail(self, why: str) -> None:
        raise _Unsafe(f"line {self.parser.CurrentLineNumber}: {why}")

    def _doctype(self, *_: object) -> None:
        self._fail("a DOCTYPE (DTDs and entities are not allowed)")

    def _entity(self, *_: object) -> None:
        self._fail("an entity declaration")

    def _external(self, *_: str | None) -> int:
        self._fail("an external entity")
        return 0

    def _instruction(self, target: str, _data: str) -> None:
        self._fail(f"a processing instruction <?{target}?>")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if not self.stack and (namespace != SVG_NS or local != "svg"):
            raise _Unsafe("not an SVG image (its root element is not <svg>)")
        self.stack.append(local.lower())
        if local.lower() in _ACTIVE_ELEMENTS:
            self._fail(f"a <{local}> element")
        if namespace in _FOREIGN_NS:
            self._fail(f"a <{local}> element of the {namespace} namespace")
        for attribute, value in attributes.items():
            attribute_local = attribute.rpartition(" ")[2].lower()
            if attribute_local.startswith("on"):
                self._fail(f"an event attribute {attribute_local}")
            if attribute_local in _REFERENCES and not value.strip().startswith("#"):
                self._fail(f"a reference out of the file ({attribute_local}='{value[:60]}')")
            if _external_urls(value):
                self._fail(f"a reference out of the file (url({_external_urls(value)[0][:60]}))")
            if (
                local.lower() in _ANIMATIONS
                and attribute_local == "attributename"
                and (value.strip().lower().startswith("on") or "href" in value.lower())
            ):
                self._fail(f"an animation that sets {value.strip()}")

    def _end(self, _name: str) -> None:
        self.stack.pop()

    def _text(self, text: str) -> None:
        if self.stack and self.stack[-1] == "style":
            if "@import" in text.lower():
                self._fail("an @import in a stylesheet")
            if _external_urls(text):
                self._fail(f"a reference out of the file (url({_external_urls(text)[0][:60]}))")

    def judge(self, data: bytes) -> str | None:
        try:
            self.parser.Parse(data, True)
        except _Unsafe as unsafe:
            return str(unsafe)
        except xml.parsers.expat.ExpatError as exc:
            return f"not a well-formed SVG image (line {exc.lineno}: {exc.args[0].split(':')[0]})"
        return None


def svg_problem(data: bytes) -> str | None:
    """Why an SVG image is not safe to publish, or None when it is."""
    return _SvgJudge().judge(data)


def image_problem(data: bytes) -> str | None:
    """Why a file may not be published as an image, or None when it may."""
    if raster_kind(data) is not None:
        return None
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        problem = svg_problem(data)
        if problem is None or not problem.startswith("not "):
            return problem and f"unsafe SVG: {problem}"
    return "not an image that may be published (PNG, JPEG, GIF, WebP or a plain SVG)"
