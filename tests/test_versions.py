"""`version cut|list|tag`, version names and @stage baselines as revisions."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from gap_analysis.gitstore import GitStore
from gap_analysis.services.review.versions import next_name
from gap_analysis.services.snapshots import resolve
from tests.helpers import REPORT_TOML, CliInvoke, ReportRepo, git, make_report, need


def refs(repo: ReportRepo) -> str:
    """Every ref and where it points: to prove nothing changed."""
    return repo.git("for-each-ref", "--format=%(refname) %(objectname)")


def versions_json(cli: CliInvoke, repo: ReportRepo) -> list[dict[str, object]]:
    result = cli(repo.path, "version", "list", "--json")
    assert result.exit_code == 0, result.output
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_cut_writes_commits_and_tags_the_record(report_repo: ReportRepo, cli: CliInvoke) -> None:
    before = report_repo.head()
    result = cli(
        report_repo.path,
        "version",
        "cut",
        "--meeting",
        "CG-COP e-meeting",
        "--document",
        "CG-COP draft",
        "--purpose",
        "For discussion",
        "--no-build",
    )
    assert result.exit_code == 0, result.output
    assert "cut v0.1" in result.stdout
    record = tomllib.loads((report_repo.path / "review/versions/v0.1.toml").read_text())
    assert record["name"] == "v0.1"
    assert record["meeting"] == "CG-COP e-meeting"
    assert record["document"] == "CG-COP draft"
    assert record["purpose"] == "For discussion"
    assert record["previous"] == ""
    assert record["cut_by"] == "Test Editor <editor@example.org>"
    commit = report_repo.head()
    assert report_repo.git("rev-parse", "HEAD~1").strip() == before
    assert report_repo.git("show", "--name-only", "--format=", "HEAD").split() == [
        "review/versions/v0.1.toml"
    ]
    assert report_repo.git("cat-file", "-t", "v0.1").strip() == "tag"  # annotated
    assert report_repo.git("rev-parse", "v0.1^{commit}").strip() == commit
    assert report_repo.git("status", "--porcelain").strip() == ""
    assert not (report_repo.path / ".git" / "gap-analysis-cut.json").exists()

    second = cli(report_repo.path, "version", "cut", "--no-build")
    assert second.exit_code == 0, second.output
    rows = versions_json(cli, report_repo)
    assert [r["name"] for r in rows] == ["v0.1", "v0.2"]
    assert rows[0]["commit"] == commit
    assert rows[1]["previous"] == "v0.1"
    assert {r["state"] for r in rows} == {"draft"}
    assert {r["tag"] for r in rows} == {"ok"}
    assert rows[0]["meeting"] == "CG-COP e-meeting" and rows[0]["document"] == "CG-COP draft"
    text = cli(report_repo.path, "version", "list")
    assert text.exit_code == 0
    assert "v0.2" in text.stdout and "draft" in text.stdout


def test_cut_refuses_a_dirty_tree_and_lists_the_files(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    report_repo.write("notes.txt", "untracked\n")
    report_repo.write("chapters/01-intro.md", "# Changed\n")
    before = refs(report_repo)
    result = cli(report_repo.path, "version", "cut", "--no-build")
    assert result.exit_code == 1
    assert "notes.txt" in result.stderr and "chapters/01-intro.md" in result.stderr
    assert refs(report_repo) == before
    assert not (report_repo.path / "review").exists()


def test_cut_refuses_when_check_finds_errors(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "r", {"01-a.md": "# A\n\n```gap\nid: G-AA-01\narea: x\n```\n"})
    before = refs(repo)
    result = cli(repo.path, "version", "cut", "--no-build")
    assert result.exit_code == 1
    assert "check found" in result.stderr and "chapters/01-a.md" in result.stderr
    assert refs(repo) == before
    assert repo.git("status", "--porcelain", "--untracked-files=all").strip() == ""
    assert not (repo.path / ".git" / "gap-analysis-cut.json").exists()


@pytest.mark.parametrize(
    "name",
    [
        "--file=x",
        "-d",
        "../x",
        "v1 2",
        "a.lock",
        "refs/heads/main",
        "x..y",
        ".hidden",
        "v1/2",
        "@sg17",
        "v1~2",
        "v1^",
    ],
)
def test_bad_version_names_are_refused(report_repo: ReportRepo, cli: CliInvoke, name: str) -> None:
    before = refs(report_repo)
    result = cli(report_repo.path, "version", "cut", "--no-build", "--", name)
    assert result.exit_code == 1, result.output
    assert "not a valid version name" in result.stderr
    assert refs(report_repo) == before
    assert report_repo.git("status", "--porcelain", "--untracked-files=all").strip() == ""


def test_an_option_like_name_without_double_dash_is_a_usage_error(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    before = refs(report_repo)
    assert cli(report_repo.path, "version", "cut", "--file=x").exit_code == 2
    assert refs(report_repo) == before


def test_an_existing_name_is_refused(report_repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(report_repo.path, "version", "cut", "v1.0", "--no-build").exit_code == 0
    before = refs(report_repo)
    again = cli(report_repo.path, "version", "cut", "v1.0", "--no-build")
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    assert refs(report_repo) == before
    # a tag of that name without a record is refused too
    report_repo.git("tag", "v9")
    before = refs(report_repo)
    tagged = cli(report_repo.path, "version", "cut", "v9", "--no-build")
    assert tagged.exit_code == 1 and "tag 'v9' already exists" in tagged.stderr
    assert refs(report_repo) == before
    assert not (report_repo.path / "review/versions/v9.toml").exists()


def test_next_name_follows_the_scheme(tmp_path: Path, cli: CliInvoke) -> None:
    assert next_name("v0.{n}", []) == "v0.1"
    assert next_name("v0.{n}", ["v0.1", "v0.9", "v0.10", "other"]) == "v0.11"
    assert next_name("r{n}-draft", ["r3-draft"]) == "r4-draft"
    repo = make_report(tmp_path / "r", toml=REPORT_TOML + '\n[versions]\nscheme = "d{n}"\n')
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    assert [r["name"] for r in versions_json(cli, repo)] == ["d1", "d2"]


def test_missing_and_moved_tags_are_reported_and_repaired(
    report_repo: ReportRepo, cli: CliInvoke
) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    version_commit = report_repo.head()
    report_repo.write("chapters/01-intro.md", "---\nid: intro\n---\n# Introduction\n\nNew text.\n")
    report_repo.commit("edit")
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    report_repo.git("tag", "-d", "v0.1")
    report_repo.git("tag", "-f", "v0.2", "HEAD~1")
    states = {r["name"]: r["tag"] for r in versions_json(cli, report_repo)}
    assert states == {"v0.1": "missing", "v0.2": "moved"}
    report = cli(report_repo.path, "version", "tag")
    assert report.exit_code == 1
    assert "v0.1: tag missing" in report.stdout and "v0.2: tag moved" in report.stdout
    checked = cli(report_repo.path, "check")
    assert "version-tag" in checked.stdout
    repaired = cli(report_repo.path, "version", "tag", "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert report_repo.git("rev-parse", "v0.1^{commit}").strip() == version_commit
    assert report_repo.git("rev-parse", "v0.2^{commit}").strip() == report_repo.head()
    assert {r["tag"] for r in versions_json(cli, report_repo)} == {"ok"}
    assert cli(report_repo.path, "version", "tag").exit_code == 0


def test_a_clone_without_tags_still_knows_its_versions(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    commit = report_repo.head()
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", str(report_repo.path), str(clone))
    assert git(clone, "tag").strip() == ""
    result = cli(clone, "version", "list", "--json")
    rows = json.loads(result.stdout)
    assert [(r["name"], r["commit"], r["tag"]) for r in rows] == [("v0.1", commit, "missing")]
    store = GitStore(clone)
    try:
        info = resolve(store, "v0.1")  # a version name resolves without its tag
    finally:
        store.close()
    assert info.commit == commit and info.version == "v0.1"


def test_version_names_and_baselines_are_revisions(report_repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    v1 = report_repo.head()
    by = ("--by", "editor@example.org")
    assert cli(report_repo.path, "review", "submit", "v0.1", *by).exit_code == 0
    assert cli(report_repo.path, "review", "agree", "v0.1", *by, "--from", "cg-cop").exit_code == 0
    store = GitStore(report_repo.path)
    try:
        assert resolve(store, "v0.1").commit == v1
        cg = resolve(store, "@cg-cop")
        assert (cg.commit, cg.version, cg.ref) == (v1, "v0.1", "@cg-cop")
        assert resolve(store, "@draft").version == "v0.1"
        assert resolve(store, "HEAD").version is None
    finally:
        store.close()
    # every command that takes a revision takes them
    assert cli(report_repo.path, "check", "v0.1").exit_code == 0
    assert cli(report_repo.path, "check", "@cg-cop").exit_code == 0
    none_yet = cli(report_repo.path, "check", "@sg17")
    assert none_yet.exit_code == 1 and "no version has moved on from 'sg17'" in none_yet.stderr
    typo = cli(report_repo.path, "check", "@sg71")
    assert typo.exit_code == 1 and "did you mean '@sg17'" in typo.stderr


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_versions_pdf_says_where_it_stands(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    cut = cli(
        report_repo.path,
        "version",
        "cut",
        "--meeting",
        "CG-COP e-meeting",
        "--document",
        "CG-COP draft",
    )
    assert cut.exit_code == 0, cut.output
    pdf = Path(cut.stdout.strip().splitlines()[-1])
    assert pdf.parent == report_repo.path / "dist" and pdf.is_file()
    text = pdf_text(pdf)
    assert "Draft for CG-COP" in text and "DRAFT" in text
    assert "Document history" in text and "CG-COP e-meeting" in text
    for action, stage, meeting in (
        ("submit", "draft", "CG-COP e-meeting"),
        ("agree", "cg-cop", "CG-COP e-meeting"),
        ("agree", "sg17", "Geneva, 8-17 April 2025"),
    ):
        args = ("review", action, "v0.1", "--from", stage, "--meeting", meeting)
        assert cli(report_repo.path, *args).exit_code == 0
    agreed = tmp_path / "agreed.pdf"
    assert cli(report_repo.path, "build", "v0.1", "-o", str(agreed)).exit_code == 0
    assert "Agreed by SG17, Geneva, 8-17 April 2025" in pdf_text(agreed)
    assert (
        cli(
            report_repo.path,
            "review",
            "agree",
            "v0.1",
            "--from",
            "cwg-cop",
            "--meeting",
            "CWG-COP, Geneva",
        ).exit_code
        == 0
    )
    published = tmp_path / "published.pdf"
    assert cli(report_repo.path, "build", "@published", "-o", str(published)).exit_code == 0
    final = pdf_text(published)
    assert "Agreed by CWG-COP, Geneva; published" in final
    assert "DRAFT" not in final


def test_cut_with_sign_makes_a_signed_tag(
    report_repo: ReportRepo, tmp_path: Path, cli: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(shutil.which("gpg") is not None, "needs gpg to make and check a signature")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Test Editor <editor@example.org>",
            "ed25519",
            "sign",
            "never",
        ],
        check=True,
        capture_output=True,
    )
    report_repo.git("config", "user.signingkey", "editor@example.org")
    try:
        result = cli(report_repo.path, "version", "cut", "--sign", "--no-build")
        verified = subprocess.run(
            ["git", "tag", "-v", "v0.1"], cwd=report_repo.path, capture_output=True, text=True
        )
    finally:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], capture_output=True)
    assert result.exit_code == 0, result.stderr
    assert verified.returncode == 0, verified.stderr
    assert "Good signature" in verified.stderr
