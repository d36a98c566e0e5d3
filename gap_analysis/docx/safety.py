"""A reviewer's `.docx` judged before python-docx opens it: the boundary for files from outside.

Refused, each with a one-line reason naming the file: what `zip_package`
refuses for every Office package (not a zip; more than 1,000 members; more
than 50 MB once decompressed; a member path that leaves the folder; XML with
a DOCTYPE or an entity declaration), and a package without
word/document.xml. Only then is the package handed to python-docx, from
memory.
"""

from __future__ import annotations

import io
from typing import Any

import docx

from gap_analysis import zip_package
from gap_analysis.errors import ContentError


def checked_members(raw: bytes, name: str) -> dict[str, bytes]:
    """Every member of the package, read within the limits (`zip_package`); refuses the file otherwise."""
    read = zip_package.checked_members(raw, name, "Word document", ".docx")
    if "word/document.xml" not in read:
        raise ContentError("not a Word document (no word/document.xml)", path=name)
    return read


def open_reviewed(raw: bytes, name: str) -> tuple[Any, dict[str, bytes]]:
    """The python-docx document of a checked package, and its members (for parts it does not read)."""
    members = checked_members(raw, name)
    try:
        return docx.Document(io.BytesIO(raw)), members
    except Exception as exc:  # python-docx raises many kinds on malformed packages
        raise ContentError(f"not a readable Word document: {exc}", path=name) from None
