"""A reviewer's `.docx` judged before python-docx opens it: the boundary for files from outside.

Refused, each with a one-line reason naming the file: not a zip; more than
1,000 members; more than 50 MB once decompressed (counted while reading, not
trusted from the zip's own header); a member path that is absolute or leaves
the folder; any XML part with a DOCTYPE or an entity declaration (never
resolved: the file is refused). Only then is the package handed to
python-docx, from memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import docx

from gap_analysis.errors import ContentError

MAX_MEMBERS = 1_000
MAX_BYTES = 50 * 1024 * 1024
_CHUNK = 1 << 16
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _safe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return not (
        name.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", name)
        or ".." in parts
        or "\0" in name
    )


def _xml_text(data: bytes) -> bytes:
    """XML bytes as UTF-8 for the declaration check (UTF-16 parts are decoded first)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return data


def checked_members(raw: bytes, name: str) -> dict[str, bytes]:
    """Every member of the package, read within the limits; refuses the file otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        raise ContentError(
            "not a Word document (.docx is a zip file; this is not one)", path=name
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ContentError(
                f"refused: {len(members)} zip members (at most {MAX_MEMBERS:,})", path=name
            )
        total = 0
        read: dict[str, bytes] = {}
        for member in members:
            if not _safe_name(member.filename):
                raise ContentError(
                    f"refused: zip member '{member.filename}' leaves the folder", path=name
                )
            chunks = []
            try:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_BYTES:
                            raise ContentError(
                                f"refused: more than {MAX_BYTES // (1024 * 1024)} MB once "
                                "decompressed (a zip bomb?)",
                                path=name,
                            )
                        chunks.append(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise ContentError(
                    f"damaged zip member '{member.filename}': {exc}", path=name
                ) from None
            data = b"".join(chunks)
            if member.filename.endswith((".xml", ".rels")) and _DECLARATION.search(_xml_text(data)):
                raise ContentError(
                    f"refused: '{member.filename}' declares a DOCTYPE or an entity "
                    "(never resolved)",
                    path=name,
                )
            read[member.filename] = data
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
