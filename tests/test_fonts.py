"""Fonts that travel and the six ITU languages: bundled faces, CJK from fixed paths, no silent boxes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from gap_analysis.render.fonts import (
    COVERAGE_FILE,
    bundled_coverage,
    cjk_font_files,
    measured_coverage,
)
from tests.helpers import REPORT_TOML, CliInvoke, ReportRepo, make_report, need

LINES = {
    "en": "Child online protection is a shared task.",
    "fr": "La protection des enfants en ligne est une tâche partagée.",
    "es": "La protección de la infancia en línea es una tarea compartida.",
    "ru": "Защита детей в онлайновой среде — общая задача.",
    "ar": "حماية الأطفال على الإنترنت مهمة مشتركة.",
    "zh": "儿童在线保护是一项共同的任务。",
}
CHINESE = LINES["zh"].rstrip("。")


def _six_languages(tmp_path: Path, toml: str = REPORT_TOML) -> ReportRepo:
    body = "\n\n".join(LINES.values())
    arabic = (
        "---\nid: arabic\nlang: ar\n---\n# العربية\n\nحماية الأطفال مهمة الجميع.\n\nEnglish text.\n"
    )
    return make_report(
        tmp_path / "six",
        {"01-languages.md": f"# Languages\n\n{body}\n", "02-arabic.md": arabic},
        toml,
    )


def _pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:]]


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def _need_cjk() -> None:
    need(bool(cjk_font_files()), "fonts-noto-cjk is not installed (tools/setup.sh installs it)")


def test_the_coverage_file_matches_the_bundled_fonts() -> None:
    shipped = json.loads(
        (
            Path(__file__).parent.parent / "gap_analysis/render/static/fonts" / COVERAGE_FILE
        ).read_text(encoding="utf-8")
    )
    assert shipped == json.loads(json.dumps(measured_coverage()))
    for char in "AzéßΩЖщءي€—":
        assert ord(char) in bundled_coverage(), char


def test_every_line_of_the_six_languages_is_in_the_pdf_in_fonts_of_the_tool(
    tmp_path: Path, cli: CliInvoke
) -> None:
    _need_cjk()
    repo = _six_languages(tmp_path)
    pdf = tmp_path / "six.pdf"
    result = cli(repo.path, "build", "-o", str(pdf), "--strict")
    assert result.exit_code == 0, result.output
    text = _text(pdf)
    for language, line in LINES.items():
        for word in re.findall(r"\w+", line):
            assert word in text, (language, word)
    fonts = _pdffonts(pdf)
    names = [row[0].split("+", 1)[1] for row in fonts]
    assert all(name.startswith("GA-") for name in names), names
    assert all(row[-5] == "yes" for row in fonts), fonts  # every font embedded
    assert {"GA-Serif", "GA-Naskh", "GA-CJK-Serif"} <= set(names)


def test_chinese_is_drawn_with_real_glyphs_not_boxes(tmp_path: Path, cli: CliInvoke) -> None:
    _need_cjk()
    repo = _six_languages(tmp_path)
    pdf = tmp_path / "six.pdf"
    assert cli(repo.path, "build", "-o", str(pdf)).exit_code == 0
    glyphs = _glyph_ids(pdf, "CJK")
    assert len(glyphs) >= len(CHINESE)
    assert 0 not in glyphs  # glyph 0 is .notdef: the empty box


def _glyph_ids(pdf: Path, font_part: str) -> list[int]:
    """The glyph ids (Identity-H: two bytes each) shown with a font whose name has `font_part`."""
    reader = PdfReader(pdf)
    ids: list[int] = []
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        current = ""
        content = ContentStream(page.get_contents(), reader)
        for operands, operator in content.operations:
            if operator == b"Tf":
                current = str(fonts[operands[0]].get_object()["/BaseFont"])
            elif operator in (b"Tj", b"TJ") and font_part in current:
                items = operands[0] if operator == b"TJ" else [operands[0]]
                for item in items:
                    raw = item if isinstance(item, bytes) else getattr(item, "original_bytes", None)
                    if raw is not None:
                        ids += [
                            int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)
                        ]
    return ids


@pytest.mark.slow
def test_a_latin_report_gives_the_same_bytes_with_or_without_the_machines_fonts(
    tmp_path: Path,
) -> None:
    repo = make_report(tmp_path / "latin")
    empty = tmp_path / "fonts.conf"
    empty.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n',
        encoding="utf-8",
    )
    outputs = []
    for name, extra in (("machine", {}), ("empty", {"FONTCONFIG_FILE": str(empty)})):
        pdf = tmp_path / f"{name}.pdf"
        done = subprocess.run(
            [sys.executable, "-m", "gap_analysis", "--repo", str(repo.path), "build", "HEAD"]
            + ["-o", str(pdf), "--no-cache", "--strict"],
            env={**os.environ, **extra},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(pdf.read_bytes())
    assert outputs[0] == outputs[1]


def test_text_without_a_font_is_named_with_file_and_line_and_fails_strict(
    tmp_path: Path, cli: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAP_ANALYSIS_CJK_FONT_DIRS", str(tmp_path / "no-fonts-here"))
    repo = _six_languages(tmp_path)
    result = cli(repo.path, "build", "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 0
    # Line 13 of the file: the heading, a blank line, then one line per language.
    expected = (
        f"chapters/01-languages.md:13: no-font: no font for {CHINESE}。; install fonts-noto-cjk"
    )
    assert expected in result.stderr
    strict = cli(repo.path, "build", "-o", str(tmp_path / "y.pdf"), "--strict")
    assert strict.exit_code == 1
    assert "no-font" in strict.stderr and "Traceback" not in strict.stderr


def test_a_symbol_no_font_has_is_named_too(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "r", {"01-a.md": "# A\n\nDone \u2713 and \U0001f600.\n"})
    result = cli(repo.path, "build", "-o", str(tmp_path / "x.pdf"))
    assert "chapters/01-a.md:3: no-font: no font for \u2713\U0001f600" in result.stderr


def test_the_report_language_sets_the_words_around_the_text(tmp_path: Path, cli: CliInvoke) -> None:
    toml = REPORT_TOML.replace(
        'group = "Test Correspondence Group"\n', 'group = "G"\nlanguage = "fr"\n'
    )
    repo = make_report(
        tmp_path / "fr", {"01-a.md": "# Portée\n\nTexte.\n", "A1-b.md": "# Sigles\n\nX.\n"}, toml
    )
    pdf = tmp_path / "fr.pdf"
    assert cli(repo.path, "build", "-o", str(pdf)).exit_code == 0
    text = _text(pdf)
    assert "Table des matières" in text and "Contents" not in text
    assert "Annexe A" in text and "Annex A" not in text
    pages = len(PdfReader(pdf).pages)
    assert f"Page 2 sur {pages}" in text and "Page 2 of" not in text
    assert "Source" in text and "Version" in text
    assert "Registre des lacunes" in text and "Gap register" not in text


def test_an_arabic_chapter_runs_right_to_left_and_a_foreign_paragraph_gets_its_own_direction(
    tmp_path: Path, cli: CliInvoke
) -> None:
    repo = _six_languages(tmp_path)
    html = tmp_path / "six.html"
    assert cli(repo.path, "build", "--html", str(html), "--html-only").exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert re.search(r'<section class="chapter" id="arabic" lang="ar" dir="rtl">', page)
    assert '<p dir="ltr">English text.</p>' in page
    assert f'<p dir="rtl">{LINES["ar"]}</p>' in page
    assert f"<p>{LINES['ru']}</p>" in page


def test_a_bad_language_tag_is_an_error_with_its_line(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "r", {"01-a.md": "---\ntitle: A\nlang: 'not a tag'\n---\n# A\n"})
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    assert "chapters/01-a.md:3:" in result.stdout + result.stderr
    assert "language tag" in result.stdout + result.stderr


def _structure_languages(pdf: Path) -> set[str]:
    reader = PdfReader(pdf)
    found: set[str] = set()
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if isinstance(node, dict):
            if "/Lang" in node:
                found.add(str(node["/Lang"]))
            kids = node.get("/K")
            if kids is not None:
                todo += [
                    k
                    for k in (kids if isinstance(kids, list) else [kids])
                    if hasattr(k, "get_object")
                ]
    return found


@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-3u"])
def test_tagged_variants_carry_each_chapters_language_and_embed_every_font(
    tmp_path: Path, cli: CliInvoke, variant: str
) -> None:
    _need_cjk()
    repo = _six_languages(tmp_path)
    pdf = tmp_path / "tagged.pdf"
    result = cli(repo.path, "build", "--variant", variant, "-o", str(pdf))
    assert result.exit_code == 0, result.output
    root = PdfReader(pdf).trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"]
    assert "ar" in _structure_languages(pdf)
    assert all(row[-5] == "yes" for row in _pdffonts(pdf))
