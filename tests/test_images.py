"""Images: only raster images and plain SVG are published (check, build, site); an image WeasyPrint
cannot load is named with its file and line, and fails --strict; every site page has a CSP."""

from __future__ import annotations

import io
import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import CHAPTERS, CliInvoke, ReportRepo, make_report


def png(width: int, height: int, *, rows: bool = True) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    pixels = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height)) if rows else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def pillow(kind: str) -> bytes:
    """A small real image of another raster kind, made by Pillow (WeasyPrint's own image library)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (3, 2), (32, 96, 160)).save(out, kind)
    return out.getvalue()


CLEAN_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="10" height="10"><defs><linearGradient id="g"/></defs>'
    '<rect width="10" height="10" fill="url(#g)"/><use xlink:href="#g"/></svg>\n'
)
EVIL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)">'
    '<rect width="1" height="1"/></svg>'
)
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
UNSAFE_SVGS = {
    "script": f"<svg {SVG_NS}>\n<script>alert(1)</script></svg>",
    "event": f'<svg {SVG_NS}><rect onclick="alert(1)"/></svg>',
    "foreign": f"<svg {SVG_NS}><foreignObject><p>x</p></foreignObject></svg>",
    "xhtml-script": (
        f'<svg {SVG_NS} xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></svg>'
    ),
    "external-use": f'<svg {SVG_NS}><use href="https://evil.example/x.svg#a"/></svg>',
    "javascript-link": (
        f'<svg {SVG_NS} xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<a xlink:href="javascript:alert(1)"><rect/></a></svg>'
    ),
    "external-image": f'<svg {SVG_NS}><image href="../../report.toml"/></svg>',
    "css-import": f"<svg {SVG_NS}><style>@import 'https://evil.example/x.css';</style></svg>",
    "css-url": f'<svg {SVG_NS}><rect style="fill: url(https://evil.example/p)"/></svg>',
    "animation": (
        f'<svg {SVG_NS}><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>'
    ),
    "entities": (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        f"<svg {SVG_NS}><text>&b;&b;</text></svg>"
    ),
    "stylesheet-pi": (
        '<?xml-stylesheet href="https://evil.example/x.css"?>\n'
        f'<svg {SVG_NS}><rect width="1" height="1"/></svg>'
    ),
}

# (markdown target, file written under chapters/, its bytes); each a paragraph of its own, from FIRST_LINE
BAD = [
    ("img/page.html", "img/page.html", b"<html><script>alert(1)</script></html>"),
    ("img/x.js", "img/x.js", b"alert(document.cookie)\n"),
    ("../report.toml", None, None),
    ("img/evil.svg", "img/evil.svg", EVIL_SVG.encode()),
    ("img/lies.png", "img/lies.png", b"<html><body onload='alert(1)'></body></html>"),
]
GOOD = [
    ("img/ok.png", "img/ok.png", png(4, 3)),
    ("img/ok.gif", "img/ok.gif", pillow("GIF")),
    ("img/ok.jpg", "img/ok.jpg", pillow("JPEG")),
    ("img/ok.svg", "img/ok.svg", CLEAN_SVG.encode()),
    ("img/ok.webp", "img/ok.webp", pillow("WEBP")),
]
FIRST_LINE = 14


def _chapter(items: list[tuple[str, str | None, bytes | None]]) -> str:
    lines = CHAPTERS["01-intro.md"].rstrip("\n").split("\n")
    assert len(lines) == FIRST_LINE - 2
    figures = [f"![figure {i}]({t[0]})\n" for i, t in enumerate(items)]
    return "\n".join([*lines, "", *figures])


@pytest.fixture
def with_images(tmp_path: Path) -> ReportRepo:
    items = BAD + GOOD
    repo = make_report(tmp_path / "report", {**CHAPTERS, "01-intro.md": _chapter(items)})
    for _, path, data in items:
        if path is not None and data is not None:
            repo.write(f"chapters/{path}", data)
    repo.commit("figures")
    return repo


def _old_version(repo: ReportRepo, name: str) -> None:
    """A version as a release before this check would have cut it: its record committed by hand
    with the tree as it stands (`version cut` now refuses a report whose images are refused)."""
    repo.write(
        f"review/versions/{name}.toml",
        f'name = "{name}"\ndate = 2025-04-01T10:00:00Z\nmeeting = ""\ndocument = ""\n'
        'purpose = ""\nprevious = ""\ncut_by = "Test Editor <editor@example.org>"\n',
    )
    repo.commit(f"Cut version {name}")


def _line(target: str) -> int:
    return FIRST_LINE + 2 * [t for t, _, _ in BAD + GOOD].index(target)


def test_check_refuses_what_is_not_an_image(with_images: ReportRepo, cli: CliInvoke) -> None:
    result = cli(with_images.path, "check")
    assert result.exit_code == 1
    out = result.output
    for target, _, _ in BAD:
        if target == "../report.toml":
            expected = "not an image that may be published"
        elif target == "img/evil.svg":
            expected = "unsafe SVG: line 1: an event attribute onload"
        else:
            expected = "not an image that may be published"
        line = f"chapters/01-intro.md:{_line(target)}: image-refused: "
        assert re.search(
            re.escape(line)
            + r".*image '"
            + re.escape(target)
            + r"' is never published: "
            + re.escape(expected),
            out,
        ), (target, out)
    for target, _, _ in GOOD:
        assert f"'{target}'" not in out


def test_build_refuses_them_with_file_and_line(
    with_images: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    result = cli(with_images.path, "build", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 0, result.output
    for target, _, _ in BAD:
        assert (
            f"warning: chapters/01-intro.md:{_line(target)}: refused-reference: "
            f"image '{target}' refused: " in result.stderr
        )
    assert result.stderr.count("refused-reference") == len(BAD), "each named once, with its line"
    assert "left out of the PDF" not in result.stderr, "the raster images and the SVG load"
    strict = cli(with_images.path, "build", "--strict", "-o", str(tmp_path / "s.pdf"))
    assert strict.exit_code == 1
    assert not (tmp_path / "s.pdf").exists()


def test_site_publishes_only_images(
    with_images: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    _old_version(with_images, "v0.1")
    out = tmp_path / "public"
    result = cli(with_images.path, "site", "-o", str(out), "--no-pdf")
    assert result.exit_code == 0, result.output
    published = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    for target, _, _ in BAD:
        assert not any(p.endswith(target.rsplit("/", 1)[-1]) for p in published), target
        assert f"chapters/01-intro.md:{_line(target)}: image '{target}' left out" in result.stderr
    for _, path, data in GOOD:
        assert path is not None
        assert (out / "versions" / "v0.1" / "chapters" / path).read_bytes() == data


@pytest.mark.parametrize("name", list(UNSAFE_SVGS))
def test_unsafe_svg_is_refused(name: str, tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(
        tmp_path / "report", {**CHAPTERS, "01-intro.md": _chapter([("fig.svg", None, None)])}
    )
    repo.write("chapters/fig.svg", UNSAFE_SVGS[name])
    repo.commit("svg")
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    assert (
        f"chapters/01-intro.md:{FIRST_LINE}: image-refused: image 'fig.svg' is never published: "
        "unsafe SVG: line " in result.output
    )


class _Metas(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.csp: list[str] = []
        self.inline_styles = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp.append(values.get("content") or "")
        if tag == "style" or "style" in values:
            self.inline_styles += 1


def test_every_site_page_has_a_content_security_policy(
    with_images: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    _old_version(with_images, "v0.1")
    with_images.write("chapters/02-method.md", CHAPTERS["02-method.md"] + "\nMore.\n")
    with_images.commit("edit")
    _old_version(with_images, "v0.2")
    out = tmp_path / "public"
    assert cli(with_images.path, "site", "-o", str(out), "--no-pdf").exit_code == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        parser = _Metas()
        parser.feed(page.read_text("utf-8"))
        assert len(parser.csp) == 1, page
        policy = dict(part.strip().split(" ", 1) for part in parser.csp[0].split(";"))
        assert policy["default-src"] == "'none'", page
        assert "script-src" not in policy, "no script at all (default-src 'none')"
        assert policy["style-src"] == "'self'" and policy["img-src"] == "'self'"
        assert parser.inline_styles == 0, f"{page}: an inline style the policy would block"


@pytest.mark.parametrize("kind", ["corrupt", "oversized"])
def test_an_image_weasyprint_cannot_load_is_named(
    kind: str, tmp_path: Path, cli: CliInvoke
) -> None:
    data = (
        png(4, 3)[:40] + b"\x00garbage" * 8 if kind == "corrupt" else png(30000, 30000, rows=False)
    )
    repo = make_report(
        tmp_path / "report", {**CHAPTERS, "01-intro.md": _chapter([("fig.png", None, None)])}
    )
    repo.write("chapters/fig.png", data)
    repo.commit("figure")
    result = cli(repo.path, "build", "-o", str(tmp_path / "r.pdf"))
    assert result.exit_code == 0, result.output
    assert (
        f"warning: chapters/01-intro.md:{FIRST_LINE}: image-failed: image 'fig.png' left out "
        f"of the PDF: {'UnidentifiedImageError' if kind == 'corrupt' else 'DecompressionBombError'}"
        in result.stderr
    )
    again = cli(repo.path, "build", "-o", str(tmp_path / "r2.pdf"))
    assert "left out of the PDF" in again.stderr, "a cached build says it again"
    strict = cli(repo.path, "build", "--strict", "-o", str(tmp_path / "s.pdf"))
    assert strict.exit_code == 1
    assert "left out of the PDF" in strict.stderr
    assert not (tmp_path / "s.pdf").exists()
