"""`packet VERSION --docx`: the packet's report and its redline as Word documents beside the PDF.

ITU meetings work on Word files: the report goes as `<packet>.docx` (the
version's cover and standing, as `build VERSION --format docx`), and the
changes against the packet's older version as `<packet>-revision-marks.docx`
with native tracked changes (as `diff OLD VERSION --format docx`).
"""

from __future__ import annotations

from pathlib import Path

from gap_analysis.gitstore import GitStore
from gap_analysis.services.build.packet import PacketResult
from gap_analysis.services.build.word import DocxResult, build_docx
from gap_analysis.services.build.word_redline import redline_docx
from gap_analysis.services.review.standing import extras_for


def packet_docx(store: GitStore, packet: PacketResult) -> list[DocxResult]:
    """Write the Word files of a packet next to its PDF; returns what was written."""
    stem = packet.path.with_suffix("")
    written = [
        build_docx(
            store,
            packet.version,
            Path(f"{stem}.docx"),
            extras_for(store, packet.version),
        )
    ]
    if packet.against:
        marks, _changed = redline_docx(
            store, packet.against, packet.version, Path(f"{stem}-revision-marks.docx")
        )
        written.append(marks)
    return written
