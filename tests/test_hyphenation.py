"""Hyphenation patterns kept once parsed (`render.hyphenation`): what pyphen itself makes, or nothing."""

from __future__ import annotations

from pathlib import Path

import pyphen
import pytest

from gap_analysis.render import hyphenation

WORDS = [
    "standardisation",
    "recommendations",
    "correspondence",
    "internationale",
    "organizaciones",
    "protection",
    "hyphenation",
]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder, pyphen's own cache of dictionaries emptied, the kept class on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(pyphen, "hdcache", {})
    monkeypatch.setattr(pyphen, "HyphDict", pyphen.HyphDict)
    hyphenation.patterns_kept()
    return tmp_path / "gap-analysis" / "hyphenation"


def _parsed(lang: str) -> pyphen.HyphDict:
    """The dictionary as pyphen alone parses it."""
    return hyphenation._KeptHyphDict.__mro__[1](pyphen.LANGUAGES[pyphen.language_fallback(lang)])


@pytest.mark.parametrize("lang", ["en", "fr", "es", "ru"])
def test_kept_patterns_are_those_pyphen_parses(cache: Path, lang: str) -> None:
    first = pyphen.Pyphen(lang=lang).hd
    assert len(list(cache.iterdir())) == 1  # parsed once, kept
    pyphen.hdcache.clear()
    again = pyphen.Pyphen(lang=lang).hd
    reference = _parsed(lang)
    assert first.patterns == again.patterns == reference.patterns
    assert first.maxlen == again.maxlen == reference.maxlen
    assert [again.positions(w) for w in WORDS] == [reference.positions(w) for w in WORDS]
    assert type(again).__mro__[1] is type(reference)


def test_a_kept_file_that_is_not_what_pyphen_makes_is_parsed_again(cache: Path) -> None:
    pyphen.Pyphen(lang="fr")
    (kept,) = cache.iterdir()
    reference = _parsed("fr").patterns
    for damaged in ("{not json", '{"ab": [1]}', '{"ab": [1, ["2"]]}', "[]", "{}"):
        kept.write_text(damaged, encoding="utf-8")
        pyphen.hdcache.clear()
        assert pyphen.Pyphen(lang="fr").hd.patterns == reference
        assert kept.read_text(encoding="utf-8") != damaged  # written again, whole


def test_nonstandard_hyphenation_is_never_kept(cache: Path) -> None:
    """Catalan's `l·l` patterns say how to change the word, which JSON numbers cannot."""
    dictionary = pyphen.Pyphen(lang="ca")
    assert not cache.exists() or not list(cache.iterdir())
    assert dictionary.hd.patterns == _parsed("ca").patterns


def test_a_cache_folder_that_cannot_be_written_costs_only_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where the folder would go
    monkeypatch.setattr(pyphen, "hdcache", {})
    monkeypatch.setattr(pyphen, "HyphDict", pyphen.HyphDict)
    hyphenation.patterns_kept()
    assert pyphen.Pyphen(lang="en").hd.patterns == _parsed("en").patterns
