"""Worker processes for the parallel layout.

Workers start from a forkserver that has imported WeasyPrint once (a fork of
a process that already runs Pango's threads is not safe) and frozen what it
imported out of the garbage collector's reach (`render.worker_preload`); each gets the
snapshot's images, the only files its fetcher serves, once, and then takes
one request at a time over its own pipe (a request is a whole part: the
snapshot's images are not sent again with each, as `concurrent.futures` would).
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any

from gap_analysis.errors import RenderError

_START = "forkserver"
PRELOAD = "gap_analysis.render.worker_preload"


def _serve(conn: Connection, images: dict[str, bytes], chunk_rows: int) -> None:
    """The loop of one worker process: one request in, one answer out."""
    from gap_analysis.render.part_worker import Worker

    worker = Worker(images, chunk_rows)
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


def warm_up() -> None:
    """Start the forkserver now (it imports WeasyPrint in its own process while the caller
    reads the snapshot and renders Markdown), so the workers start at once later."""
    context = multiprocessing.get_context(_START)
    context.set_forkserver_preload([PRELOAD])
    from multiprocessing import forkserver

    forkserver.ensure_running()


class PartPool:
    """`jobs` processes; `run` sends each request to a free worker."""

    def __init__(self, jobs: int, images: dict[str, bytes], chunk_rows: int) -> None:
        context = multiprocessing.get_context(_START)
        if _START == "forkserver":
            context.set_forkserver_preload([PRELOAD])
        self._conns: list[Connection] = []
        self._procs: list[Any] = []
        for _ in range(jobs):
            mine, theirs = context.Pipe()
            proc = context.Process(  # type: ignore[attr-defined]
                target=_serve, args=(theirs, images, chunk_rows), daemon=True
            )
            proc.start()
            theirs.close()
            self._conns.append(mine)
            self._procs.append(proc)

    def run(
        self,
        requests: Sequence[tuple[str, str, tuple[Any, ...]]],
        done: Callable[[str, Any], None],
    ) -> None:
        """Each request (key, method, args) calls `method(key, *args)` in a free worker, in the
        order given. `done(key, answer)` is called in the order answers arrive."""
        todo = deque(requests)
        busy: dict[int, str] = {}

        def send(index: int) -> None:
            if todo:
                key, method, args = todo.popleft()
                self._conns[index].send((method, (key, *args)))
                busy[index] = key

        for index in range(len(self._conns)):
            send(index)
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
                done(key, answer)
                send(index)

    def close(self) -> None:
        for conn in self._conns:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        for proc in self._procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()
