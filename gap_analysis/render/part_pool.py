"""Worker processes for the parallel layout, each holding the parts it laid out.

Not `concurrent.futures`: a part laid out by one process can only be finished
(numbered and written) by that same process, so tasks are sent to a chosen
worker over its own pipe. Workers start from a forkserver that has imported
WeasyPrint once (a fork of a process that already runs Pango's threads is not
safe); each gets the snapshot's images, the only files its fetcher serves.
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


def _serve(conn: Connection, images: dict[str, bytes]) -> None:
    """The loop of one worker process: one request in, one answer out."""
    from gap_analysis.render.part_worker import Worker

    worker = Worker(images)
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
    context.set_forkserver_preload(["gap_analysis.render.part_worker"])
    from multiprocessing import forkserver

    forkserver.ensure_running()


class PartPool:
    """`jobs` processes; `run` sends requests, each to a free worker or to the one it names."""

    def __init__(self, jobs: int, images: dict[str, bytes]) -> None:
        context = multiprocessing.get_context(_START)
        if _START == "forkserver":
            context.set_forkserver_preload(["gap_analysis.render.part_worker"])
        self._conns: list[Connection] = []
        self._procs: list[Any] = []
        for _ in range(jobs):
            mine, theirs = context.Pipe()
            proc = context.Process(  # type: ignore[attr-defined]
                target=_serve, args=(theirs, images), daemon=True
            )
            proc.start()
            theirs.close()
            self._conns.append(mine)
            self._procs.append(proc)
        self.holder: dict[str, int] = {}
        """Which worker holds each laid-out part."""

    def run(
        self,
        method: str,
        requests: Sequence[tuple[str, tuple[Any, ...]]],
        done: Callable[[str, Any], None],
    ) -> None:
        """Each request (key, args) calls `method` in a worker: the part's holder, else a free one.

        `done(key, answer)` is called in the order answers arrive.
        """
        pinned: dict[int, deque[tuple[str, tuple[Any, ...]]]] = {
            i: deque() for i in range(len(self._conns))
        }
        free: deque[tuple[str, tuple[Any, ...]]] = deque()
        for key, args in requests:
            if key in self.holder and method != "layout":
                pinned[self.holder[key]].append((key, args))
            else:
                free.append((key, args))
        busy: dict[int, str] = {}

        def send(index: int) -> None:
            queue = pinned[index] or free
            if queue:
                key, args = queue.popleft()
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
                if method == "layout":
                    self.holder[key] = index
                elif method in ("finish", "drop"):
                    self.holder.pop(key, None)
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
