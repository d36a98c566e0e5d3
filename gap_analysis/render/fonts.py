"""The fonts a build uses: bundled Noto faces, CJK faces from a fixed path list, and their coverage.

Why bundled: WeasyPrint asks fontconfig for every family a stylesheet names,
so a PDF's bytes used to depend on the fonts a machine happened to have. The
stylesheet now names only the families declared here with `@font-face`; their
files ship inside the package (`static/fonts/`, OFL), so the same revision gives
the same PDF on any machine. CJK fonts are too large to ship: they are taken
from a fixed list of paths (Debian's `fonts-noto-cjk`), never from whatever
fontconfig would pick, and declared only when the text needs them.

Coverage is read from the fonts' `cmap` tables with fontTools (a dependency of
WeasyPrint), so a build can name every character no font can draw instead of
printing empty boxes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

STATIC_FONT_FOLDER = "fonts"
CJK_FONT_BASE = "https://cjk-font.invalid/"
"""URLs of CJK font files; the fetcher serves exactly the files of `cjk_font_files()`."""

CJK_PATHS_VARIABLE = "GAP_ANALYSIS_CJK_FONT_DIRS"
"""Colon-separated folders searched instead of the defaults (for tests and unusual installs)."""

DEFAULT_CJK_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/local/share/fonts/noto-cjk",
    "/Library/Fonts",
)
CJK_INSTALL_HINT = "install fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk)"


@dataclass(frozen=True, slots=True)
class Face:
    family: str
    """The family name the stylesheet uses."""
    file: str
    weight: str = "normal"
    style: str = "normal"


SERIF, SANS, MONO, NASKH = "GA Serif", "GA Sans", "GA Mono", "GA Naskh"
CJK_SERIF, CJK_SANS = "GA CJK Serif", "GA CJK Sans"

BUNDLED_FACES: tuple[Face, ...] = (
    Face(SERIF, "NotoSerif-Regular.ttf"),
    Face(SERIF, "NotoSerif-Bold.ttf", "bold"),
    Face(SERIF, "NotoSerif-Italic.ttf", style="italic"),
    Face(SERIF, "NotoSerif-BoldItalic.ttf", "bold", "italic"),
    Face(SANS, "NotoSans-Regular.ttf"),
    Face(SANS, "NotoSans-Bold.ttf", "bold"),
    Face(SANS, "NotoSans-Italic.ttf", style="italic"),
    Face(SANS, "NotoSans-BoldItalic.ttf", "bold", "italic"),
    Face(MONO, "NotoSansMono-Regular.ttf"),
    Face(MONO, "NotoSansMono-Bold.ttf", "bold"),
    Face(NASKH, "NotoNaskhArabic-Regular.ttf"),
    Face(NASKH, "NotoNaskhArabic-Bold.ttf", "bold"),
)

CJK_FACES: tuple[Face, ...] = (
    Face(CJK_SERIF, "NotoSerifCJK-Regular.ttc"),
    Face(CJK_SERIF, "NotoSerifCJK-Bold.ttc", "bold"),
    Face(CJK_SANS, "NotoSansCJK-Regular.ttc"),
    Face(CJK_SANS, "NotoSansCJK-Bold.ttc", "bold"),
)


def cjk_dirs() -> tuple[str, ...]:
    configured = os.environ.get(CJK_PATHS_VARIABLE)
    if configured is not None:
        return tuple(part for part in configured.split(":") if part)
    return DEFAULT_CJK_DIRS


def cjk_font_files() -> dict[str, Path]:
    """The CJK face files found on the fixed path list: file name -> path (first folder wins)."""
    found: dict[str, Path] = {}
    for face in CJK_FACES:
        for folder in cjk_dirs():
            path = Path(folder) / face.file
            if path.is_file():
                found[face.file] = path
                break
    return found


def _static_font(name: str) -> bytes:
    return (
        resources.files("gap_analysis.render")
        .joinpath("static", STATIC_FONT_FOLDER, name)
        .read_bytes()
    )


def font_face_css(static_base: str, cjk: bool) -> str:
    """`@font-face` rules for the bundled faces, and for the CJK faces found when `cjk`."""
    rules = [
        _rule(face, f"{static_base}{STATIC_FONT_FOLDER}/{face.file}") for face in BUNDLED_FACES
    ]
    if cjk:
        files = cjk_font_files()
        rules += [_rule(f, CJK_FONT_BASE + f.file) for f in CJK_FACES if f.file in files]
    return "\n".join(rules) + "\n"


def _rule(face: Face, url: str) -> str:
    return (
        f'@font-face {{ font-family: "{face.family}"; src: url("{url}");'
        f" font-weight: {face.weight}; font-style: {face.style}; }}"
    )


@cache
def _cjk() -> re.Pattern[str]:
    """Radicals, kana, CJK symbols and Han; Hangul; compatibility and full-width forms.

    Compiled at first use: its ranges cost 10 ms to compile, a twentieth of a cached
    rebuild, which never needs it."""
    return re.compile(
        "[\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f"
        "\uff00-\uffef\U00020000-\U0003ffff]"
    )


def needs_cjk(text: str) -> bool:
    """Whether `text` has a character that only a CJK face covers."""
    if not text or max(text) < "\u2e80":
        return False  # the usual case, decided by one pass in C
    covered = bundled_coverage()
    return any(ord(found.group()) not in covered for found in _cjk().finditer(text))


def is_cjk(code: int) -> bool:
    return _cjk().fullmatch(chr(code)) is not None


COVERAGE_FILE = "coverage.json"
"""The code points the bundled faces draw, as ranges: read from their `cmap` tables once, by
`tools/font-coverage`, since parsing twelve fonts costs more than a whole cached rebuild
(a test checks that the file matches the fonts)."""


@cache
def bundled_coverage() -> frozenset[int]:
    """Every code point some bundled face draws."""
    data = json.loads(_static_font(COVERAGE_FILE))
    return frozenset(code for start, end in data["ranges"] for code in range(start, end + 1))


def measured_coverage() -> dict[str, object]:
    """The coverage file's content, measured from the bundled faces themselves."""
    codes = sorted(frozenset().union(*(_cmap(_static_font(f.file)) for f in BUNDLED_FACES)))
    return {"faces": [face.file for face in BUNDLED_FACES], "ranges": _ranges(codes)}


def _ranges(codes: Sequence[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


def cjk_coverage() -> frozenset[int]:
    """Every code point the CJK faces found on this machine draw (empty when none is found)."""
    files = cjk_font_files()
    regular = [files[f.file] for f in CJK_FACES if f.weight == "normal" and f.file in files]
    return _collection_coverage(regular[0]) if regular else frozenset()


@cache
def _collection_coverage(path: Path) -> frozenset[int]:
    return _cmap(path.read_bytes(), collection=True)


def _cmap(data: bytes, collection: bool = False) -> frozenset[int]:
    from io import BytesIO

    from fontTools.ttLib import TTCollection, TTFont  # WeasyPrint's own dependency

    fonts: Sequence[TTFont]
    if collection or data[:4] == b"ttcf":
        fonts = TTCollection(BytesIO(data), lazy=True).fonts[:1]
    else:
        fonts = [TTFont(BytesIO(data), lazy=True)]
    codes: set[int] = set()
    for font in fonts:
        codes.update(font.getBestCmap() or {})
    return frozenset(codes)


def uncovered(text: str) -> str:
    """The characters of `text` (in order, once each) that no available font draws."""
    seen: dict[str, None] = {}
    for found in _outside_bundled().finditer(text):
        char = found.group()
        if char in seen or (is_cjk(ord(char)) and ord(char) in cjk_coverage()):
            continue
        seen[char] = None
    return "".join(seen)


@cache
def _outside_bundled() -> re.Pattern[str]:
    """A character class of everything the bundled faces do not draw (and is not invisible).

    One regular expression, so scanning a 300-page report costs a C loop, not a Python one.
    """
    ranges = _ranges(sorted(bundled_coverage() | _INVISIBLE))
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[^{body}]")


_INVISIBLE = frozenset(
    [
        *range(0x00, 0x20),
        *range(0x7F, 0xA0),
        0x00AD,
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        0x2060,
        *range(0x2066, 0x206A),
        *range(0xFE00, 0xFE10),
        0xFEFF,
    ]
)
"""Characters that draw nothing: controls, soft hyphen, zero-width and direction marks, variation
selectors, the byte-order mark."""
