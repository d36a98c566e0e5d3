"""Redline PDFs: `diff --format pdf` and `build --redline-against`, read back with pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import CHAPTERS, CliInvoke, ReportRepo, make_report

METHOD = CHAPTERS["02-method.md"]


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportRepo, str, str]:
    repo = make_report(tmp_path_factory.mktemp("redline") / "report")
    first = repo.head()
    repo.write(
        "chapters/02-method.md",
        METHOD.replace(
            "age assurance and parental controls", "age assurance and filtering"
        ).replace("| Filtering | CEN/TS 16080:2013 |", "| Filtering | CEN/TS 16080:2024 |"),
    )
    second = repo.commit("edit method")
    return repo, first, second


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_redline_pdf_marks_insertions_and_deletions(
    edited: tuple[ReportRepo, str, str], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, first, second = edited
    full = tmp_path / "full.pdf"
    done = cli(repo.path, "diff", first, second, "--format", "pdf", "-o", str(full))
    assert done.exit_code == 0, done.stderr
    text = text_of(full)
    assert "Redline against" in text
    assert (
        "parental controls" in text and "filtering" in text
    )  # deleted and inserted words both shown
    assert "16080:2013" in text and "16080:2024" in text
    assert "Some background text" in text  # the unchanged chapter is there in full
    changed = tmp_path / "changed.pdf"
    done = cli(
        repo.path, "diff", first, second, "--format", "pdf", "--changed-only", "-o", str(changed)
    )
    assert done.exit_code == 0, done.stderr
    only = text_of(changed)
    assert "filtering" in only and "2.1" in only
    assert "Some background text" not in only  # the unchanged chapter is left out
    assert len(PdfReader(changed).pages) <= len(PdfReader(full).pages)


def test_build_redline_against_is_the_same_pdf(
    edited: tuple[ReportRepo, str, str], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, first, second = edited
    via_diff, via_build = tmp_path / "diff.pdf", tmp_path / "build.pdf"
    assert (
        cli(repo.path, "diff", first, second, "--format", "pdf", "-o", str(via_diff)).exit_code == 0
    )
    done = cli(
        repo.path, "build", second, "--redline-against", first, "-o", str(via_build), "--no-cache"
    )
    assert done.exit_code == 0, done.stderr
    assert via_build.read_bytes() == via_diff.read_bytes()


def test_pdf_errors(edited: tuple[ReportRepo, str, str], cli: CliInvoke, tmp_path: Path) -> None:
    repo, first, second = edited
    missing = tmp_path / "nowhere" / "r.pdf"
    done = cli(repo.path, "diff", first, second, "--format", "pdf", "-o", str(missing))
    assert done.exit_code == 1 and done.stderr.startswith("error: ")
    assert not missing.parent.exists()
    assert cli(repo.path, "diff", first, "--changed-only").exit_code == 2
    assert cli(repo.path, "build", second, "--redline-against", "nope").exit_code == 1
