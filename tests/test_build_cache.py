"""The build cache is best effort: it speeds builds up and never makes one fail."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from tests.helpers import CliInvoke, ReportRepo


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    (report_repo.path / "dist").mkdir()
    (report_repo.path / "dist" / ".cache").write_text("not a folder")
    for name in ("a.pdf", "b.pdf"):
        result = cli(report_repo.path, "build", "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
        assert "(from cache)" not in result.stderr
        assert len(PdfReader(tmp_path / name).pages) > 1


def test_an_edit_is_never_served_from_the_cache(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    assert cli(report_repo.path, "build", "-o", str(tmp_path / "a.pdf")).exit_code == 0
    again = cli(report_repo.path, "build", "-o", str(tmp_path / "b.pdf"))
    assert "(from cache)" in again.stderr
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    report_repo.write(
        "chapters/01-intro.md",
        (report_repo.path / "chapters/01-intro.md")
        .read_text()
        .replace("Some background text", "Some new background text"),
    )
    edited = cli(report_repo.path, "build", "-o", str(tmp_path / "c.pdf"))
    assert "(from cache)" not in edited.stderr
    text = "".join(page.extract_text() or "" for page in PdfReader(tmp_path / "c.pdf").pages)
    assert "Some new background text" in text
