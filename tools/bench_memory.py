"""tools/bench memory: peak memory of large builds, against plain WeasyPrint on the same HTML.

Two shapes at a few sizes: a version whose annex "Comments and their
disposition" holds N comments (imported from a generated comment form), and a
report of N short chapters. For each: pages, seconds and peak RSS of
`gap-analysis build VERSION` (cold cache), and peak RSS of plain WeasyPrint
laying out the HTML that build assembled (`build --html-only`). The gap
between the two is what the tool itself holds; what plain WeasyPrint needs is
the floor of this layout engine. Budget (issue 10.15): both shapes under 1 GB
at 10,000 comments and 1,000 chapters, if the engine allows it.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
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
    _run,
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


def measure(name: str, repo: Path, rev: str, work: Path, env: dict[str, str]) -> dict[str, object]:
    html, out = work / f"{name}.html", work / f"{name}.pdf"
    shutil.rmtree(repo / "dist", ignore_errors=True)
    build = _run([TOOL, "--repo", str(repo), "-q", "build", rev, "-o", str(out)], repo, env)
    _run(
        [TOOL, "--repo", str(repo), "-q", "build", rev, "--html", str(html), "--html-only"],
        repo,
        env,
    )
    plain = _run(
        [sys.executable, "-c", PLAIN, str(html), f"{repo}/", str(work / f"{name}-plain.pdf")],
        repo,
        env,
    )
    return {"name": name, "pages": _pages(out), "build": build, "plain": plain}


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
    args = parser.parse_args()
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
            rows.append(measure(name.replace(" ", "-"), repo, rev, work, env))
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"failed: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    header = (
        f"{'shape':<16} {'pages':>6} | {'build s':>8} {'build MB':>9} | {'plain MB':>9} | "
        f"{'build/plain':>11} | {'MB/page (plain)':>15}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        build, plain = row["build"], row["plain"]
        assert isinstance(build, Run) and isinstance(plain, Run)
        pages = int(str(row["pages"]))
        print(
            f"{str(row['name']):<16} {pages:>6} | {build.seconds:8.1f} {build.peak_mb:9.0f} | "
            f"{plain.peak_mb:9.0f} | {build.peak_mb / plain.peak_mb:10.2f}x | "
            f"{plain.peak_mb / max(pages, 1):15.2f}"
        )
    print(
        "\nbuild: `gap-analysis build` (cold cache), peak RSS; plain: WeasyPrint alone on the HTML "
        "that build assembled. Budget: under 1,024 MB at 10,000 comments and 1,000 chapters."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
