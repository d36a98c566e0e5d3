"""Templates compiled once per machine (`render.resources.jinja_environment`), never at the
cost of a build: an unusable cache folder or a failed write leaves them compiled each time."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import pytest

from gap_analysis.render.resources import jinja_environment


def _count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self: jinja2.Environment, source: Any, name: Any = None, *args: Any) -> Any:
        compiled.append(str(name))
        return original(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return compiled


def test_a_template_is_compiled_once_and_then_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    compiled = _count_compiles(monkeypatch)
    first = jinja_environment("templates").get_template("report.html.j2")
    assert compiled == ["report.html.j2"]
    folder = tmp_path / f"_jinja2-cache-{os.getuid()}"
    assert [p.name.startswith("gap-analysis-") for p in folder.iterdir()] == [True]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    again = jinja_environment("templates").get_template("report.html.j2")
    assert compiled == ["report.html.j2"]  # loaded compiled
    assert again.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code


def test_templates_load_where_the_cache_folder_cannot_be_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    (tmp_path / f"_jinja2-cache-{os.getuid()}").write_text("not a folder", "utf-8")
    compiled = _count_compiles(monkeypatch)
    env = jinja_environment("templates")
    assert env.bytecode_cache is None
    env.get_template("report.html.j2")
    jinja_environment("templates").get_template("report.html.j2")
    assert compiled == ["report.html.j2", "report.html.j2"]


def test_templates_load_when_the_compiled_one_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    env = jinja_environment("templates")

    def disk_full(*args: Any, **named: Any) -> Any:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", disk_full)
    assert env.get_template("report.html.j2").name == "report.html.j2"
    assert list((tmp_path / f"_jinja2-cache-{os.getuid()}").iterdir()) == []
