"""WeasyPrint's cffi interface spared most runs of its C parser.

cffi turns each new type name WeasyPrint asks for (`ffi.new("PangoRectangle *")`)
into a type by running its C parser (pycparser) on a small declaration, behind
the typedefs of every common C type: about 7 ms a type on this machine,
whatever the type. A process that lays out its first document asks for about
ten (0.06-0.09 s of a layout worker's first part), and one per new length of
an array type each time it writes a PDF (`hb_codepoint_t[N]`, N the glyphs it
keeps of a font: MASVS's 17 parts asked for 39 lengths, 0.4 s of one worker).
So the types WeasyPrint is known to ask for are parsed in one run, as the
parameters of one declaration, and an array type `T[N]` is made from `T[]`,
parsed once. Each type is the one the parser makes (a test compares them); a
type not in the list is parsed when asked for, as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

KNOWN_TYPES = (
    "PangoFcFontMap *",
    "FcChar8 **",
    "PangoRectangle *",
    "PangoLogAttr[]",
    "unsigned int *",
    "char[]",
    "hb_tag_t[]",
    "hb_codepoint_t[]",
)
"""What WeasyPrint 70 asks cffi for while it lays out and writes a report's part (the arrays
by their open form): a test lays one out and checks that the parser is not run."""

_ARRAY = re.compile(r"\s*([A-Za-z_][\w ]*?)\s*\[(\d+)\]\s*")


def types_parsed_once(known: Sequence[str] = KNOWN_TYPES) -> None:
    """Parse `known` in one run, and `T[N]` as an array of N of `T[]`'s item, from then on."""
    from weasyprint.text.ffi import ffi

    parser = getattr(ffi, "_parser", None)
    original = getattr(parser, "parse_type_and_quals", None)
    if original is None or getattr(original, "types_parsed_once", False):
        return
    parsed: dict[str, tuple[Any, int]] = _parsed_together(parser, known)

    def parse_type_and_quals(cdecl: str) -> tuple[Any, int]:
        found = parsed.get(cdecl)
        if found is not None:
            return found
        array = _ARRAY.fullmatch(cdecl)
        if array is None:
            return original(cdecl)  # type: ignore[no-any-return]
        open_array = parsed.get(array[1] + "[]")
        if open_array is None:
            open_array = parsed[array[1] + "[]"] = original(array[1] + "[]")
        return type(open_array[0])(open_array[0].item, int(array[2])), 0  # cffi's model.ArrayType

    parse_type_and_quals.types_parsed_once = True  # type: ignore[attr-defined]
    parser.parse_type_and_quals = parse_type_and_quals  # type: ignore[union-attr]


def _parsed_together(parser: Any, cdecls: Sequence[str]) -> dict[str, tuple[Any, int]]:
    """Each of `cdecls` parsed as cffi's `parse_type_and_quals` parses one (as the parameter
    of a function declaration), all in one declaration; nothing if the parser refuses any."""
    try:
        ast = parser._parse("void __dummy(\n%s\n);" % ",\n".join(cdecls))[0]  # noqa: SLF001, UP031
        params = ast.ext[-1].type.args.params
        return {
            cdecl: parser._get_type_and_quals(param.type)  # noqa: SLF001
            for cdecl, param in zip(cdecls, params, strict=True)
        }
    except Exception:  # noqa: BLE001 - a type this WeasyPrint does not declare: parsed when asked
        return {}
