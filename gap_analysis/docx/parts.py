"""Package parts python-docx does not make: footnotes, custom properties, missing styles; fixed zip bytes."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from html import escape
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.shared import Pt, RGBColor

from gap_analysis.docx.ooxml import Element, element, run

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FOOTNOTES = (
    f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:footnote>"
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"/>'
    "</w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"
    "</w:footnotes>"
)
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_PROPERTY_SET = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


class Footnotes:
    """The document's footnotes part; `add` returns the id a `w:footnoteReference` names."""

    def __init__(self, document: Any) -> None:
        self.part = XmlPart(
            PackURI("/word/footnotes.xml"),
            CT.WML_FOOTNOTES,
            parse_xml(_FOOTNOTES),
            document.part.package,
        )
        document.part.relate_to(self.part, RT.FOOTNOTES)
        self.next_id = 1

    def add(self, paragraphs: list[Element]) -> int:
        """A footnote made of these `w:p` (the first gets the footnote mark)."""
        number = self.next_id
        self.next_id += 1
        note = element("w:footnote", {"w:id": str(number)})
        if not paragraphs:
            paragraphs = [element("w:p")]
        first = paragraphs[0]
        mark = element(
            "w:r",
            None,
            element("w:rPr", None, element("w:rStyle", {"w:val": "FootnoteReference"})),
            element("w:footnoteRef"),
        )
        at = 1 if first.find(f"{{{W_NS}}}pPr") is not None else 0
        first.insert(at, mark)
        first.insert(at + 1, run(" "))
        for paragraph in paragraphs:
            note.append(paragraph)
        self.part.element.append(note)
        return number


def reference_run(number: int) -> Element:
    return element(
        "w:r",
        None,
        element("w:rPr", None, element("w:rStyle", {"w:val": "FootnoteReference"})),
        element("w:footnoteReference", {"w:id": str(number)}),
    )


def add_custom_properties(document: Any, properties: list[tuple[str, str]]) -> None:
    """`docProps/custom.xml` with text properties (e.g. the commit)."""
    body = "".join(
        f'<property fmtid="{_PROPERTY_SET}" pid="{index + 2}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for index, (name, value) in enumerate(properties)
    )
    xml = f'<Properties xmlns="{_CUSTOM_NS}" xmlns:vt="{_VT_NS}">{body}</Properties>'
    package = document.part.package
    part = XmlPart(
        PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, parse_xml(xml), package
    )
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def ensure_styles(document: Any) -> None:
    """The styles the template lacks: Footnote Text, Footnote Reference, Hyperlink, Table of Figures."""
    styles = document.styles
    names = {style.name for style in styles}
    if "Footnote Text" not in names:
        text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        text.base_style = styles["Normal"]
        text.font.size = Pt(9)
        text.paragraph_format.space_after = Pt(0)
    if "Footnote Reference" not in names:
        mark = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        mark.font.superscript = True
    if "Table of Figures" not in names:  # Word's style for a `TOC \c` field's entries
        entry = styles.add_style("Table of Figures", WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = styles["Normal"]
        entry.paragraph_format.space_after = Pt(0)
    if "Hyperlink" not in names:
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
        link.font.underline = True


def package_bytes(document: Any, when: datetime) -> bytes:
    """The document's package as zip bytes, every member dated `when` (the snapshot's date).

    What python-docx's `save` writes, compressed once and dated in one pass
    (saving and then re-dating every member compressed everything twice).
    """
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        members = _DatedMembers(archive, max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0)))
        PackageWriter._write_content_types_stream(members, parts)  # type: ignore[no-untyped-call]
        PackageWriter._write_pkg_rels(members, package.rels)  # type: ignore[no-untyped-call]
        PackageWriter._write_parts(members, parts)  # type: ignore[arg-type]
    return out.getvalue()


class _DatedMembers:
    """What `PackageWriter` writes to (python-docx's `PhysPkgWriter`), with fixed dates and modes."""

    def __init__(self, archive: zipfile.ZipFile, stamp: tuple[int, ...]) -> None:
        self.archive = archive
        self.stamp = stamp

    def write(self, uri: Any, blob: bytes) -> None:
        member = zipfile.ZipInfo(uri.membername, date_time=self.stamp)  # type: ignore[arg-type]
        member.compress_type = zipfile.ZIP_DEFLATED
        member.external_attr = 0o644 << 16
        self.archive.writestr(member, blob)
