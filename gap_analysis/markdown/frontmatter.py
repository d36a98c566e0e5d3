"""Split a chapter file into YAML front matter and body, and check the front matter."""

from __future__ import annotations

import re
from typing import Any

import yaml

from gap_analysis.errors import ContentError

_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")


class _NoTagLoader(yaml.SafeLoader):
    """SafeLoader that refuses every explicit tag, even the standard ones."""


class _FastNoTagLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same in libyaml's C parser where PyYAML has it (its wheels do): about ten times
    faster, the same safe constructor. Its error positions differ from the pure-Python
    parser's, so text it refuses is parsed again by `_NoTagLoader` for the message."""


def _refuse_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None, None, f"YAML tag '{node.tag}' is not allowed", node.start_mark
    )


for _loader in (_NoTagLoader, _FastNoTagLoader):
    _loader.add_multi_constructor("!", _refuse_tag)
    _loader.add_multi_constructor("tag:", _refuse_tag)


def decode_text(raw: bytes, path: str) -> str:
    """UTF-8 (a BOM accepted) with line ends normalised to LF; else a `ContentError` with the line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError("not valid UTF-8 text", path=path, line=line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml(text: str, path: str, first_line: int) -> Any:
    """`yaml.safe_load` with every tag refused; errors name the file line."""
    try:
        return yaml.load(text, Loader=_FastNoTagLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        pass  # parsed again below, for the pure-Python parser's message and line
    try:
        return yaml.load(text, Loader=_NoTagLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        raise ContentError(f"invalid YAML: {exc.problem or exc}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"invalid YAML: {exc}", path=path, line=first_line) from None


def split(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, file line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text, 1
    for index in range(1, len(lines)):
        if _CLOSE.match(lines[index]):
            data = load_yaml("\n".join(lines[1:index]), path, 2)
            if data is None:
                data = {}
            if not isinstance(data, dict):
                kind = "a list" if isinstance(data, list) else "a single value"
                raise ContentError(
                    f"front matter must be a mapping of keys to values, not {kind}",
                    path=path,
                    line=2,
                )
            return data, "\n".join(lines[index + 1 :]), index + 2
    raise ContentError("front matter opened with '---' is never closed", path=path, line=1)
