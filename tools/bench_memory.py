"""tools/bench memory: peak memory of large builds, against plain WeasyPrint on the same HTML.

Two shapes at a few sizes: a version whose annex "Comments and their
disposition" holds N comments (imported from a generated comment form), and a
report of N short chapters. For each: pages, seconds and peak RSS of
`gap-analysis build VERSION` (cold cache), and peak RSS of plain WeasyPrint
laying out the HTML that build assembled (`build --html-only`). The gap
between the two is what the tool itself holds; what plain WeasyPrint needs is
the floor of this layout engine. Budget (issue 10.15): both shapes under 1 GB
at 10,000 comments and 1,000 chapters, if the engine allows it.

The build's peak is the summed RSS of its whole session (the build, and the
forkserver and layout workers of a chunked or parallel layout), sampled every
20 ms. The build runs in a child of this script (`--phases-of ARGS`) that samples its
own RSS and marks WeasyPrint's steps, so the table also shows what the process
held when layout began (the tool's own structures plus the parsed HTML) and at
the end of layout (all pages' boxes, which WeasyPrint keeps until the PDF is
written). Plain WeasyPrint gets the bundled fonts as files, as the build uses them.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import (  # noqa: E402 - the build bench's helpers, one home
    GIT_ENV,
    PLAIN,
    VENV_BIN,
    WORDS,
    Run,
    _commit,
    _new_repo,
    _pages,
    _paragraph,
    _plain_html,
    _run,
    _run_tree,
)

TOOL = str(VENV_BIN / "gap-analysis")


def _words(seed: int, count: int) -> str:
    return " ".join(WORDS[(seed * 5 + i * 3) % len(WORDS)] for i in range(count))


def comments_repo(work: Path, count: int, env: dict[str, str]) -> tuple[Path, str]:
    """Three chapters, v0.1 cut, `count` comments on it imported from one comment form."""
    repo = _new_repo(work / f"comments-{count}", f"{count} comments", "Comments")
    for c in range(1, 4):
        text = f"# Chapter {c}\n\n## Part {c}.1\n\n" + "\n\n".join(
            _paragraph(c * 10 + p) for p in range(6)
        )
        (repo / "chapters" / f"{c:02d}-chapter-{c}.md").write_text(text + "\n", encoding="utf-8")
    _commit(repo)
    _run([TOOL, "--repo", str(repo), "-q", "version", "cut", "--no-build"], repo, env)
    form = work / f"comments-{count}.csv"
    with form.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["MB/NC", "Clause", "Type", "Comment", "Proposed change"])
        for i in range(count):
            writer.writerow(
                [
                    f"Member body {i % 40}",
                    f"{i % 3 + 1}.1",
                    ("ge", "te", "ed")[i % 3],
                    _words(i, 25).capitalize() + ".",
                    _words(i + 7, 15).capitalize() + ".",
                ]
            )
    _run([TOOL, "--repo", str(repo), "-q", "comment", "import", "v0.1", str(form)], repo, env)
    return repo, "v0.1"


def chapters_repo(work: Path, count: int, env: dict[str, str]) -> tuple[Path, str]:
    """`count` chapters of two short sections each, at HEAD."""
    repo = _new_repo(work / f"chapters-{count}", f"{count} chapters", "Chapters")
    for c in range(1, count + 1):
        text = (
            f"# Chapter {c}\n\n## Section {c}.1\n\n{_paragraph(c)}\n\n"
            f"## Section {c}.2\n\n{_paragraph(c + 1, 60)}\n"
        )
        (repo / "chapters" / f"{c:04d}-chapter-{c}.md").write_text(text, encoding="utf-8")
    _commit(repo)
    return repo, "HEAD"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def phases_of(args: list[str], report: Path) -> int:
    """Run `gap-analysis ARGS` in this process; write the RSS when layout began and ended, and the peak."""
    import weasyprint
    from weasyprint.document import Document

    marks: dict[str, float] = {}
    peak = [0.0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    render, write = weasyprint.HTML.render, Document.write_pdf

    def marked_render(self: weasyprint.HTML, *a: object, **k: object) -> Document:
        marks.setdefault("layout_start", _rss_mb())
        document = render(self, *a, **k)
        marks.setdefault("layout_end", max(peak[0], _rss_mb()))
        return document

    def marked_write(self: Document, *a: object, **k: object) -> object:
        marks.setdefault("write_start", _rss_mb())
        return write(self, *a, **k)

    weasyprint.HTML.render = marked_render  # type: ignore[method-assign]
    Document.write_pdf = marked_write  # type: ignore[method-assign]
    from gap_analysis.cli.app import main as cli

    try:
        cli(args, standalone_mode=False)
    finally:
        report.write_text(" ".join(f"{k}={v:.0f}" for k, v in marks.items()))
    return 0


def measure(
    name: str, repo: Path, rev: str, work: Path, env: dict[str, str], plain: bool = True
) -> dict[str, object]:
    html, out, marks = work / f"{name}.html", work / f"{name}.pdf", work / f"{name}.phases"
    shutil.rmtree(repo / "dist", ignore_errors=True)
    load = os.getloadavg()[0]
    build = _run_tree(
        [sys.executable, str(Path(__file__).resolve()), "--phases-of", str(marks), "--"]
        + ["--repo", str(repo), "-q", "build", rev, "--no-cache", "-o", str(out)],
        repo,
        env,
    )
    _run(
        [TOOL, "--repo", str(repo), "-q", "build", rev, "--html", str(html), "--html-only"],
        repo,
        env,
    )
    bundled, _ = _plain_html(html)
    alone = (
        _run(
            [
                sys.executable,
                "-c",
                PLAIN,
                str(bundled),
                f"{repo}/",
                str(work / f"{name}-plain.pdf"),
            ],
            repo,
            env,
        )
        if plain
        else Run(0.0, 0.0)
    )
    phases = dict(item.split("=") for item in marks.read_text().split())
    return {
        "name": name,
        "pages": _pages(out),
        "html_mb": html.stat().st_size / 2**20,
        "build": build,
        "plain": alone,
        "phases": {key: float(value) for key, value in phases.items()},
        "load": (load + os.getloadavg()[0]) / 2,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="tools/bench memory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--comments", default="1000,4000,10000", help="comment counts (default 1000,4000,10000)"
    )
    parser.add_argument("--chapters", default="250,1000", help="chapter counts (default 250,1000)")
    parser.add_argument(
        "--no-plain", action="store_true", help="skip plain WeasyPrint (3 GB at 10,000 comments)"
    )
    parser.add_argument("--phases-of", metavar="REPORT", help=argparse.SUPPRESS)
    parser.add_argument("cli_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases_of:
        return phases_of(args.cli_args, Path(args.phases_of))
    work = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    env = {
        **os.environ,
        **GIT_ENV,
        "PATH": os.pathsep.join([str(VENV_BIN), os.environ["PATH"]]),
    }
    rows = []
    try:
        shapes = [
            (f"{n} comments", comments_repo, n)
            for n in map(int, filter(None, args.comments.split(",")))
        ] + [
            (f"{n} chapters", chapters_repo, n)
            for n in map(int, filter(None, args.chapters.split(",")))
        ]
        for name, make, size in shapes:
            print(f"measuring {name} ...", file=sys.stderr, flush=True)
            repo, rev = make(work, size, env)
            rows.append(measure(name.replace(" ", "-"), repo, rev, work, env, not args.no_plain))
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"failed: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    header = (
        f"{'shape':<16} {'pages':>5} {'HTML MB':>7} | {'build s':>7} {'at layout':>9} "
        f"{'laid out':>8} {'peak MB':>7} | {'plain s':>7} {'plain MB':>8} | {'tool holds':>10} | "
        f"{'MB/page':>7} | {'load':>4}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        build, plain, phases = row["build"], row["plain"], row["phases"]
        assert isinstance(build, Run) and isinstance(plain, Run) and isinstance(phases, dict)
        pages = int(str(row["pages"]))
        print(
            f"{str(row['name']):<16} {pages:>5} {float(str(row['html_mb'])):7.1f} | "
            f"{build.seconds:7.0f} {phases.get('layout_start', 0):9.0f} "
            f"{phases.get('layout_end', 0):8.0f} {build.peak_mb:7.0f} | "
            f"{plain.seconds:7.0f} {plain.peak_mb:8.0f} | {build.peak_mb - plain.peak_mb:10.0f} | "
            f"{plain.peak_mb / max(pages, 1):7.2f} | {float(str(row['load'])):4.1f}"
        )
    print(
        "\nbuild: `gap-analysis build --no-cache`, RSS in MB when layout began, when it ended "
        "(every page's boxes), and the peak; plain: WeasyPrint alone on the HTML that build "
        "assembled (its floor for one document); tool holds: build peak - plain peak; load: "
        "1-minute load average. Budget: under 1,024 MB at 10,000 comments and 1,000 chapters."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
