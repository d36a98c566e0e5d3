"""tools/bench diff: the structure-aware diff against redlines and iddiff, side by side.

Pairs, in one run: a generated report of about 21,000 words with about 5% of
its lines edited, a generated pair of about 100,000 words, and the three
consecutive MASVS release pairs. For each pair:

- ours, engine: the diff engine on parsed chapters (alignment and word diffs);
- ours, diff: load both snapshots from git, parse, diff (what `diff` does in-process);
- ours, command: `gap-analysis diff --format json` as a process, start-up included;
- redlines: `Redlines(old, new).output_markdown` on the same text (all chapters joined);
- iddiff: `iddiff old new` (its default side-by-side HTML) on the same text.

Then the repeated-block shapes that made the old alignment cubic: N identical
paragraphs with every seventh edited (2,000, 4,000, 20,000) and a 6,000-row
table of few distinct rows with every eleventh edited. Budget: under 2 s of
diffing for 20,000 repeated paragraphs (`--repeated` runs only these).

With `--redline` (or `--redline-only`), the redline PDF (`diff OLD NEW --format pdf`)
is timed against building the newer version alone (`build NEW --no-cache`) on the
MASVS v1.4.2 -> v1.5.0 pair and on a generated pair of about 300 pages (the
report of `tools/bench build`, about 6% of its lines edited): budget 1.2 times.
`--repeat N` takes the best of N interleaved runs of each and prints CPU time
(user + system) beside wall time, with the load average, for a shared machine.

Peers run in a child process with a time limit. Budgets: ours (command) at
most a quarter of redlines' time on the 21k pair; under one second of diffing
on the 100k pair; peak memory of the diff linear in the input (tracemalloc at
two sizes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MASVS = ROOT.parent / "shared" / "corpus" / "masvs"
RELEASES = ("v1.2", "v1.3", "v1.4.2", "v1.5.0")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_AUTHOR_DATE": "2025-04-01T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2025-04-01T10:00:00+00:00",
}
TOML = '[report]\ntitle = "Benchmark report"\ngroup = "Benchmark group"\n'
SYLLABLES = (
    "ta",
    "ri",
    "co",
    "ne",
    "la",
    "mo",
    "si",
    "ve",
    "du",
    "pa",
    "ge",
    "lo",
    "ni",
    "ka",
    "sa",
)


# --- generated reports ---------------------------------------------------------------------


def _vocabulary(rng: random.Random) -> list[str]:
    return sorted(
        {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(900)}
    )


def generate(words: int, seed: int) -> dict[str, str]:
    """Chapters of about `words` words: sections, one-line paragraphs, lists and tables."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)

    def sentence() -> str:
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(6, 16))).capitalize() + "."

    chapters: dict[str, str] = {}
    total = 0
    number = 0
    while total < words:
        number += 1
        lines = [f"# Chapter {number} {rng.choice(vocab)}", ""]
        for s in range(rng.randint(4, 8)):
            lines += [f"## Section {number}.{s + 1} {rng.choice(vocab)} {rng.choice(vocab)}", ""]
            for _ in range(rng.randint(2, 5)):
                kind = rng.random()
                if kind < 0.7:
                    lines += [" ".join(sentence() for _ in range(rng.randint(2, 5))), ""]
                elif kind < 0.85:
                    lines += [f"- {sentence()}" for _ in range(rng.randint(2, 5))] + [""]
                else:
                    lines += ["| Id | Name | Description |", "|---|---|---|"]
                    lines += [
                        f"| {number}.{s}.{r} | {rng.choice(vocab)} | {sentence()} |"
                        for r in range(rng.randint(2, 6))
                    ] + [""]
        text = "\n".join(lines)
        total += len(text.split())
        chapters[f"{number:02d}-chapter-{number}.md"] = text
    return chapters


def edit(chapters: dict[str, str], share: float, seed: int) -> tuple[dict[str, str], int]:
    """About `share` of the non-blank lines edited: words changed, sentences added, lines dropped."""
    rng = random.Random(seed)
    vocab = _vocabulary(random.Random(seed + 1))
    out: dict[str, str] = {}
    edited = 0
    for name, text in chapters.items():
        lines = text.split("\n")
        new_lines: list[str] = []
        for line in lines:
            if not line.strip() or line.startswith(("#", "|---")) or rng.random() >= share:
                new_lines.append(line)
                continue
            edited += 1
            words = line.split(" ")
            action = rng.random()
            if action < 0.5:
                for _ in range(rng.randint(1, 3)):
                    words[rng.randrange(1, len(words))] = rng.choice(vocab)
                new_lines.append(" ".join(words))
            elif action < 0.8:
                new_lines.append(
                    line + " " + " ".join(rng.choice(vocab) for _ in range(8)).capitalize() + "."
                )
            elif action < 0.9 and not line.startswith("|"):
                continue
            else:
                new_lines.append(line.replace(words[-1], rng.choice(vocab) + ".", 1))
        out[name] = "\n".join(new_lines)
    return out, edited


def repeated_paragraphs(count: int) -> tuple[dict[str, str], dict[str, str]]:
    """`count` identical paragraphs; in the new version every seventh is edited."""
    text = "The same paragraph, repeated again and again in one long chapter of the report."
    old = [text] * count
    new = [text if i % 7 != 6 else f"{text} Edited {i}." for i in range(count)]
    return (
        {"01-repeated.md": "# Repeated\n\n" + "\n\n".join(old) + "\n"},
        {"01-repeated.md": "# Repeated\n\n" + "\n\n".join(new) + "\n"},
    )


def repeated_rows(count: int) -> tuple[dict[str, str], dict[str, str]]:
    """A table of `count` rows with five distinct rows; every eleventh row edited."""
    head = "# Table\n\n| Kind | Value |\n|---|---|\n"
    old = [f"| row | {i % 5} |" for i in range(count)]
    new = [f"| row | {i % 5}{' changed' if i % 11 == 0 else ''} |" for i in range(count)]
    return (
        {"01-table.md": head + "\n".join(old) + "\n"},
        {"01-table.md": head + "\n".join(new) + "\n"},
    )


def bench_repeated(root: Path) -> list[str]:
    """The repeated-block shapes: seconds of the engine and of the whole in-process diff."""
    shapes = [
        ("2,000 repeated paragraphs", repeated_paragraphs(2_000)),
        ("4,000 repeated paragraphs", repeated_paragraphs(4_000)),
        ("20,000 repeated paragraphs", repeated_paragraphs(20_000)),
        ("6,000-row table, 5 distinct rows", repeated_rows(6_000)),
    ]
    print(f"{'repeated blocks':<40} {'changes':>8} {'engine':>8} {'diff':>8}")
    verdicts = []
    for label, (old, new) in shapes:
        repo = root / label.replace(" ", "-").replace(",", "")
        commits = make_repo(repo, [old, new])
        engine, whole, count = ours_in_process(repo, commits[0], commits[1])
        print(f"{label:<40} {count:>8} {engine:>8.3f} {whole:>8.3f}", flush=True)
        if label.startswith("20,000"):
            verdicts.append(
                f"20,000 repeated paragraphs: engine {engine:.3f} s (budget < 2 s: "
                f"{'ok' if engine < 2 else 'OVER'}); with reading and parsing {whole:.3f} s"
            )
    return verdicts


# --- repositories --------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout


def make_repo(folder: Path, versions: list[dict[str, str] | Path]) -> list[str]:
    """A report repo with one commit per version; returns the commits."""
    folder.mkdir(parents=True)
    _git(folder, "init", "-q", "-b", "main")
    (folder / "report.toml").write_text(TOML, encoding="utf-8")
    commits = []
    for index, version in enumerate(versions):
        target = folder / "chapters"
        shutil.rmtree(target, ignore_errors=True)
        if isinstance(version, Path):
            shutil.copytree(version, target)
        else:
            target.mkdir()
            for name, text in version.items():
                (target / name).write_text(text, encoding="utf-8")
        _git(folder, "add", "-A")
        _git(folder, "commit", "-q", "-m", f"version {index}")
        commits.append(_git(folder, "rev-parse", "HEAD").strip())
    return commits


def joined(repo: Path, commit: str) -> str:
    """All chapters of a commit, in order, as one text (what the peers compare)."""
    names = _git(repo, "ls-tree", "--name-only", f"{commit}:chapters").split()
    return "\n\n".join(
        _git(repo, "show", f"{commit}:chapters/{n}") for n in sorted(names) if n.endswith(".md")
    )


# --- measurements --------------------------------------------------------------------------


def ours_in_process(repo: Path, old: str, new: str) -> tuple[float, float, int]:
    """(seconds of the engine alone, seconds of load + parse + diff, changes found)."""
    from gap_analysis.diff import diff_reports
    from gap_analysis.gitstore import GitStore
    from gap_analysis.services.diff import diff

    store = GitStore(repo)
    try:
        diff(store, old, new)  # warm: imports, caches of the parser
        start = time.perf_counter()
        outcome = diff(store, old, new)
        whole = time.perf_counter() - start
        start = time.perf_counter()
        diff_reports(
            outcome.old_structures, outcome.new_structures, outcome.result.old, outcome.result.new
        )
        engine = time.perf_counter() - start
    finally:
        store.close()
    return engine, whole, sum(len(c.changes) for c in outcome.result.chapters)


def ours_peak_memory(repo: Path, old: str, new: str) -> int:
    from gap_analysis.gitstore import GitStore
    from gap_analysis.services.diff import diff

    store = GitStore(repo)
    try:
        diff(store, old, new)
        tracemalloc.start()
        diff(store, old, new)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    finally:
        store.close()
    return peak


def ours_command(repo: Path, old: str, new: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "gap-analysis"), "--repo", str(repo), "diff", old, new, "--format", "json"],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"gap-analysis diff failed: {done.stderr.strip()}")
    json.loads(done.stdout)
    return elapsed


def peer(name: str, old_file: Path, new_file: Path, limit: float) -> float | None:
    """Seconds the peer took in a child process, or None past `limit`."""
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--peer", name, str(old_file), str(new_file)],
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise SystemExit(f"{name} failed: {done.stderr.strip()[-400:]}")
    return float(done.stdout.strip())


def run_peer(name: str, old_file: str, new_file: str) -> None:
    old, new = Path(old_file).read_text("utf-8"), Path(new_file).read_text("utf-8")
    if name == "redlines":
        from redlines import Redlines

        start = time.perf_counter()
        Redlines(old, new).output_markdown  # noqa: B018 - the property does the work
    else:
        from iddiff.iddiff import get_iddiff

        start = time.perf_counter()
        get_iddiff(old_file, new_file)
    print(time.perf_counter() - start)


# --- the redline PDF against a plain build -------------------------------------------------


def _timed(repo: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system) of one `gap-analysis` process.

    CPU time is printed beside wall time because the bench machine is shared: other
    people's load stretches the wall clock far more than the work the command does.
    """
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "gap-analysis"), "--repo", str(repo), *args],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"gap-analysis {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return elapsed, cpu


def redline_pairs(root: Path) -> list[tuple[str, Path, str, str]]:
    sys.path.insert(0, str(ROOT / "tools"))
    from bench_build import generated_repo

    pairs = []
    repo = generated_repo(root / "generated-300")
    old = _git(repo, "rev-parse", "HEAD").strip()
    chapters = {p.name: p.read_text("utf-8") for p in sorted((repo / "chapters").glob("*.md"))}
    edited, count = edit(chapters, 0.06, 7)
    for name, text in edited.items():
        (repo / "chapters" / name).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "edited")
    new = _git(repo, "rev-parse", "HEAD").strip()
    pairs.append((f"generated ~300 pages ({count} lines edited)", repo, old, new))
    if MASVS.is_dir():
        masvs = root / "masvs-redline"
        commits = make_repo(masvs, [MASVS / "v1.4.2", MASVS / "v1.5.0"])
        pairs.append(("MASVS v1.4.2 -> v1.5.0", masvs, commits[0], commits[1]))
    return pairs


def redline_table(root: Path, repeat: int = 1) -> None:
    """Best of `repeat` runs each (build and redline interleaved, no cache), wall and CPU."""
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"{'pair':<44} {'build new':>10} {'redline':>10} {'ratio':>7} "
        f"{'build cpu':>10} {'red. cpu':>9} {'cpu ratio':>9}  budget 1.2x"
    )
    for label, repo, old, new in redline_pairs(root):
        out = root / "out"
        out.mkdir(exist_ok=True)
        builds, redlines = [], []
        for _ in range(repeat):
            builds.append(
                _timed(repo, "build", new, "--no-cache", "-o", str(out / "build.pdf"), "--force")
            )
            shutil.rmtree(repo / "dist" / ".cache", ignore_errors=True)  # the redline's own cache
            redlines.append(
                _timed(
                    repo,
                    "diff",
                    old,
                    new,
                    "--format",
                    "pdf",
                    "-o",
                    str(out / "redline.pdf"),
                    "--force",
                )
            )
        build, redline = min(b[0] for b in builds), min(r[0] for r in redlines)
        build_cpu, redline_cpu = min(b[1] for b in builds), min(r[1] for r in redlines)
        ratio = redline / build
        # judged on wall time and on CPU time: on a loaded machine the wall clock is mostly
        # other people's work, so a wall "OVER" with a CPU "ok" says to measure again idle
        verdict = ("ok" if ratio <= 1.2 else "OVER") + (
            ", cpu ok" if redline_cpu / build_cpu <= 1.2 else ", cpu OVER"
        )
        print(
            f"{label:<44} {build:>9.2f}s {redline:>9.2f}s {ratio:>6.2f}x "
            f"{build_cpu:>9.2f}s {redline_cpu:>8.2f}s {redline_cpu / build_cpu:>8.2f}x  {verdict}",
            flush=True,
        )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"times in seconds, best of {repeat}, each a fresh process (start-up included), no build "
        "cache; cpu: user + system time of the process"
    )


# --- the table -----------------------------------------------------------------------------


def _fmt(seconds: float | None, limit: float | None) -> str:
    if seconds is None:
        return "skipped" if limit is None else f">{limit:.0f}"
    return f"{seconds:.3f}"


def _ratio(a: float, b: float | None) -> str:
    return "-" if b is None or b == 0 else f"{a / b:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--peer", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument(
        "--limit",
        type=float,
        default=600.0,
        help="seconds a peer may take on one pair before it is stopped (default 600)",
    )
    parser.add_argument("--quick", action="store_true", help="skip the peers on the 100k pair")
    parser.add_argument(
        "--repeated", action="store_true", help="only the repeated-block shapes (no peers)"
    )
    parser.add_argument(
        "--redline", action="store_true", help="also time the redline PDF against a plain build"
    )
    parser.add_argument(
        "--redline-only", action="store_true", help="only time the redline PDF (see --redline)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="redline: best of N runs of each (interleaved), for a shared, loaded machine",
    )
    args = parser.parse_args()
    if args.peer:
        run_peer(*args.peer)
        return
    if args.redline_only:
        with tempfile.TemporaryDirectory(prefix="bench-redline-") as temp:
            redline_table(Path(temp), args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as temp:
        root = Path(temp)
        if args.repeated:
            for line in bench_repeated(root):
                print(line)
            return
        pairs: list[tuple[str, Path, str, str]] = []
        for label, words, seed in (("generated 21k", 21_000, 1), ("generated 100k", 100_000, 2)):
            old = generate(words, seed)
            new, edited = edit(old, 0.06, seed)
            lines = sum(1 for t in old.values() for line in t.split("\n") if line.strip())
            repo = root / label.replace(" ", "-")
            commits = make_repo(repo, [old, new])
            pairs.append((f"{label} ({edited}/{lines} lines edited)", repo, commits[0], commits[1]))
        if MASVS.is_dir():
            repo = root / "masvs"
            commits = make_repo(repo, [MASVS / r for r in RELEASES])
            pairs += [
                (f"MASVS {a} -> {b}", repo, commits[i], commits[i + 1])
                for i, (a, b) in enumerate(zip(RELEASES, RELEASES[1:], strict=False))
            ]
        print(
            f"{'pair':<40} {'words':>15} {'engine':>8} {'diff':>8} {'command':>8} "
            f"{'redlines':>9} {'iddiff':>8} {'diff/redl':>9} {'diff/iddf':>9} {'cmd/redl':>9}"
        )
        memory: list[tuple[int, int]] = []
        verdicts: list[str] = []
        for label, repo, old, new in pairs:
            old_text, new_text = joined(repo, old), joined(repo, new)
            words = f"{len(old_text.split())}/{len(new_text.split())}"
            (root / "old.md").write_text(old_text, "utf-8")
            (root / "new.md").write_text(new_text, "utf-8")
            engine, whole, _count = ours_in_process(repo, old, new)
            command = ours_command(repo, old, new)
            skip = args.quick and "100k" in label
            redl = None if skip else peer("redlines", root / "old.md", root / "new.md", args.limit)
            iddf = None if skip else peer("iddiff", root / "old.md", root / "new.md", args.limit)
            limit = None if skip else args.limit
            print(
                f"{label:<40} {words:>15} {engine:>8.3f} {whole:>8.3f} {command:>8.3f} "
                f"{_fmt(redl, limit):>9} {_fmt(iddf, limit):>8} "
                f"{_ratio(whole, redl):>9} {_ratio(whole, iddf):>9} {_ratio(command, redl):>9}",
                flush=True,
            )
            if label.startswith("generated"):
                memory.append(
                    (
                        len(old_text.split()) + len(new_text.split()),
                        ours_peak_memory(repo, old, new),
                    )
                )
            if label.startswith("generated 21k"):
                ok = redl is None or whole <= redl / 4
                verdicts.append(
                    f"21k pair: diff {whole:.3f} s in-process (command {command:.3f} s with "
                    f"start-up) vs redlines {_fmt(redl, args.limit)} s in-process "
                    f"(budget 1/4): {'ok' if ok else 'OVER'}"
                )
            if label.startswith("generated 100k"):
                verdicts.append(
                    f"100k pair: engine {engine:.3f} s (budget < 1 s: "
                    f"{'ok' if engine < 1 else 'OVER'}); with reading both snapshots from git "
                    f"and parsing them {whole:.3f} s ({'under' if whole < 1 else 'over'} 1 s)"
                )
        if len(memory) == 2:
            (w1, m1), (w2, m2) = memory
            growth = (m2 / m1) / (w2 / w1)
            verdicts.append(
                f"peak memory: {m1 / 1e6:.1f} MB at {w1} words, {m2 / 1e6:.1f} MB at {w2} words; "
                f"memory ratio / size ratio = {growth:.2f} (1.0 = linear)"
            )
        print()
        verdicts += bench_repeated(root)
        print()
        print(
            "engine: alignment and word diffs on parsed chapters; diff: read from git + parse + engine, in-process;"
        )
        print("command: `gap-analysis diff --format json` as a process; times in seconds")
        for line in verdicts:
            print(line)
        if args.redline:
            print()
            redline_table(root, args.repeat)


if __name__ == "__main__":
    main()
