"""File names that put chapters in a wanted order: `01-`, `02-`, ... and annexes `A-`, `B-`, ...

Pure: paths in, paths out. Chapters are ordered by file name (annexes after
the body), so moving a chapter is renaming files. A file keeps its name when
its prefix already says its place, so a move renames only the files between
the old and the new place; the rest of a name (what the id is derived from)
never changes.
"""

from __future__ import annotations

from gap_analysis.errors import RefusedError
from gap_analysis.markdown.chapters import by_file_name, order_prefix
from gap_analysis.model.chapter import annex_letter


def _folder_and_name(path: str) -> tuple[str, str]:
    folder, _, name = path.rpartition("/")
    return folder, name


def _body_name(name: str, number: int, width: int) -> str:
    order, rest = order_prefix(name)
    wanted = f"{number:0{width}d}"
    return name if order == wanted else f"{wanted}-{rest}"


def _annex_name(name: str, index: int) -> str:
    letter = annex_letter(index)
    if len(letter) > 1:
        raise RefusedError("more than 26 annexes cannot be ordered by file name (A- to Z-)")
    order, rest = order_prefix(name)
    suffix = order[1:] if order[:1].isalpha() and order[1:].isdigit() else ""
    if order == letter + suffix:
        return name
    return f"{letter}{suffix}-{rest}"


def renamed_for_order(body: list[str], annexes: list[str]) -> dict[str, str]:
    """Old path -> new path for each file whose name must change so that the
    chapters sort as `body` then `annexes` (paths in the wanted order)."""
    numbers = [order_prefix(_folder_and_name(p)[1])[0] for p in body]
    width = max([2, len(str(len(body))), *(len(n) for n in numbers if n.isdigit())])
    renamed: dict[str, str] = {}
    for number, path in enumerate(body, 1):
        folder, name = _folder_and_name(path)
        new = _body_name(name, number, width)
        if new != name:
            renamed[path] = f"{folder}/{new}" if folder else new
    for index, path in enumerate(annexes):
        folder, name = _folder_and_name(path)
        new = _annex_name(name, index)
        if new != name:
            renamed[path] = f"{folder}/{new}" if folder else new
    final = [renamed.get(p, p) for p in [*body, *annexes]]
    if by_file_name(final) != final or len(set(final)) != len(final):
        # e.g. `1-a.md` kept beside a new `02-b.md`: number every file afresh
        renamed = {}
        for number, path in enumerate(body, 1):
            folder, name = _folder_and_name(path)
            new = f"{number:0{width}d}-{order_prefix(name)[1]}"
            if new != name:
                renamed[path] = f"{folder}/{new}" if folder else new
        for index, path in enumerate(annexes):
            folder, name = _folder_and_name(path)
            new = f"{annex_letter(index)}-{order_prefix(name)[1]}"
            if new != name:
                renamed[path] = f"{folder}/{new}" if folder else new
        final = [renamed.get(p, p) for p in [*body, *annexes]]
        if by_file_name(final) != final or len(set(final)) != len(final):
            raise RefusedError(
                "the chapters' file names cannot be put in that order; rename them by hand"
            )
    return renamed
