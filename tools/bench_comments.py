"""tools/bench comments: a 10,000-row comment form imported, exported and imported back.

Measured as the user runs them (`gap-analysis` as a process, start-up
included), in a fresh report repository with one version:

- import: a 10,000-row CSV form of new comments (one commit);
- export: the same comments as CSV and as XLSX;
- re-import: the export filled in (every row given a disposition and a reply),
  so every row is an update (one commit);
- XLSX re-import: the XLSX export, unchanged (every row left alone; nothing written).

Budget (issue 12): import and re-import each under 10 s on the project's
machine. Printed, never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
}
TOML = '[report]\ntitle = "Benchmark report"\ngroup = "Benchmark group"\n'
CHAPTER = """---
id: method
title: Method
---
# Method

## Scope

Text of the scope.

## Findings

Text of the findings.
"""
BUDGET = 10.0


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def ga(repo: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "gap-analysis"), "--repo", str(repo), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    )
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"gap-analysis {' '.join(args)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def make_repo(base: Path) -> Path:
    repo = base / "report"
    (repo / "chapters").mkdir(parents=True)
    (repo / "review/versions").mkdir(parents=True)
    (repo / "report.toml").write_text(TOML)
    (repo / "chapters/01-method.md").write_text(CHAPTER)
    (repo / "review/versions/v0.1.toml").write_text('name = "v0.1"\ndate = 2025-04-02T09:00:00Z\n')
    git(repo, "init", "-q", "-b", "main")
    for key, value in (("user.name", "Bench"), ("user.email", "bench@example.org")):
        git(repo, "config", key, value)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "report and v0.1")
    return repo


def form(rows: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["MB/NC", "Clause", "Type of comment", "Comments", "Proposed change"])
    for n in range(1, rows + 1):
        writer.writerow(
            [f"UK-{n}", ("1.1", "1.2", "General")[n % 3], ("ge", "te", "ed")[n % 3],
             f"Comment {n}\nwith a second line.", f"Change {n}"]
        )  # fmt: skip
    return out.getvalue()


def filled_in(export: str) -> str:
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    header = rows[0]
    for row in rows[1:]:
        row[header.index("Disposition")] = "noted"
        row[header.index("Reply")] = "Noted by the editors."
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return "\ufeff" + out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="work in DIR (new, kept afterwards: the repository and forms, to profile a step)",
    )
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True)
    with (
        contextlib.nullcontext(str(args.keep))
        if args.keep is not None
        else tempfile.TemporaryDirectory()
    ) as folder:
        base = Path(folder)
        repo = make_repo(base)
        (base / "form.csv").write_text(form(args.rows), encoding="utf-8")
        results = [
            ("import (new comments)", ga(repo, "comment", "import", "v0.1", str(base / "form.csv")))
        ]
        results.append(
            ("export CSV", ga(repo, "comment", "export", "v0.1", "-o", str(base / "out.csv")))
        )
        results.append(
            ("export XLSX", ga(repo, "comment", "export", "v0.1", "-o", str(base / "out.xlsx")))
        )
        (base / "back.csv").write_text(filled_in((base / "out.csv").read_text("utf-8")), "utf-8")
        results.append(
            (
                "re-import (updates only)",
                ga(repo, "comment", "import", "v0.1", str(base / "back.csv")),
            )
        )
        results.append(
            (
                "re-import XLSX (unchanged)",
                ga(repo, "comment", "import", "v0.1", str(base / "out.xlsx")),
            )
        )
        results.append(("list --json", ga(repo, "comment", "list", "v0.1", "--json")))
    load = os.getloadavg()[0]
    print(f"comment forms, {args.rows:,} rows (gap-analysis as a process, start-up included)")
    print(
        f"load average {load:.1f} on {os.cpu_count()} CPUs: wall time counts the wait for a CPU too"
    )
    print(f"{'step':30} {'wall s':>8} {'CPU s':>8} {'CPU of budget':>14}")
    for name, (took, cpu) in results:
        budget = f"{cpu / BUDGET:>13.0%}" if name.startswith(("import", "re-import (")) else ""
        print(f"{name:30} {took:8.2f} {cpu:8.2f} {budget:>14}")
    slow = [n for n, (_, c) in results if n.startswith(("import", "re-import (")) and c > BUDGET]
    print("within budget (CPU under 10 s each)" if not slow else f"over budget: {', '.join(slow)}")


if __name__ == "__main__":
    main()
