"""The parallel layout's cache of parts under `dist/.cache/parts/` (`render.parallel.PartStore`).

Two kinds of entry, each under a key of everything that determines it (the
part's whole HTML, with the stylesheet, the fonts' `@font-face` rules and
the page numbers written into its page references; the tool, the engine,
the templates and the snapshot's images, as `salt`):

* `<key>.facts.json`: what laying the part out taught (page count, the anchors
  of each page, page references it could not resolve), so a later build knows
  every part's page numbers before laying anything out;
* `<key>.pdf` + `<key>.json`: the part's PDF, its first page number and the
  total page count written in (both in the key), and what its layout reported.

Best effort, as the build cache: an entry that cannot be read is a miss, one
that cannot be written only makes the next build slower.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from gap_analysis import __version__
from gap_analysis.render import engine_version, template_hash
from gap_analysis.render.fetcher import Refused
from gap_analysis.render.fonts import cjk_font_files
from gap_analysis.render.parallel import Facts, PartPdf
from gap_analysis.services.build.cache import write_cache_file

PARTS_KEEP = 600
"""Part PDFs kept (about two builds of a 300-chapter report); older ones by last use go."""


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

    def facts(self, key: str) -> Facts | None:
        try:
            data = json.loads((self.folder / f"{key}.facts.json").read_text("utf-8"))
            return Facts(
                int(data["pages"]),
                tuple(tuple(str(a) for a in page) for page in data["anchors"]),
                tuple(str(a) for a in data["missing"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_facts(self, key: str, facts: Facts) -> None:
        record = {"pages": facts.pages, "anchors": facts.anchors, "missing": facts.missing}
        self._write(f"{key}.facts.json", json.dumps(record).encode("utf-8"))

    def part(self, key: str) -> PartPdf | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
            pdf = (self.folder / f"{key}.pdf").read_bytes()
            return PartPdf(
                pdf,
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
            "links": part.links,
            "refused": [(r.url, r.path, r.reason) for r in part.refused],
            "messages": part.messages,
            "failed_images": part.failed_images,
        }
        if self._write(f"{key}.pdf", part.pdf) and self._write(
            f"{key}.json", json.dumps(record).encode("utf-8")
        ):
            self._prune()

    def _write(self, name: str, data: bytes) -> bool:
        return write_cache_file(self.folder, name, data)

    def _prune(self) -> None:
        try:
            entries = sorted(
                self.folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True
            )
            for stale in entries[PARTS_KEEP:]:
                stale.unlink(missing_ok=True)
                stale.with_suffix(".json").unlink(missing_ok=True)
        except OSError:
            return
