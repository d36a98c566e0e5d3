"""WeasyPrint's cffi interface taught to read an array type of a new length without its C parser."""

from __future__ import annotations

import re
from typing import Any

_ARRAY = re.compile(r"\s*([A-Za-z_][\w ]*?)\s*\[(\d+)\]\s*")


def arrays_parsed_once() -> None:
    """Parse `T[N]` as an array of N of `T`, `T` parsed once.

    WeasyPrint asks cffi for `hb_codepoint_t[N]` with N the number of glyphs it keeps
    of a font, twice per font each time it writes a PDF, and cffi runs its C parser
    (pycparser, about 10 ms) for each new N. A parallel layout writes one PDF per
    part: MASVS's 17 parts asked for 39 lengths, 0.4 s of one worker's CPU. The type
    made here is the one the parser makes (a test compares them).
    """
    from weasyprint.text.ffi import ffi

    parser = getattr(ffi, "_parser", None)
    original = getattr(parser, "parse_type_and_quals", None)
    if original is None or getattr(original, "arrays_parsed_once", False):
        return
    open_arrays: dict[str, Any] = {}

    def parse_type_and_quals(cdecl: str) -> tuple[Any, int]:
        found = _ARRAY.fullmatch(cdecl)
        if found is None:
            return original(cdecl)  # type: ignore[no-any-return]
        open_array = open_arrays.get(found[1])
        if open_array is None:
            open_array = open_arrays[found[1]] = original(found[1] + "[]")[0]
        return type(open_array)(open_array.item, int(found[2])), 0  # cffi's model.ArrayType

    parse_type_and_quals.arrays_parsed_once = True  # type: ignore[attr-defined]
    parser.parse_type_and_quals = parse_type_and_quals  # type: ignore[union-attr]
