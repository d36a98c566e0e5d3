"""A disposition annex too long to lay out at once is laid out in chunks of rows (issue 10.15).

The default `build` takes the chunked path by itself when a table has more rows
than a chunk (`GAP_ANALYSIS_CHUNK_ROWS` lowers the threshold here so that 30
comments make several chunks); the PDF must be what the serial build gives a
reader (text of every page, links and their target pages, outline, metadata),
with the same bytes on every run. Memory is measured by `tools/bench memory`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gap_analysis.cli.app import main
from tests.helpers import ReportRepo, git_identity, make_report
from tests.test_parallel import reading

WORDS = [
    "member",
    "body",
    "comment",
    "clause",
    "proposal",
    "text",
    "review",
    "change",
    "table",
    "annex",
]


def _form(count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["MB/NC", "Clause", "Type", "Comment", "Proposed change"])
    for i in range(count):
        # one comment longer than a page, split across a page break in both builds
        length = 700 if i == 12 else 10 + (i * 7) % 30
        comment = " ".join(WORDS[(i + k) % len(WORDS)] for k in range(length)).capitalize()
        writer.writerow([f"Body {i % 5}", f"{i % 2 + 1}.1", "te", comment + ".", "Change it."])
    return out.getvalue().encode("utf-8")


def _build(repo: Path, out: Path, *args: str, rows: str | None = None) -> Path:
    env = {"GAP_ANALYSIS_CHUNK_ROWS": rows}
    result = CliRunner().invoke(
        main,
        ["--repo", str(repo), "build", "v0.1", "-o", str(out), *args],
        env=env,
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def annexed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportRepo]:
    """A version with 30 comments on it, each a row of its disposition annex."""
    with git_identity():
        base = tmp_path_factory.mktemp("chunked")
        repo = make_report(base / "report")
        (base / "form.csv").write_bytes(_form(30))
        for args in (
            ["version", "cut", "--no-build"],
            ["comment", "import", "v0.1", str(base / "form.csv")],
        ):
            result = CliRunner().invoke(main, ["--repo", str(repo.path), "-q", *args])
            assert result.exit_code == 0, result.output
        yield repo


@pytest.mark.slow
def test_a_long_annex_in_chunks_equals_the_serial_build(annexed: ReportRepo) -> None:
    base = annexed.path.parent
    parts = annexed.path / "dist" / ".cache" / "parts"
    serial = _build(annexed.path, base / "serial.pdf")
    assert not parts.exists()  # a table under the threshold keeps the serial path
    chunked = _build(annexed.path, base / "chunked.pdf", rows="8")
    assert list(parts.glob("*.2.part.pdf"))  # one part was written in at least three chunks
    one, two = reading(serial), reading(chunked)
    assert len(one["text"]) == len(two["text"]) > 8
    for key in ("text", "links", "outline", "metadata", "lang"):
        assert one[key] == two[key], key
    assert sum("Page 9 of" in page for page in two["text"]) == 1
    again = _build(annexed.path, base / "again.pdf", "--no-cache", rows="8")
    assert again.read_bytes() == chunked.read_bytes()
    assert again.read_bytes() != serial.read_bytes()  # the chunked path was taken again
