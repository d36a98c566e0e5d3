"""The package's own templates and static files: read, and hashed for the build cache key."""

from __future__ import annotations

import contextlib
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
    env.bytecode_cache = _compiled_templates(env)
    env.filters["counted"] = counted  # `{{ n | counted("comment") }}`: plurals spelled once
    return env


def _compiled_templates(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Templates compiled once per machine, not on every run: the report's template took
    0.05 s of every build's start to compile (loaded compiled: 0.1 ms).

    Jinja's own cache, in its own folder for this user (`_jinja2-cache-<uid>` in the temporary
    folder, mode 0700: Jinja refuses one that another user could write), each template under
    its path and the hash of its source, and of the settings of `env` that change what it
    compiles to; written whole or not at all. None where that folder cannot be had; a
    template that cannot be written there is compiled again the next time.
    """
    import jinja2

    settings = repr(
        (env.autoescape, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline)
        + (env.newline_sequence, env.optimized, sorted(env.extensions))
    )

    class Kept(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return Kept(pattern=f"gap-analysis-{hashlib.sha256(settings.encode()).hexdigest()[:16]}-%s")
    except (OSError, RuntimeError):  # no temporary folder, or one another user holds
        return None
