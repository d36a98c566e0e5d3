"""`gap-analysis site`: the static archive, its output-folder rules, and the pages in a real browser."""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner, Result

from gap_analysis.cli.app import main
from tests.browser import chromium, console_errors, need_chromium
from tests.helpers import CHAPTERS, ReportRepo, git_identity, make_report

MANIFEST = ".gap-analysis-site.json"


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x20\x60\xa0" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def run(repo: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--repo", str(repo), *args], catch_exceptions=False)


def ok(repo: Path, *args: str) -> Result:
    result = run(repo, *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportRepo]:
    """v0.1 submitted, commented on and returned by CG-COP; v0.2 (with a figure) submitted again."""
    with git_identity():
        repo = make_report(tmp_path_factory.mktemp("site") / "report")
        ok(
            repo.path,
            "version",
            "cut",
            "--meeting",
            "CG-COP e-meeting, 3 March 2025",
            "--document",
            "CG-COP-TD-12",
            "--purpose",
            "For discussion",
            "--no-build",
        )
        ok(repo.path, "review", "submit", "v0.1")
        added = ok(
            repo.path,
            "comment",
            "add",
            "v0.1",
            "--chapter",
            "method",
            "--section",
            "2.1",
            "--type",
            "te",
            "--by",
            "UK",
            "--text",
            "Name the filtering standards in force.",
            "--proposal",
            "Add EN 16080.",
        )
        comment_id = added.stdout.strip().splitlines()[-1]
        ok(
            repo.path,
            "comment",
            "resolve",
            comment_id,
            "--disposition",
            "accepted",
            "--reply",
            "Added in the next version.",
            "--in",
            "v0.2",
        )
        ok(repo.path, "review", "return", "v0.1", "--from", "cg-cop", "--note", "Scope too narrow")
        repo.write("chapters/fig.png", _png(40, 20))
        repo.write(
            "chapters/02-method.md",
            CHAPTERS["02-method.md"].replace(
                "The scope covers age assurance and parental controls.",
                "The scope covers age assurance, parental controls and content filtering.\n\n"
                "![Diagram of the method](fig.png)",
            ),
        )
        repo.commit("widen the scope")
        ok(
            repo.path,
            "version",
            "cut",
            "--meeting",
            "SG17, Geneva, 8-17 April 2025",
            "--document",
            "SG17-TD-345",
            "--no-build",
        )
        ok(repo.path, "review", "submit", "v0.2")
        yield repo


@pytest.fixture(scope="module")
def site(history: ReportRepo) -> Path:
    result = ok(history.path, "site")
    index = Path(result.stdout.strip())
    assert index == history.path / "dist" / "site" / "index.html"
    return index.parent


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag in ("img", "script") and values.get("src"):
            self.hrefs.append(values["src"] or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    return page


def test_site_files_and_manifest(site: Path) -> None:
    manifest = json.loads((site / MANIFEST).read_text("utf-8"))
    written = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*")
        if p.is_file() and p.name != MANIFEST
    )
    assert manifest["files"] == written
    for name in (
        "index.html",
        "gaps.html",
        "comments.html",
        "site.css",
        "versions/v0.1/index.html",
        "versions/v0.2/index.html",
        "versions/v0.2/changes.html",
        "versions/v0.2/chapters/fig.png",
    ):
        assert name in written
    assert "versions/v0.1/changes.html" not in written  # the first version has nothing before it
    for version in ("v0.1", "v0.2"):
        assert (site / "versions" / version / f"{version}.pdf").read_bytes().startswith(b"%PDF-")


def test_index_lists_versions_with_their_standing(site: Path) -> None:
    html = (site / "index.html").read_text("utf-8")
    rows = re.findall(r'<tr id="v-(v0\.\d)">(.*?)</tr>', html, re.S)
    assert [name for name, _ in rows] == ["v0.2", "v0.1"]
    v2, v1 = rows[0][1], rows[1][1]
    assert "CG-COP" in v2 and "SG17, Geneva, 8-17 April 2025" in v2 and "SG17-TD-345" in v2
    assert 'href="versions/v0.2/v0.2.pdf"' in v2 and "Redline against v0.1" in v2
    assert "Returned by CG-COP" in v1 and "CG-COP-TD-12" in v1 and "changes.html" not in v1


def test_version_page(site: Path) -> None:
    html = (site / "versions" / "v0.1" / "index.html").read_text("utf-8")
    assert 'data-stage="cg-cop" data-state="returned"' in html
    assert "Scope too narrow" in html  # the review history with the return note
    assert 'id="gap-register--G-AA-01"' in html and 'id="G-AA-01"' in html
    v2 = (site / "versions" / "v0.2" / "index.html").read_text("utf-8")
    assert 'data-stage="cg-cop" data-state="reached"' in v2
    assert '<img src="chapters/fig.png" alt="Diagram of the method"' in v2
    assert "content filtering" in v2 and "content filtering" not in html


def test_changes_page_has_summary_chart_and_redline(site: Path) -> None:
    html = (site / "versions" / "v0.2" / "changes.html").read_text("utf-8")
    assert 'class="ga-words-chart"' in html
    assert re.search(r'class="bar bar-in" data-words="[1-9]', html)
    assert "<ins>" in html and "content filtering" in html
    assert "2.1 Scope" in html


def test_comments_and_gaps_pages(site: Path) -> None:
    comments = (site / "comments.html").read_text("utf-8")
    assert "Name the filtering standards in force." in comments and "Add EN 16080." in comments
    assert "accepted" in comments and "Added in the next version." in comments
    assert 'id="comments-v0.1"' in comments
    gaps = (site / "gaps.html").read_text("utf-8")
    assert 'href="versions/v0.2/index.html#G-AA-01"' in gaps


def test_pages_are_accessible_by_structure(site: Path) -> None:
    for path in site.rglob("*.html"):
        text = path.read_text("utf-8")
        page = _parse(path)
        name = path.relative_to(site).as_posix()
        assert re.search(r'<html lang="en">', text), name
        assert 'name="viewport"' in text, name
        tags = [tag for tag, _ in page.tags]
        for landmark in ("header", "nav", "main", "footer"):
            assert landmark in tags, f"{name}: no <{landmark}>"
        assert page.headings[0] == 1 and page.headings.count(1) == 1, (name, page.headings)
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, f"{name}: heading h{before} followed by h{after}"
        for tag, attrs in page.tags:
            if tag == "img":
                assert attrs.get("alt"), f"{name}: image without alt text"
            if tag == "svg":
                assert attrs.get("role") == "img" and attrs.get("aria-label"), name
        assert "<script" not in text, f"{name}: the site needs no JavaScript"


def test_rerun_replaces_own_files_and_keeps_others(history: ReportRepo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ok(history.path, "site", "-o", str(out), "--no-pdf")
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    assert not any(name.endswith(".pdf") for name in manifest["files"])
    stale = out / "versions" / "v0.0" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", "utf-8")
    manifest["files"].append("versions/v0.0/index.html")
    (out / MANIFEST).write_text(
        json.dumps({"tool": "gap-analysis", "files": manifest["files"]}), "utf-8"
    )
    ok(history.path, "site", "-o", str(out), "--no-pdf")
    assert not stale.exists(), "a file the site wrote before and no longer makes is removed"
    foreign = out / "CNAME"
    foreign.write_text("reports.example.org\n", "utf-8")
    refused = run(history.path, "site", "-o", str(out), "--no-pdf")
    assert refused.exit_code == 1
    assert (
        "did not write" in refused.stderr
        and "CNAME" in refused.stderr
        and "--force" in refused.stderr
    )
    ok(history.path, "site", "-o", str(out), "--no-pdf", "--force")
    assert foreign.read_text("utf-8") == "reports.example.org\n"
    assert "CNAME" not in json.loads((out / MANIFEST).read_text("utf-8"))["files"]


@pytest.mark.parametrize("where", ["file", "chapters", "repo", "foreign"])
def test_bad_output_folders_are_refused(history: ReportRepo, tmp_path: Path, where: str) -> None:
    targets = {
        "file": history.path / "report.toml",
        "chapters": history.path / "chapters" / "site",
        "repo": history.path,
        "foreign": tmp_path / "docs",
    }
    target = targets[where]
    if where == "foreign":
        target.mkdir()
        (target / "notes.txt").write_text("mine", "utf-8")
    before = sorted(p.as_posix() for p in target.parent.rglob("*")) if where != "repo" else []
    result = run(history.path, "site", "-o", str(target), "--no-pdf")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    expected = {
        "file": "is a file",
        "chapters": "inside chapters/",
        "repo": "holds the report repository",
        "foreign": "did not write",
    }[where]
    assert expected in result.stderr
    if where != "repo":
        assert sorted(p.as_posix() for p in target.parent.rglob("*")) == before
    assert history.git("status", "--porcelain").strip() == ""


def test_site_without_versions(tmp_path: Path, cli: object) -> None:
    repo = make_report(tmp_path / "empty")
    result = ok(repo.path, "site", "-o", str(tmp_path / "out"))
    index = Path(result.stdout.strip())
    assert "No version has been cut yet" in index.read_text("utf-8")
    assert (tmp_path / "out" / "gaps.html").is_file()


def _local(url: str) -> tuple[Path, str] | None:
    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    return Path(unquote(parts.path)), unquote(parts.fragment)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_site_in_headless_chromium(site: Path, tmp_path: Path) -> None:
    """Every page loads without console errors and every internal link and fragment resolves."""
    need_chromium()
    from selenium.webdriver.common.by import By

    ids: dict[Path, set[str]] = {}
    links: list[tuple[Path, Path, str]] = []
    todo, seen = [site / "index.html"], set()
    with chromium(tmp_path / "profile", width=1280, height=900) as driver:
        while todo:
            page = todo.pop()
            if page in seen:
                continue
            seen.add(page)
            driver.get(page.as_uri())
            assert driver.find_element(By.TAG_NAME, "main").is_displayed()
            errors = console_errors(driver)
            assert errors == [], f"{page.relative_to(site)}: {errors}"
            ids[page] = set(
                driver.execute_script(
                    "return Array.from(document.querySelectorAll('[id]'), e => e.id)"
                )
            )
            urls = driver.execute_script(
                "return Array.from(document.querySelectorAll('a[href], img[src], link[href]'),"
                " e => e.href || e.src)"
            )
            for url in urls:
                target = _local(url)
                if target is None:
                    continue
                path, fragment = target
                assert path.is_file(), f"{page.relative_to(site)} links to a missing {path}"
                assert path.resolve().is_relative_to(site.resolve()), (
                    f"{page} links out of the site: {path}"
                )
                links.append((page, path, fragment))
                if path.suffix == ".html":
                    todo.append(path)
        assert {p.relative_to(site).as_posix() for p in seen} >= {
            "index.html",
            "gaps.html",
            "comments.html",
            "versions/v0.1/index.html",
            "versions/v0.2/index.html",
            "versions/v0.2/changes.html",
        }
        for page, path, fragment in links:
            if fragment and path.suffix == ".html":
                assert fragment in ids[path], (
                    f"{page.relative_to(site)} -> #{fragment} not in {path.name}"
                )
        shots = {}
        for name, page in (
            ("index", site / "index.html"),
            ("changes", site / "versions/v0.2/changes.html"),
        ):
            driver.get(page.as_uri())
            shot = tmp_path / f"{name}.png"
            assert driver.save_screenshot(str(shot))
            shots[name] = shot
        driver.set_window_size(390, 844)  # a phone: no horizontal scrolling of the page itself
        driver.get((site / "versions/v0.2/index.html").as_uri())
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 400
    viewport = None
    for shot in shots.values():
        data = shot.read_bytes()
        size = _png_size(data)
        assert size[0] == 1280 and 500 < size[1] <= 900, size
        viewport = viewport or size
        assert size == viewport
        assert len(data) > 5000  # not a blank image
