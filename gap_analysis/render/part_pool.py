"""Worker processes for the parallel layout.

Workers are forked from a forkserver that has imported WeasyPrint once (a fork
of a process that already runs Pango's threads is not safe) and frozen what it
imported out of the garbage collector's reach (`render.worker_preload`); the
forkserver is ended once they are forked. Each worker gets the snapshot's
images, the only files its fetcher serves, once (workers may start before the
images are known: `warm_up`), and then takes one request at a time over its
own pipe (a request is a whole part: the images are not sent again with each,
as `concurrent.futures` would).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from gap_analysis.errors import RenderError

_START = "forkserver"
PRELOAD = "gap_analysis.render.worker_preload"


def _serve(conn: Connection) -> None:
    """The loop of one worker process: its setup (the snapshot's images, the rows of a chunk)
    first, then one request in, one answer out."""
    from gap_analysis.render.part_worker import Worker

    try:
        setup = conn.recv()
    except EOFError:
        return
    if setup is None:
        return
    worker = Worker(*setup)
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        method, args = request
        try:
            conn.send(("ok", getattr(worker, method)(*args)))
        except Exception as exc:  # noqa: BLE001 - reported in one line by the coordinator
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


Started = list[tuple[Connection, Any]]


@dataclass
class _Warm:
    jobs: int
    thread: threading.Thread
    started: Started


_WARM: list[_Warm] = []
"""The workers `warm_up` is starting, not yet taken by a `PartPool` (one set at most)."""


def warm_up(jobs: int) -> None:
    """Start `jobs` workers now, in a thread: their forkserver imports WeasyPrint while the
    caller reads the snapshot and renders Markdown, and the first `PartPool` of `jobs` takes
    them ready. Workers not taken wait for the next pool of this process, or end with it."""
    if _WARM and _WARM[0].jobs == jobs:
        return
    _close(_take_warm())
    _forkserver_running()
    started: Started = []
    thread = threading.Thread(target=_start, args=(jobs, started), daemon=True)
    thread.start()
    _WARM.append(_Warm(jobs, thread, started))


def _take_warm() -> Started:
    if not _WARM:
        return []
    warm = _WARM.pop()
    warm.thread.join()
    return warm.started


def _forkserver_running() -> None:
    """Start the forkserver (and multiprocessing's resource tracker) with `PYTHONSAFEPATH` set.

    Python starts them with `-c`, which puts the current folder first on `sys.path`, and the
    forkserver ignores the `sys.path` it is handed (Python 3.11): run in a report repository,
    a folder or file there named like a module they import (`gap_analysis`, `weasyprint`,
    `multiprocessing`) would be imported, and run, in its place. `PYTHONSAFEPATH` leaves the
    current folder out. Called in the main thread (it sets the variable for the moment).
    """
    from multiprocessing import forkserver

    multiprocessing.get_context(_START).set_forkserver_preload([PRELOAD])
    saved = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = saved


def _start(jobs: int, into: Started) -> None:
    """Start `jobs` workers from the forkserver `_forkserver_running` started, then end it.

    Once the workers are forked the forkserver only holds memory (what it imported, which the
    workers have since copied where they wrote: 17 MB of a MASVS build's peak); a later pool
    in the same process starts another. Its children then report their end through their
    pipes only (`_close` asks each to end and waits for that, not for an exit code).
    """
    from multiprocessing import forkserver

    context = multiprocessing.get_context(_START)
    with _main_left_out():
        for _ in range(jobs):
            mine, theirs = context.Pipe()
            proc = context.Process(target=_serve, args=(theirs,), daemon=True)  # type: ignore[attr-defined]
            proc.start()
            theirs.close()
            into.append((mine, proc))
    # Ended by a signal: it would wait for its children to end first (they hold its "alive"
    # pipe). `ensure_running` reaps it and starts another when a later pool needs one.
    pid = getattr(forkserver._forkserver, "_forkserver_pid", None)  # noqa: SLF001
    if isinstance(pid, int):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)


@contextlib.contextmanager
def _main_left_out() -> Iterator[None]:
    """While workers start, multiprocessing does not tell them to import the caller's main
    module: each would import the console script again as `__mp_main__` (the whole CLI, click
    with it: about 0.1 s and its memory in every worker), and `_serve` needs none of it."""
    from multiprocessing import spawn

    original = spawn.get_preparation_data

    def without_main(name: str) -> dict[str, Any]:
        data: dict[str, Any] = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    spawn.get_preparation_data = without_main
    try:
        yield
    finally:
        spawn.get_preparation_data = original


def _close(started: Started) -> None:
    """Ask each worker to end and wait until its pipe closes (it has ended); one that has not
    within 5 s is killed. Not `Process.join`: the forkserver that would report the exit is gone."""
    for conn, _proc in started:
        with contextlib.suppress(OSError):
            conn.send(None)
    for conn, proc in started:
        try:
            ended = bool(wait([conn], timeout=5))
        except OSError:
            ended = True
        if not ended:
            with contextlib.suppress(OSError):
                os.kill(proc.pid, signal.SIGKILL)
        conn.close()


class PartPool:
    """`jobs` processes (those `warm_up` started, when it did); `run` sends each request to a
    free worker."""

    def __init__(self, jobs: int, images: dict[str, bytes], chunk_rows: int) -> None:
        started = _take_warm()
        if len(started) != jobs:
            _close(started)
            started = []
            _forkserver_running()
            _start(jobs, started)
        self._started = started
        self._conns = [conn for conn, _proc in started]
        for conn in self._conns:
            conn.send((images, chunk_rows))

    def run(
        self,
        requests: Sequence[tuple[str, str, tuple[Any, ...]]],
        done: Callable[[str, Any], None],
        waiting: Callable[[], None] = lambda: None,
    ) -> None:
        """Each request (key, method, args) calls `method(key, *args)` in a free worker, in the
        order given. `done(key, answer)` is called in the order answers arrive; `waiting()`
        once every worker has a request, before the first answer."""
        todo = deque(requests)
        busy: dict[int, str] = {}

        def send(index: int) -> None:
            if todo:
                key, method, args = todo.popleft()
                self._conns[index].send((method, (key, *args)))
                busy[index] = key

        for index in range(len(self._conns)):
            send(index)
        waiting()
        while busy:
            for conn in wait([self._conns[i] for i in busy]):
                index = self._conns.index(conn)  # type: ignore[arg-type]
                key = busy.pop(index)
                try:
                    status, answer = self._conns[index].recv()
                except EOFError:
                    raise RenderError("a layout worker stopped unexpectedly") from None
                if status != "ok":
                    raise RenderError(f"the PDF could not be laid out: {answer}")
                send(index)  # the worker's next request first: `done` may take a while
                done(key, answer)

    def close(self) -> None:
        _close(self._started)
