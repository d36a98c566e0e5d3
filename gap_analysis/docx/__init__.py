"""The Word adapter: the only importer of python-docx (writing reports and redlines, reading reviewed copies)."""

from __future__ import annotations

import re
from functools import cache
from importlib.util import find_spec
from pathlib import Path


@cache
def engine_version() -> str:
    """python-docx's version, part of a Word build's cache key (its default template is in
    every DOCX), read without importing it: a cached rebuild does not load python-docx."""
    spec = find_spec("docx")
    if spec is not None and spec.origin:
        text = Path(spec.origin).read_text(encoding="utf-8")
        found = re.search(r"^__version__ = ['\"]([^'\"]+)['\"]", text, re.MULTILINE)
        if found:
            return found.group(1)
    from importlib.metadata import version

    return version("python-docx")
