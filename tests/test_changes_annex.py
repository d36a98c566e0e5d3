"""Every version's PDF ends with the annex "Changes since <previous version>"."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.helpers import CliInvoke, ReportRepo


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from click.testing import CliRunner

    from gap_analysis.cli.app import main
    from tests.helpers import git_identity, make_report

    with git_identity():
        repo = make_report(tmp_path_factory.mktemp("annex") / "report")
        run = CliRunner().invoke
        assert run(main, ["--repo", str(repo.path), "version", "cut", "--no-build"]).exit_code == 0
        method = repo.path / "chapters/02-method.md"
        method.write_text(
            method.read_text()
            .replace("priority: high", "priority: medium")
            .replace("The scope covers", "The scope now covers"),
            encoding="utf-8",
        )
        repo.commit("lower the priority of G-AA-01")
        assert run(main, ["--repo", str(repo.path), "version", "cut", "--no-build"]).exit_code == 0
        out = tmp_path_factory.mktemp("pdfs")
        for name in ("v0.1", "v0.2"):
            result = run(
                main, ["--repo", str(repo.path), "build", name, "-o", str(out / f"{name}.pdf")]
            )
            assert result.exit_code == 0, result.stderr
        return out / "v0.1.pdf", out / "v0.2.pdf"


def test_second_version_ends_with_changes_since_the_first(two_versions: tuple[Path, Path]) -> None:
    text = _text(two_versions[1])
    assert "Changes since v0.1" in text
    last_annex = text.rindex("Changes since v0.1")
    assert text.rindex("Comments and their disposition") < last_annex
    tail = text[last_annex:]
    assert "G-AA-01" in tail and "priority" in tail
    assert "high" in tail and "medium" in tail
    assert "Method" in tail


def test_first_version_has_no_changes_annex(two_versions: tuple[Path, Path]) -> None:
    assert "Changes since" not in _text(two_versions[0])


def test_summary_names_the_same_gap_change(report_repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    method = report_repo.path / "chapters/02-method.md"
    method.write_text(
        method.read_text().replace("lead: SG17", "lead: SG17 and IEEE"), encoding="utf-8"
    )
    report_repo.commit("widen the lead")
    result = cli(report_repo.path, "summary", "v0.1", "--format", "md")
    assert result.exit_code == 0
    assert "**G-AA-01** changed" in result.stdout and '"SG17 and IEEE"' in result.stdout


def test_version_cover_pictures_the_review_path(two_versions: tuple[Path, Path]) -> None:
    cover = PdfReader(two_versions[0]).pages[0].extract_text() or ""
    # The stage names come only from the picture: the test report's group and text name none of them.
    for stage in ("Draft", "CG-COP", "SG17", "CWG-COP", "Published"):
        assert stage in cover, stage


def test_working_draft_cover_has_no_path_picture(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    assert cli(report_repo.path, "build", "-o", str(tmp_path / "w.pdf")).exit_code == 0
    cover = PdfReader(tmp_path / "w.pdf").pages[0].extract_text() or ""
    assert "CWG-COP" not in cover and "Published" not in cover
