"""The parallel layout's cache of parts under `dist/.cache/parts/` (`render.parallel.PartStore`).

Two kinds of entry, each under a key of everything that determines it (the
part's whole HTML, with the stylesheet, the fonts' `@font-face` rules and
the page numbers written into its page references, but not the running
header, which parts do not draw; the tool, the engine, the templates and the
snapshot's images, as `salt`):

* `<key>.part.json` + `<key>.<n>.part.pdf`: a part laid out without margin
  boxes (one PDF, or one per chunk of a long table), what its layout taught
  (page count, each page's anchors and name, page references it could not
  resolve) and reported;
* `<key>.margins.pdf`: margin boxes on blank pages (the running header of each
  page name, or the page numbers of a slice of pages);
* `numbers.json`: the page numbers each part (by name) settled on in the last
  build, which the next takes as its first guess (and checks).

Best effort, as the build cache: an entry that cannot be read is a miss, one
that cannot be written only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from gap_analysis import __version__
from gap_analysis.render import engine_version, template_hash
from gap_analysis.render.fonts import cjk_font_files
from gap_analysis.render.part_pdf import Facts, PartPdf, Refused

if TYPE_CHECKING:
    from gap_analysis.render.parallel import Numbers
from gap_analysis.services.build.cache import write_cache_file

NUMBERS_FILE = "numbers.json"
PARTS_KEEP = 600
"""Parts and margin slices kept (about two builds of a 300-chapter report); older ones go."""


def part_salt(images: dict[str, bytes]) -> str:
    """What every part's layout depends on besides its HTML: the tool and its bundled fonts,
    the engine, the templates, the machine's CJK font files (path, size, time), the images."""
    digest = hashlib.sha256(f"{__version__}\0{engine_version()}\0{template_hash()}".encode())
    for name, font in sorted(cjk_font_files().items()):
        try:
            stat = font.stat()
        except OSError:
            continue
        digest.update(f"{name}\0{font}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    for path in sorted(images):
        digest.update(path.encode() + b"\0" + hashlib.sha256(images[path]).digest())
    return digest.hexdigest()


class PartFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def part(self, key: str) -> PartPdf | None:
        try:
            data = json.loads((self.folder / f"{key}.part.json").read_text("utf-8"))
            facts = Facts(
                int(data["pages"]),
                tuple(tuple(str(a) for a in page) for page in data["anchors"]),
                tuple(str(n) for n in data["names"]),
                tuple(str(a) for a in data["missing"]),
            )
            pdfs = tuple(
                (self.folder / f"{key}.{n}.part.pdf").read_bytes() for n in range(int(data["pdfs"]))
            )
            return PartPdf(
                facts,
                pdfs,
                tuple(
                    (int(p), str(a), (float(r[0]), float(r[1]), float(r[2]), float(r[3])))
                    for p, a, r in data["links"]
                ),
                tuple(Refused(str(u), str(p), str(r)) for u, p, r in data["refused"]),
                tuple(str(m) for m in data["messages"]),
                tuple((str(p), str(r)) for p, r in data["failed_images"]),
            )
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def put_part(self, key: str, part: PartPdf) -> None:
        record = {
            "pages": part.facts.pages,
            "anchors": part.facts.anchors,
            "names": part.facts.names,
            "missing": part.facts.missing,
            "pdfs": len(part.pdfs),
            "links": part.links,
            "refused": [(r.url, r.path, r.reason) for r in part.refused],
            "messages": part.messages,
            "failed_images": part.failed_images,
        }
        written = all(self._write(f"{key}.{n}.part.pdf", pdf) for n, pdf in enumerate(part.pdfs))
        if written and self._write(f"{key}.part.json", json.dumps(record).encode("utf-8")):
            self._prune()

    def margins(self, key: str) -> bytes | None:
        try:
            return (self.folder / f"{key}.margins.pdf").read_bytes()
        except OSError:
            return None

    def put_margins(self, key: str, pdf: bytes) -> None:
        if self._write(f"{key}.margins.pdf", pdf):
            self._prune()

    def numbers(self) -> dict[str, Numbers]:
        try:
            data = json.loads((self.folder / NUMBERS_FILE).read_text("utf-8"))
            return {
                str(name): {str(a): int(n) for a, n in numbers.items()}
                for name, numbers in data.items()
            }
        except (OSError, ValueError, AttributeError, TypeError):
            return {}

    def put_numbers(self, numbers: dict[str, Numbers]) -> None:
        if numbers != self.numbers():
            self._write(NUMBERS_FILE, json.dumps(numbers, sort_keys=True).encode("utf-8"))

    def _write(self, name: str, data: bytes) -> bool:
        return write_cache_file(self.folder, name, data)

    def _prune(self) -> None:
        """Entries beyond `PARTS_KEEP`, least recently written first (a part's PDFs with it)."""
        try:
            entries = sorted(
                [*self.folder.glob("*.part.json"), *self.folder.glob("*.margins.pdf")],
                key=lambda p: p.stat().st_mtime,
                reverse=True,
            )
            for stale in entries[PARTS_KEEP:]:
                key = stale.name.split(".", 1)[0]
                stale.unlink(missing_ok=True)
                for pdf in self.folder.glob(f"{key}.*.part.pdf"):
                    pdf.unlink(missing_ok=True)
        except OSError:
            return
