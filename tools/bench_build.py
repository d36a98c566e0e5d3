"""tools/bench build: how fast `gap-analysis build` is, against plain WeasyPrint and pandoc.

Three reports, side by side in one run: the sample report (this repository's
committed HEAD), the MASVS v1.5.0 chapters, and a generated report of about
300 pages. For each: seconds and pages per second of `gap-analysis build`
(cold cache), of plain WeasyPrint on the HTML that build produced, of
`pandoc --pdf-engine=weasyprint` on the same chapters (when pandoc is
installed), of an unchanged rebuild; the build process's own peak memory (the
default build lays out in worker processes: the memory of all of them is in the
"parallel layout" table); git processes spawned
(counted with GIT_TRACE, which costs far less than a wrapper script).

Budgets: build <= 1.15 x plain WeasyPrint; unchanged rebuild <= 5% of a full
build; a handful of git processes whatever the number of chapters.

DOCX: `build --format docx --no-cache` beside `pandoc -t docx` on the same
chapters (budget: under 1 s for the sample, under 5 s for the generated
report), and the cached rebuild; `--docx-only` measures just that. Each run is
a new process, as a user runs the tool, with its bytecode compiled once and
kept (as an installed package has it; PYTHONDONTWRITEBYTECODE is dropped);
CPU seconds beside wall seconds, and the load, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MASVS = ROOT.parent / "shared" / "corpus" / "masvs" / "v1.5.0"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_AUTHOR_DATE": "2025-04-01T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2025-04-01T10:00:00+00:00",
}
TOML = """[report]
title = "{title}"
short_title = "{short}"
group = "Benchmark group"

[[people]]
name = "Bench Editor"
email = "bench@example.org"
roles = ["editor"]
"""
WORDS = [
    "standard",
    "protection",
    "children",
    "online",
    "service",
    "assurance",
    "technical",
    "framework",
    "review",
    "interoperable",
    "privacy",
    "design",
    "report",
    "measure",
    "guidance",
    "operator",
    "content",
    "filter",
    "network",
    "signal",
    "method",
    "evidence",
]


@dataclass
class Run:
    seconds: float
    peak_mb: float
    git: int = 0
    cpu: float = 0.0
    """User + system seconds of the process and the children it waited for (git):
    steadier than wall time when other work shares the machine."""
    peak_pss_mb: float = 0.0
    """Peak of the summed PSS of the process tree (`_run_tree` only): shared pages once."""


def _run(args: list[str], cwd: Path, env: dict[str, str], log: Path | None = None) -> Run:
    """Run a process; wall time, its peak RSS, and the git processes it spawned."""
    if log is not None:
        log.write_text("")
        env = {**env, "GIT_TRACE": str(log)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}\n{stderr}")
    git = (
        sum(
            1
            for line in log.read_text().splitlines()
            if "trace: built-in: git" in line or "trace: exec: git" in line
        )
        if log is not None
        else 0
    )
    return Run(seconds, usage.ru_maxrss / 1024, git, usage.ru_utime + usage.ru_stime)


def _session_memory_kb(session: int) -> tuple[int, int]:
    """Memory of every process in `session` (the build, its workers, their forkserver: a worker
    whose forkserver has ended is no longer the build's descendant, but stays in its session),
    in KiB: the sum of their resident sets (RSS, which counts a page shared by several
    processes in each of them) and of their proportional sets (PSS, which counts such a page
    once across them: the memory the machine gives them all)."""
    rss, pss = 0, 0
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) != session:  # the fields after the name: state, ppid, pgrp, session
                continue
            for line in (folder / "smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return rss, pss


def _run_tree(args: list[str], cwd: Path, env: dict[str, str], sample: bool = True) -> Run:
    """Like `_run`, with the peaks of the summed RSS and PSS of the process and every process
    it starts (its own session; sampled every 20 ms). Sampling reads each process's page
    tables (`smaps_rollup`), which slows a large build by a fifth: a timed run is made with
    `sample=False` (and no memory)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    peak, peak_pss = 0, 0
    while proc.poll() is None:
        if sample:
            rss, pss = _session_memory_kb(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}\n{stderr}")
    return Run(seconds, peak / 1024, peak_pss_mb=peak_pss / 1024)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )


def _new_repo(path: Path, title: str, short: str) -> Path:
    path.mkdir(parents=True)
    _git(path, "init", "-q", "-b", "main")
    (path / "report.toml").write_text(TOML.format(title=title, short=short), encoding="utf-8")
    (path / ".gitignore").write_text("/dist/\n")
    (path / "chapters").mkdir()
    return path


def _commit(path: Path) -> None:
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "bench")


def sample_repo(work: Path) -> Path:
    target = work / "sample"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    return target


def masvs_repo(work: Path) -> Path:
    repo = _new_repo(
        work / "masvs", "OWASP Mobile Application Security Verification Standard 1.5.0", "MASVS"
    )
    for source in sorted(MASVS.glob("*.md")):
        shutil.copy(source, repo / "chapters" / source.name)
    if (MASVS / "images").is_dir():
        shutil.copytree(MASVS / "images", repo / "chapters" / "images")
    _commit(repo)
    return repo


def _paragraph(seed: int, words: int = 110) -> str:
    return (
        " ".join(WORDS[(seed * 7 + i * 3 + i // 5) % len(WORDS)] for i in range(words)).capitalize()
        + "."
    )


def generated_repo(work: Path, chapters: int = 29) -> Path:
    """About 300 pages: chapters of sections with paragraphs, a table and a gap entry each."""
    repo = _new_repo(
        work / "generated", "A generated report of about three hundred pages", "Generated"
    )
    for c in range(1, chapters + 1):
        parts = [f"# Chapter {c}\n"]
        for s in range(1, 9):
            parts.append(f"## Section {c}.{s}\n")
            parts += [_paragraph(c * 100 + s * 10 + p) + "\n" for p in range(5)]
            parts.append("| Item | Standard | Note |\n|---|---|---|")
            parts += [
                f"| {c}.{s}.{r} | ISO/IEC {27000 + r} | {_paragraph(r, 8)} |" for r in range(6)
            ]
            parts.append("")
        parts.append(
            f"```gap\nid: G-GN-{c:02d}\narea: Area {c}\nexisting: Standard {c}\n"
            f"gap: {_paragraph(c, 30)}\naction: {_paragraph(c + 1, 20)}\nlead: SG17\n```\n"
        )
        (repo / "chapters" / f"{c:02d}-chapter-{c}.md").write_text(
            "\n".join(parts), encoding="utf-8"
        )
    _commit(repo)
    return repo


def _pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


PLAIN = (
    "import sys, weasyprint; "
    "weasyprint.HTML(filename=sys.argv[1], base_url=sys.argv[2]).write_pdf(sys.argv[3])"
)


STATIC = ROOT / "gap_analysis" / "render" / "static"


def _plain_html(html: Path) -> tuple[Path, Path]:
    """The build's HTML for plain WeasyPrint: with the bundled fonts as files, and with system fonts.

    The first is what `build` lays out (its fonts fetched from the package folder instead of
    through the tool's fetcher); the second drops the `@font-face` rules and names the
    machine's DejaVu families, as builds did before fonts were bundled, so the two show what
    bundling costs.
    """
    text = html.read_text(encoding="utf-8")
    bundled = text.replace("https://static.invalid/", STATIC.as_uri() + "/").replace(
        "https://cjk-font.invalid/", "file:///usr/share/fonts/opentype/noto/"
    )
    system = re.sub(r"@font-face \{[^}]*\}\n?", "", text)
    for ours, theirs in (
        ('"GA Serif"', '"DejaVu Serif"'),
        ('"GA Sans"', '"DejaVu Sans"'),
        ('"GA Mono"', '"DejaVu Sans Mono"'),
        ('"GA Naskh", ', ""),
        ('"GA CJK Serif", ', ""),
        ('"GA CJK Sans", ', ""),
    ):
        system = system.replace(ours, theirs)
    paths = _bundled(html), html.with_suffix(".system.html")
    paths[0].write_text(bundled, encoding="utf-8")
    paths[1].write_text(system, encoding="utf-8")
    return paths


def _build_argv(repo: Path, *args: str) -> list[str]:
    """`gap-analysis build HEAD` of `repo`, quiet, with `args`."""
    return [str(VENV_BIN / "gap-analysis"), "--repo", str(repo), "-q", "build", "HEAD", *args]


def _compile_bytecode(repo: Path, work: Path, env: dict[str, str]) -> None:
    """One PDF and one DOCX built, untimed, before anything is timed: each module's bytecode is
    then compiled into the bench's cache folder, as an installed tool has it. (The first timed
    build of the first report paid for compiling WeasyPrint, pypdf and the workers' modules,
    which `--html-only` does not load: 5.2 s against 4.2 s for the sample.)"""
    for extra in ((), ("--format", "docx")):
        out = work / ("bytecode.docx" if extra else "bytecode.pdf")
        _run(_build_argv(repo, "--no-cache", "-o", str(out), *extra), repo, env)


def _bundled(html: Path) -> Path:
    """Where `_plain_html` writes the build's HTML with the bundled fonts as files."""
    return html.with_suffix(".bundled.html")


def _plain_argv(name: str, repo: Path, work: Path) -> list[str]:
    """Plain WeasyPrint on the build's HTML (`work/<name>.html`) with the bundled fonts."""
    html = _bundled(work / f"{name}.html")
    return [sys.executable, "-c", PLAIN, str(html), f"{repo}/", str(work / f"{name}-plain.pdf")]


def _best(runs: list[Run]) -> Run:
    """The fastest of the repetitions (the least disturbed by other load), with the largest peak."""
    fastest = min(runs, key=lambda r: r.seconds)
    return Run(
        fastest.seconds,
        max(r.peak_mb for r in runs),
        fastest.git,
        fastest.cpu,
        max(r.peak_pss_mb for r in runs),
    )


def bench(
    name: str, repo: Path, work: Path, env: dict[str, str], log: Path, repeat: int
) -> dict[str, object]:
    """Full builds (cold cache), plain WeasyPrint and pandoc interleaved `repeat` times; then rebuilds."""
    out, html = work / f"{name}.pdf", work / f"{name}.html"
    _run(
        _build_argv(repo, "--html", str(html), "--html-only"),
        repo,
        env,
    )
    _bundled_html, system_html = _plain_html(html)
    pandoc = shutil.which("pandoc")
    chapters = sorted(str(p) for p in (repo / "chapters").glob("*.md"))
    builds, plains, systems, pandocs, rebuilds = [], [], [], [], []
    for _ in range(repeat):
        shutil.rmtree(repo / "dist", ignore_errors=True)
        builds.append(_run(_build_argv(repo, "-o", str(out)), repo, env, log))
        rebuilds.append(_run(_build_argv(repo, "-o", str(work / f"{name}-2.pdf")), repo, env, log))
        plains.append(_run(_plain_argv(name, repo, work), repo, env))
        systems.append(
            _run(
                [sys.executable, "-c", PLAIN, str(system_html), f"{repo}/", str(work / "sys.pdf")],
                repo,
                env,
            )
        )
        if pandoc:
            pandocs.append(
                _run(
                    [
                        pandoc,
                        "--pdf-engine=weasyprint",
                        "--resource-path",
                        str(repo / "chapters"),
                        "-o",
                        str(work / f"{name}-pandoc.pdf"),
                        *chapters,
                    ],
                    repo,
                    env,
                )
            )
    if (work / f"{name}-2.pdf").read_bytes() != out.read_bytes():
        raise SystemExit(f"{name}: the rebuild differs from the build")
    row: dict[str, object] = {
        "name": name,
        "pages": _pages(out),
        "build": _best(builds),
        "rebuild": _best(rebuilds),
        "plain": _best(plains),
        "system": _best(systems),
    }
    if pandocs:
        row["pandoc"] = _best(pandocs)
    return row


def bench_docx(
    name: str, repo: Path, work: Path, env: dict[str, str], repeat: int
) -> dict[str, object]:
    """`build --format docx` and `pandoc -t docx` on the same chapters, interleaved."""
    pandoc = shutil.which("pandoc")
    chapters = sorted(str(p) for p in (repo / "chapters").glob("*.md"))
    ours, theirs = [], []
    out = str(work / f"{name}.docx")
    command = _build_argv(repo, "--format", "docx", "-o", out)
    _run([*command, "--no-cache"], repo, env)  # warm-up: compiles the bytecode an install has
    for _ in range(repeat):
        ours.append(_run([*command, "--no-cache"], repo, env))
        if pandoc:
            target = str(work / f"{name}-pandoc.docx")
            theirs.append(
                _run(
                    [
                        pandoc,
                        "--resource-path",
                        str(repo / "chapters"),
                        "-t",
                        "docx",
                        "-o",
                        target,
                        *chapters,
                    ],
                    repo,
                    env,
                )
            )
    _run(command, repo, env)  # fills the cache
    rebuilds = [_run(command, repo, env) for _ in range(repeat)]
    row: dict[str, object] = {"name": name, "docx": _best(ours), "rebuild": _best(rebuilds)}
    if theirs:
        row["pandoc"] = _best(theirs)
    return row


def _docx_table(rows: list[dict[str, object]]) -> None:
    """Wall seconds (the budget's measure: a cold process, as a user runs it) and CPU seconds."""
    budgets = {"sample": 1.0, "generated": 5.0}
    print(f"\nload average {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs); (cpu: user+system)")
    print(
        f"{'report':<10} | {'build --format docx':>21} | {'pandoc -t docx':>21} | {'ours/pandoc':>11} "
        f"| {'cached rebuild':>21} | budget"
    )
    for row in rows:
        ours, theirs, rebuild = row["docx"], row.get("pandoc"), row["rebuild"]
        assert isinstance(ours, Run) and isinstance(rebuild, Run)
        ratio = f"{ours.seconds / theirs.seconds:10.2f}x" if isinstance(theirs, Run) else "n/a"
        budget = budgets.get(str(row["name"]))
        verdict = (
            ""
            if budget is None
            else (f"< {budget:g} s ok" if ours.seconds < budget else f"OVER {budget:g} s")
        )
        print(
            f"{row['name']:<10} | {_wall_cpu(ours):>21} | {_wall_cpu(theirs):>21} | {ratio:>11} "
            f"| {_wall_cpu(rebuild):>21} | {verdict}"
        )


def _wall_cpu(run: object) -> str:
    return f"{run.seconds:.2f} s (cpu {run.cpu:.2f} s)" if isinstance(run, Run) else "n/a"


def bench_jobs(
    name: str, repo: Path, work: Path, env: dict[str, str], repeat: int
) -> dict[str, object]:
    """`build --jobs N` for each N up to the CPUs (cold caches), the rebuild after an edit to one
    chapter (part cache warm), the summed peak memory of all processes, the PDF sizes; and
    plain WeasyPrint again in each repetition, so that the ratio is of runs side by side
    (the main table's plain runs came minutes before, on a machine whose speed drifts)."""
    cpus = os.cpu_count() or 1
    runs: dict[int, list[Run]] = {n: [] for n in range(1, max(cpus, 2) + 1)}
    edits: list[Run] = []
    plains: list[Run] = []
    sizes: dict[int, int] = {}
    chapters = sorted((repo / "chapters").glob("*.md"))
    edited = chapters[min(2, len(chapters) - 1)]
    loads = []
    for _ in range(repeat):
        for jobs in runs:
            shutil.rmtree(repo / "dist", ignore_errors=True)
            out = work / f"{name}-j{jobs}.pdf"
            loads.append(os.getloadavg()[0])
            argv = [
                *_build_argv(repo, "-o", str(out)),
                *("--jobs", str(jobs)),
            ]
            timed = _run_tree(argv, repo, env, sample=False)
            shutil.rmtree(repo / "dist", ignore_errors=True)  # the same cold build, for memory
            measured = _run_tree(argv, repo, env)
            runs[jobs].append(
                Run(timed.seconds, measured.peak_mb, peak_pss_mb=measured.peak_pss_mb)
            )
            sizes[jobs] = out.stat().st_size
        plains.append(_run(_plain_argv(name, repo, work), repo, env))
        # the part cache now holds the last --jobs N build: edit one chapter, build again
        original = edited.read_text(encoding="utf-8")
        edited.write_text(
            original.replace("\n\n", "\n\nOne more sentence for the bench.\n\n", 1),
            encoding="utf-8",
        )
        _commit(repo)
        edits.append(
            _run_tree(  # timed, not sampled
                _build_argv(repo, "-o", str(work / f"{name}-edit.pdf"), "--jobs", str(max(runs))),
                repo,
                env,
                sample=False,
            )
        )
        _git(repo, "reset", "-q", "--hard", "HEAD~1")
    return {
        "name": name,
        "jobs": {n: _best(r) for n, r in runs.items()},
        "edit": _best(edits),
        "plain": _best(plains),
        "sizes": sizes,
        "load": max(loads),
    }


def _jobs_table(rows: list[dict[str, object]], pandoc: dict[str, Run]) -> list[str]:
    failures = []
    print(
        "\nparallel layout (issue 17): build --jobs N, cold caches; edit = rebuild after one chapter's edit"
        " (warm part cache, largest N); memory = peak of all processes summed, as RSS (a page"
        " shared by the workers counted in each) and as PSS (counted once: the budget's figure);"
        " /plain = against plain WeasyPrint run in the same repetitions"
    )
    header = f"{'report':<10} | {'load':>5} | {'jobs':>4} | {'build':>8} | {'/plain':>7} | {'/pandoc':>7} | {'edit':>14} | {'RSS MB':>7} | {'/serial':>7} | {'PSS MB':>7} | {'/serial':>7} | {'PDF KB':>7}"
    print(header)
    print("-" * len(header))
    for row in rows:
        name = str(row["name"])
        jobs = row["jobs"]
        assert isinstance(jobs, dict)
        serial = jobs[1]
        top = max(jobs)
        beside = row["plain"]  # plain WeasyPrint run in the same repetitions
        assert isinstance(beside, Run)
        for n, run in sorted(jobs.items()):
            ratio = run.seconds / beside.seconds
            versus = f"{run.seconds / pandoc[name].seconds:6.2f}x" if name in pandoc else "    n/a"
            edit = row["edit"]
            assert isinstance(edit, Run)
            edit_text = (
                f"{edit.seconds:5.2f} s {edit.seconds / run.seconds:5.1%}" if n == top else ""
            )
            sizes = row["sizes"]
            assert isinstance(sizes, dict)
            print(
                f"{name:<10} | {row['load']:5.1f} | {n:>4} | {run.seconds:6.2f} s | {ratio:6.2f}x | {versus} | "
                f"{edit_text:>14} | {run.peak_mb:7.0f} | {run.peak_mb / serial.peak_mb:6.2f}x | "
                f"{run.peak_pss_mb:7.0f} | {run.peak_pss_mb / serial.peak_pss_mb:6.2f}x | {sizes[n] / 1024:7.0f}"
            )
        best = jobs[top]
        if top >= 2 and best.seconds / beside.seconds > 0.65:
            failures.append(
                f"{name}: --jobs {top} is {best.seconds / beside.seconds:.2f}x plain WeasyPrint (budget 0.65x)"
            )
        if name in pandoc and best.seconds >= pandoc[name].seconds:
            failures.append(f"{name}: --jobs {top} is not faster than pandoc")
        edit = row["edit"]
        assert isinstance(edit, Run)
        if name == "generated" and edit.seconds / best.seconds > 0.15:
            failures.append(
                f"{name}: rebuild after an edit is {edit.seconds / best.seconds:.0%} of a full build (budget 15%)"
            )
        if best.peak_pss_mb / serial.peak_pss_mb > 1.5:
            failures.append(
                f"{name}: peak memory (PSS) {best.peak_pss_mb / serial.peak_pss_mb:.2f}x serial (budget 1.5x)"
            )
    return failures


def _fmt(run: object, pages: int) -> str:
    if not isinstance(run, Run):
        return "n/a"
    return f"{run.seconds:7.2f} s {pages / run.seconds:6.1f} p/s"


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="tools/bench build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--only",
        choices=["sample", "masvs", "generated"],
        action="append",
        help="bench only these reports (repeatable)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder and print it")
    parser.add_argument(
        "--repeat", type=int, default=2, help="runs of each measurement; the fastest counts"
    )
    parser.add_argument(
        "--jobs-only",
        action="store_true",
        help="measure only the parallel layout (build --jobs N) against plain WeasyPrint and pandoc",
    )
    parser.add_argument(
        "--docx-only",
        action="store_true",
        help="measure only the DOCX build against pandoc -t docx",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    log = work / "git-trace.log"
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        **GIT_ENV,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        # bytecode compiled once and kept, as an installed tool has it (not recompiled per run)
        "PYTHONPYCACHEPREFIX": str(work / "pycache"),
    }
    makers = {"sample": sample_repo, "masvs": masvs_repo, "generated": generated_repo}
    rows, docx_rows, jobs_rows = [], [], []
    compiled = False
    for name in args.only or list(makers):
        if name == "masvs" and not MASVS.is_dir():
            print(f"note: {MASVS} not found; MASVS skipped", file=sys.stderr)
            continue
        print(f"benchmarking {name} ...", file=sys.stderr)
        repo = makers[name](work)
        if not compiled:
            _compile_bytecode(repo, work, env)
            compiled = True
        if not args.jobs_only:
            docx_rows.append(bench_docx(name, repo, work, env, max(1, args.repeat)))
        if not args.docx_only:
            rows.append(bench(name, repo, work, env, log, max(1, args.repeat)))
            jobs_rows.append(bench_jobs(name, repo, work, env, max(1, args.repeat)))
    if not args.jobs_only:
        _docx_table(docx_rows)
    if args.docx_only:
        shutil.rmtree(work, ignore_errors=True)
        return 0
    jobs_failures = _jobs_table(
        jobs_rows,
        {str(r["name"]): r["pandoc"] for r in rows if isinstance(r.get("pandoc"), Run)},  # type: ignore[misc]
    )
    print()
    header = (
        f"{'report':<10} {'pages':>5} | {'gap-analysis build':>20} | {'plain WeasyPrint':>20} | "
        f"{'pandoc+weasyprint':>20} | {'rebuild':>8} | {'build/plain':>11} | {'rebuild/build':>13} | "
        f"{'own MB':>7} | {'git (build/rebuild)':>19} | {'bundled/system fonts':>20}"
    )
    print(header)
    print("-" * len(header))
    failures = []
    for row in rows:
        pages = int(str(row["pages"]))
        build, plain, again, system = row["build"], row["plain"], row["rebuild"], row["system"]
        assert isinstance(build, Run) and isinstance(plain, Run) and isinstance(again, Run)
        assert isinstance(system, Run)
        fonts = plain.seconds / system.seconds
        ratio, cached = build.seconds / plain.seconds, again.seconds / build.seconds
        print(
            f"{row['name']:<10} {pages:>5} | {_fmt(build, pages):>20} | {_fmt(plain, pages):>20} | "
            f"{_fmt(row.get('pandoc'), pages):>20} | {again.seconds:6.2f} s | {ratio:10.2f}x | "
            f"{cached:12.1%} | {build.peak_mb:7.0f} | {build.git:>9} / {again.git:<7} | "
            f"{fonts:19.2f}x"
        )
        if fonts > 1.05:
            failures.append(
                f"{row['name']}: bundled fonts lay out {fonts:.2f}x system fonts (budget 1.05x)"
            )
        if ratio > 1.15:
            failures.append(f"{row['name']}: build is {ratio:.2f}x plain WeasyPrint (budget 1.15x)")
        if cached > 0.05:
            failures.append(
                f"{row['name']}: unchanged rebuild is {cached:.1%} of a full build (budget 5%)"
            )
        if build.git > 8:
            failures.append(f"{row['name']}: {build.git} git processes (budget: a handful)")
    if not shutil.which("pandoc"):
        print(
            "\nnote: pandoc is not installed; its column is n/a (apt-get install pandoc to compare)"
        )
    print(
        "\nbudgets: build <= 1.15x plain WeasyPrint; rebuild <= 5% of build; a handful of git processes;"
        " bundled fonts <= 1.05x system fonts (plain WeasyPrint on the same HTML)"
    )
    for failure in failures + jobs_failures:
        print(f"over budget: {failure}")
    if args.keep:
        print(f"work folder: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
