"""The package's own templates and static files: read, and hashed for the build cache key."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from gap_analysis.model.wording import counted

if TYPE_CHECKING:
    import jinja2

SNAPSHOT_BASE = "https://snapshot.invalid/"
"""Base URL of the snapshot's files. `.invalid` never resolves, and nothing here opens a socket.
Defined here, not in `render.fetcher`, so that making the HTML does not import WeasyPrint (the
coordinator of a parallel layout never lays anything out)."""
STATIC_BASE = "https://static.invalid/"
"""Base URL of the package's static files (`render.fetcher` serves them)."""


def static_file(path: str) -> bytes | None:
    """A file of `render/static/`, or None (no folders, nothing outside it).

    Here, not in `render.fetcher`: the preview serves these too, and must not load
    WeasyPrint to do it (0.8 s of every preview's start-up)."""
    folder = resources.files("gap_analysis.render").joinpath("static")
    node = folder
    for part in path.split("/"):
        node = node.joinpath(part)
    if not node.is_file():
        return None
    return node.read_bytes()


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


def jinja_environment(folder: str) -> jinja2.Environment:
    """The one way templates are loaded: autoescaped, strict about undefined names.

    Jinja2 is imported here, not at the top: a cached rebuild reads this module
    (template hash) and must not pay for it.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gap_analysis.render", folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["counted"] = counted  # `{{ n | counted("comment") }}`: plurals spelled once
    return env
