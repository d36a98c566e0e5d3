"""Hostile content never reaches outside the revision being built.

Each case checks three things: the build names the refused reference, no byte
of the outside file reaches the PDF, and no network connection is opened.
"""

from __future__ import annotations

import io
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from gap_analysis.model.build import RenderedChapter
from gap_analysis.render import Cover, Document, Metadata, render_pdf, to_html
from gap_analysis.render.fetcher import SnapshotFetcher
from tests.helpers import CHAPTERS, CliInvoke, ReportRepo, make_report

SECRET = "TOP-SECRET-OUTSIDE-7f3a"


def _png(colour: tuple[int, int, int], size: tuple[int, int] = (30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def _image_count(path: Path) -> int:
    return len({img.name for page in pypdf.PdfReader(path).pages for img in page.images})


class Listener:
    """A local TCP server that counts connections: proof that nothing dialled out."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Files outside the report repository (which lives at tmp_path/report)."""
    folder = tmp_path
    (folder / "outside.png").write_bytes(_png((1, 2, 3), (77, 33)))
    (folder / "secret.md").write_text(f"# Secret\n\n{SECRET}\n", encoding="utf-8")
    return folder


def _chapter(repo: ReportRepo, text: str, name: str = "03-hostile.md") -> None:
    repo.write(f"chapters/{name}", text)


def _build(cli: CliInvoke, repo: ReportRepo, out: Path, *args: str) -> tuple[int, str]:
    result = cli(repo.path, "build", "-o", str(out), *args)
    return result.exit_code, result.stderr


def _assert_clean(out: Path) -> None:
    data = out.read_bytes()
    text = _pdf_text(out)
    assert SECRET not in text and SECRET.encode() not in data
    assert "root:x:0:0" not in text


def test_raw_html_img_is_text(report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path) -> None:
    _chapter(
        report_repo,
        '# Hostile\n\nBefore <img src="file:///etc/passwd"> after.\n\n'
        '<link rel="attachment" href="report.toml">\n\n![f](file:///etc/passwd)\n',
    )
    out = tmp_path / "o.pdf"
    code, _ = _build(cli, report_repo, out)
    assert code == 0
    text = _pdf_text(out)
    assert '<img src="file:///etc/passwd">' in text and "<link rel=" in text
    assert "![f](file:///etc/passwd)" in text  # markdown-it refuses file: links: left as text
    assert _image_count(out) == 0 and pypdf.PdfReader(out).attachments == {}
    _assert_clean(out)


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside.png", "/dev/zero"])
def test_images_outside_are_refused_and_named(
    target: str, report_repo: ReportRepo, cli: CliInvoke, outside: Path, tmp_path: Path
) -> None:
    _chapter(report_repo, f"# Hostile\n\nText.\n\n![x]({target})\n")
    out = tmp_path / "o.pdf"
    code, stderr = _build(cli, report_repo, out)
    assert code == 0
    assert f"warning: chapters/03-hostile.md:5: content: image '{target}' refused" in stderr
    assert _image_count(out) == 0
    _assert_clean(out)
    strict = tmp_path / "strict.pdf"
    code, stderr = _build(cli, report_repo, strict, "--strict")
    assert code == 1 and target in stderr and stderr.startswith("error: ") and not strict.exists()


def test_symlinked_image_pointing_outside(
    report_repo: ReportRepo, cli: CliInvoke, outside: Path, tmp_path: Path
) -> None:
    os.makedirs(report_repo.path / "chapters" / "figures", exist_ok=True)
    os.symlink(outside / "outside.png", report_repo.path / "chapters" / "figures" / "evil.png")
    os.symlink("/dev/zero", report_repo.path / "chapters" / "figures" / "zero.png")
    _chapter(report_repo, "# Hostile\n\n![a](figures/evil.png)\n\n![b](figures/zero.png)\n")
    out = tmp_path / "o.pdf"
    code, stderr = _build(cli, report_repo, out)
    assert code == 0
    assert "chapters/03-hostile.md:3: refused-reference: image 'figures/evil.png' refused" in stderr
    assert "chapters/03-hostile.md:5: refused-reference: image 'figures/zero.png' refused" in stderr
    assert _image_count(out) == 0
    # Committed as git symlinks and built from git objects: refused the same way.
    report_repo.commit("symlinks")
    committed = tmp_path / "head.pdf"
    code, stderr = _build(cli, report_repo, committed, "HEAD")
    assert code == 0 and "figures/evil.png" in stderr and _image_count(committed) == 0


def test_symlinked_chapter_pointing_outside(
    report_repo: ReportRepo, cli: CliInvoke, outside: Path, tmp_path: Path
) -> None:
    os.symlink(outside / "secret.md", report_repo.path / "chapters" / "03-secret.md")
    named = "warning: chapters/03-secret.md: refused-reference: left out"
    out = tmp_path / "o.pdf"
    code, stderr = _build(cli, report_repo, out)
    assert code == 0 and named in stderr
    _assert_clean(out)
    report_repo.commit("symlinked chapter")
    committed = tmp_path / "head.pdf"
    code, stderr = _build(cli, report_repo, committed, "HEAD")
    assert code == 0 and named in stderr
    _assert_clean(committed)


def test_cached_rebuild_still_names_a_new_symlinked_chapter(
    report_repo: ReportRepo, cli: CliInvoke, outside: Path
) -> None:
    report_repo.write("notes.txt", "makes the tree dirty before the first build\n")
    assert cli(report_repo.path, "build").exit_code == 0
    assert "from cache" in cli(report_repo.path, "build").stderr
    os.symlink(outside / "secret.md", report_repo.path / "chapters" / "03-secret.md")
    result = cli(report_repo.path, "build")
    assert (
        result.exit_code == 0
        and "chapters/03-secret.md: refused-reference: left out" in result.stderr
    )
    _assert_clean(Path(result.stdout.strip()))


def test_fifo_in_the_working_tree(report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path) -> None:
    figures = report_repo.path / "chapters" / "figures"
    figures.mkdir(parents=True)
    os.mkfifo(figures / "pipe.png")
    os.mkfifo(report_repo.path / "chapters" / "04-pipe.md")
    _chapter(report_repo, "# Hostile\n\n![p](figures/pipe.png)\n")
    out = tmp_path / "o.pdf"
    code, stderr = _build(cli, report_repo, out)  # would hang if anything opened a FIFO
    assert code == 0
    assert "image 'figures/pipe.png' refused: not a regular file" in stderr
    assert _image_count(out) == 0


def test_urls_never_open_a_connection(
    report_repo: ReportRepo, cli: CliInvoke, listener: Listener, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{listener.port}/x.png"
    _chapter(report_repo, f"# Hostile\n\n![remote]({url})\n\n[a link]({url})\n")
    out = tmp_path / "o.pdf"
    code, stderr = _build(cli, report_repo, out)
    assert code == 0 and f"image '{url}' refused" in stderr
    assert listener.connections == 0


def _document(html: str) -> Document:
    date = datetime(2025, 4, 1, tzinfo=UTC)
    chapter = RenderedChapter("hostile", "1", "Hostile", False, html)
    return Document(
        language="en",
        running_title="T",
        running_label="L",
        footer="F",
        cover=Cover("Title", "Group", "Label", "1 April 2025"),
        metadata=Metadata("Title", (), "S", (), "gap-analysis test", date),
        chapters=(chapter,),
    )


def test_renderer_refuses_whatever_html_reaches_it(listener: Listener, outside: Path) -> None:
    """Defence in depth: even hostile HTML in a chapter cannot fetch, attach or dial out."""
    port = listener.port
    html = (
        f'<link rel="attachment" href="https://snapshot.invalid/report.toml">'
        f'<a rel="attachment" href="https://snapshot.invalid/report.toml">attach</a>'
        f'<img src="file://{outside}/outside.png">'
        f'<img src="http://127.0.0.1:{port}/a.png">'
        f'<div style="background: url(http://127.0.0.1:{port}/b.png)">css</div>'
        f"<style>@import url(http://127.0.0.1:{port}/c.css);</style>"
        f'<img src="/dev/zero"><img src="../../../../etc/passwd">'
        f'<img src="https://snapshot.invalid/%2e%2e/%2e%2e/etc/passwd">'
        f'<img src="data:image/png;base64,AAAA">'
    )
    served: list[str] = []

    def read(path: str) -> bytes:
        served.append(path)
        raise KeyError(path)

    document = _document(html)
    output = render_pdf(document, to_html(document), read)
    reader = pypdf.PdfReader(io.BytesIO(output.pdf))
    assert reader.attachments == {}
    assert listener.connections == 0
    refused = {r.url for r in output.refused}
    assert f"file://{outside}/outside.png" in refused
    assert (
        f"http://127.0.0.1:{port}/a.png" in refused and f"http://127.0.0.1:{port}/b.png" in refused
    )
    assert not any(".." in path or path.startswith("/") for path in served)
    assert b"root:x:0:0" not in output.pdf


def test_fetcher_paths_and_size_cap() -> None:
    files = {"chapters/a.png": b"x" * 10, "big.png": b"y" * 100_001}
    fetcher = SnapshotFetcher(lambda p: files[p], max_bytes=100_000)
    assert fetcher.fetch("https://snapshot.invalid/chapters/a.png").read() == b"x" * 10
    assert b"@page" in fetcher.fetch("https://static.invalid/report.css").read()
    for url in (
        "https://snapshot.invalid/big.png",
        "file:///etc/passwd",
        "http://example.org/x",
        "https://snapshot.invalid/%2e%2e/etc/passwd",
        "https://static.invalid/../pdf.py",
        "https://snapshot.invalid/missing.png",
        "data:text/plain,hello",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7
    assert "larger than" in fetcher.refused[0].reason


def test_hostile_report_does_not_break_other_chapters(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "r", {**CHAPTERS, "03-x.md": "# X\n\n![a](/etc/passwd)\n"})
    out = tmp_path / "o.pdf"
    result = cli(repo.path, "build", "-o", str(out))
    assert result.exit_code == 0 and "Introduction" in _pdf_text(out)
