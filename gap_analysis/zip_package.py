"""An Office package (.docx, .xlsx) from outside judged before any library opens it.

Both are zip files, so both can be zip bombs. Refused, each with a one-line
reason naming the file: not a zip; more than `MAX_MEMBERS` members; more than
`MAX_BYTES` once decompressed (counted while reading, not trusted from the
zip's own header); a member path that is absolute or leaves the folder; any
XML part with a DOCTYPE or an entity declaration (never resolved: the file is
refused). The one mechanism for every format: `docx.safety` and the comment
form's workbook reader (`services.comments.form_xlsx`) both call it.
"""

from __future__ import annotations

import io
import re
import zipfile

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


def checked_members(raw: bytes, name: str, kind: str, suffix: str) -> dict[str, bytes]:
    """Every member of the package, read within the limits; refuses the file otherwise.

    `kind` and `suffix` name the format in the refusal of a file that is no zip
    ("Word document", ".docx").
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError):
        raise ContentError(
            f"not a {kind} ({suffix} is a zip file; this is not one)", path=name
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
    return read
