"""tools/bench preview: from a saved edit to the updated page served, in `gap-analysis preview`.

The preview runs in this process on a free loopback port (the real server, the
real watcher polling every 0.1 s); each round appends a sentence to a chapter
file, then polls `/_preview/version` until the version moves and fetches the
page, and checks the new sentence is on it. Reported: the median and the worst
of the rounds, for the sample report and the generated report of about 300
pages. Budgets: 0.3 s (sample), 1 s (300 pages). The first render (no cache)
is reported too.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import generated_repo, sample_repo  # noqa: E402

from gap_analysis.gitstore import GitStore  # noqa: E402
from gap_analysis.services.preview.live import run_preview  # noqa: E402
from gap_analysis.services.preview.session import PreviewSession  # noqa: E402

BUDGETS = {"sample": 0.3, "generated": 1.0}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        return bytes(response.read())


def bench(name: str, repo: Path, rounds: int) -> dict[str, float]:
    store = GitStore(repo)
    session = PreviewSession(store)
    started = time.perf_counter()
    address: list[str] = []
    ready = threading.Event()

    def on_ready(url: str) -> None:
        address.append(url)
        ready.set()

    thread = threading.Thread(
        target=run_preview, args=(session, "127.0.0.1", 0, on_ready), daemon=True
    )
    thread.start()
    ready.wait(120)
    first = time.perf_counter() - started
    url = address[0]
    chapter = sorted((repo / "chapters").glob("*.md"))[
        len(list((repo / "chapters").glob("*.md"))) // 2
    ]
    times = []
    for index in range(rounds):
        seen = json.loads(_get(url + "_preview/version"))["version"]
        sentence = f"An edit saved in round {index} of the bench."
        time.sleep(0.05)
        t0 = time.perf_counter()
        with chapter.open("a", encoding="utf-8") as handle:
            handle.write(f"\n{sentence}\n")
        while json.loads(_get(url + "_preview/version"))["version"] == seen:
            time.sleep(0.02)
        page = _get(url)
        times.append(time.perf_counter() - t0)
        if sentence.encode() not in page:
            raise SystemExit(f"{name}: the page does not show the edit of round {index}")
    store.close()
    return {"first": first, "median": statistics.median(times), "worst": max(times)}


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="tools/bench preview",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--only", choices=list(BUDGETS), action="append")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    makers = {"sample": sample_repo, "generated": generated_repo}
    print(
        f"{'report':<10} | {'first render':>12} | {'edit -> page (median)':>21} | {'worst':>7} | budget"
    )
    for name in args.only or list(makers):
        row = bench(name, makers[name](work), args.rounds)
        verdict = "ok" if row["median"] <= BUDGETS[name] else "OVER"
        print(
            f"{name:<10} | {row['first']:10.2f} s | {row['median']:19.3f} s | {row['worst']:5.3f} s"
            f" | {BUDGETS[name]} s {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
