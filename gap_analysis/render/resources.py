"""The package's own templates and static files: read, and hashed for the build cache key."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources


@cache
def static_text(name: str) -> str:
    return resources.files("gap_analysis.render").joinpath("static", name).read_text("utf-8")


@cache
def template_hash() -> str:
    """Hash of every template and static file: part of the build cache key."""
    digest = hashlib.sha256()
    root = resources.files("gap_analysis.render")
    for folder in ("templates", "static"):
        for node in sorted(root.joinpath(folder).iterdir(), key=lambda n: n.name):
            if node.is_file():
                digest.update(node.name.encode() + b"\0" + node.read_bytes() + b"\0")
    return digest.hexdigest()
