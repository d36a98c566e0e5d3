"""`gap-analysis preview`: the live page in headless Chromium, findings, safety, and stopping."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser import chromium, console_errors, need_chromium
from tests.helpers import CHAPTERS, ReportRepo, make_report


@contextmanager
def preview(repo: ReportRepo, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`gap-analysis preview --port 0` in its own process; yields it and its address.

    Started with SIGINT as at a terminal: a shell starts a background job with SIGINT
    ignored, a child inherits that, and Python (rightly, as any program) then leaves it
    ignored, so a suite run in the background would find the server deaf to it.
    """
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: nothing to restore
        previous = None
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "gap_analysis", "preview", "--port", "0", *args],
            cwd=repo.path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"serving (http://[^ ]+/)", line)
        assert found, (line, process.stderr.read() if process.poll() is not None else "")
        yield process, found.group(1)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _get(url: str, path: str) -> tuple[int, bytes]:
    """A GET with the path sent exactly as written (no client-side normalising)."""
    host, port = re.match(r"http://([^:/]+):(\d+)/", url).groups()  # type: ignore[union-attr]
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_for(check: object, seconds: float = 15.0) -> None:
    """Until `check()` holds; a page reloading under the check counts as not yet."""
    from selenium.common.exceptions import WebDriverException

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except WebDriverException:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


def _text(driver: object, selector: str) -> str:
    script = (
        f"var e = document.querySelector({json.dumps(selector)}); return e ? e.textContent : ''"
    )
    return str(driver.execute_script(script))  # type: ignore[attr-defined]


def test_a_saved_edit_appears_in_the_browser_without_a_reload(tmp_path: Path) -> None:
    need_chromium()
    repo = make_report(tmp_path / "report")
    with preview(repo) as (_process, url), chromium(tmp_path / "profile") as driver:
        driver.get(url)
        _wait_for(lambda: "Some background text" in driver.page_source)
        assert "no findings" in _text(driver, ".preview-banner")
        driver.execute_script("window.scrollTo(0, 400)")
        chapter = repo.path / "chapters" / "01-intro.md"
        chapter.write_text(
            CHAPTERS["01-intro.md"] + "\nA sentence saved just now, seen live.\n", encoding="utf-8"
        )
        _wait_for(lambda: "A sentence saved just now, seen live." in driver.page_source)
        _wait_for(lambda: driver.execute_script("return window.scrollY") >= 300)
        # The page is the build's own: numbered chapter heading, gap box, register annex.
        source = driver.page_source
        assert 'class="gap-entry" id="G-AA-01"' in source
        assert "Gap register" in source
        assert not [e for e in console_errors(driver) if "favicon" not in e]


def test_a_broken_link_is_shown_in_the_banner_and_next_to_its_block(tmp_path: Path) -> None:
    need_chromium()
    repo = make_report(tmp_path / "report")
    with preview(repo) as (_process, url), chromium(tmp_path / "profile") as driver:
        driver.get(url)
        _wait_for(lambda: "no findings" in driver.page_source)
        chapter = repo.path / "chapters" / "02-method.md"
        text = CHAPTERS["02-method.md"].replace(
            "The scope covers", "See [the gone chapter](09-gone.md). The scope covers"
        )
        chapter.write_text(text, encoding="utf-8")
        _wait_for(lambda: "09-gone.md" in _text(driver, ".preview-banner"))
        note = _text(driver, "aside.preview-finding")
        assert "chapters/02-method.md:9" in note and "09-gone.md" in note
        # The note stands right before the paragraph of line 9.
        following = driver.execute_script(
            "return document.querySelector('aside.preview-finding').nextElementSibling.textContent"
        )
        assert "See the gone chapter" in following


def test_only_the_page_and_its_parts_are_served(tmp_path: Path) -> None:
    repo = make_report(tmp_path / "report")
    repo.write("chapters/figure.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    repo.write("chapters/03-fig.md", "# Figure\n\n![A figure](figure.png)\n")
    with preview(repo) as (_process, url):
        assert _get(url, "/")[0] == 200
        assert _get(url, "/_file/chapters/figure.png")[0] == 200
        assert _get(url, "/_static/report.css")[0] == 200
        for path in (
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/.git/config",
            "/%2Egit/config",
            "/report.toml",
            "/_file/report.toml",
            "/_file/chapters/01-intro.md",
            "/_file/../report.toml",
            "/_file/%2e%2e/report.toml",
            "/_static/../../../report.toml",
            "/_static/%2e%2e/%2e%2e/config.py",
            "/_cjk/../../etc/passwd",
            "/_file//etc/passwd",
        ):
            status, body = _get(url, path)
            assert status == 404, path
            assert b"root:" not in body


def test_a_chapter_that_cannot_be_read_shows_its_error_in_place(tmp_path: Path) -> None:
    repo = make_report(tmp_path / "report")
    with preview(repo) as (_process, url):
        (repo.path / "chapters" / "02-method.md").write_text(
            "---\nid: [not, a, string\n---\n# Method\n", encoding="utf-8"
        )

        def shows_error() -> bool:
            status, body = _get(url, "/")
            return status == 200 and b"preview-error" in body

        _wait_for(shows_error)
        page = _get(url, "/")[1].decode()
        assert "Some background text" in page  # the other chapters still there
        status = json.loads(_get(url, "/_preview/version")[1])
        assert any(f["path"] == "chapters/02-method.md" for f in status["findings"])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_the_server_stops_on_a_signal_and_leaves_nothing_behind(
    tmp_path: Path, signum: int
) -> None:
    repo = make_report(tmp_path / "report")
    with preview(repo) as (process, url):
        assert _get(url, "/_preview/version")[0] == 200
        process.send_signal(signum)
        assert process.wait(30) == 0  # a loaded machine needs time to tear a process down
        assert process.stderr is not None and "Traceback" not in process.stderr.read()
        with pytest.raises(OSError):
            _get(url, "/")
        with pytest.raises(ProcessLookupError):
            os.kill(process.pid, 0)


def test_another_host_than_loopback_is_warned_about(tmp_path: Path) -> None:
    repo = make_report(tmp_path / "report")
    with preview(repo, "--host", "0.0.0.0") as (process, _url):
        process.send_signal(signal.SIGINT)
        process.wait(10)
        assert process.stderr is not None
        assert "other machines can read the working draft" in process.stderr.read()


def test_a_port_in_use_is_one_line_and_exit_1(tmp_path: Path) -> None:
    repo = make_report(tmp_path / "report")
    with preview(repo) as (_process, url):
        port = url.rsplit(":", 1)[1].strip("/")
        second = subprocess.run(
            [sys.executable, "-m", "gap_analysis", "preview", "--port", port],
            cwd=repo.path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 1
        assert second.stderr.strip().startswith(f"error: cannot listen on 127.0.0.1:{port}")
        assert "Traceback" not in second.stderr
