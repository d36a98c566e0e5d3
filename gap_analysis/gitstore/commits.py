"""Commits of named paths only: an event, a version record, a batch of comment records."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from gap_analysis.errors import GapAnalysisError
from gap_analysis.gitstore.store import GitStore, command_error


def commit_paths(store: GitStore, paths: list[str], message: str) -> str:
    """Add and commit exactly `paths`; anything else staged or changed is left alone.

    When the commit fails (a hook refuses it, signing fails), the index is put
    back as it was, so the files are not left staged. Returns the commit id.
    """
    index = Path(store.repo.git_dir) / "index"
    saved = index.read_bytes() if index.exists() else None
    try:
        store.repo.git.add("--", *paths)
        store.repo.git.commit("-q", "--only", "-m", message, "--", *paths)
    except command_error() as exc:
        if saved is None:
            index.unlink(missing_ok=True)
        else:
            index.write_bytes(saved)
        detail = " ".join((exc.stderr or str(exc)).split())
        raise GapAnalysisError(f"git commit failed: {detail}") from None
    return str(store.repo.head.commit.hexsha)


def unstage(store: GitStore, paths: list[str]) -> None:
    """Take `paths` out of the index again (after a failed commit of new files)."""
    with contextlib.suppress(command_error()):
        store.repo.git.rm("-q", "--cached", "--ignore-unmatch", "--", *paths)


_FAST_IMPORT_ENV = (
    {} if "GLIBC_TUNABLES" in os.environ else {"GLIBC_TUNABLES": "glibc.malloc.top_pad=67108864"}
)
"""glibc's allocator, left to itself, grows and trims fast-import's heap for every blob:
40,000 `brk` calls and 0.7 s of system time for 10,000 records (tools/bench comments).
Padding each growth by 64 MiB of address space (pages are touched only when used) takes
that to nothing. Other C libraries ignore the variable; one the user set is left alone."""


def commit_new_records(store: GitStore, paths: list[str], message: str) -> str:
    """Add and commit exactly the files `paths` (tool-made names, new or changed); the rest of the index stays.

    For `comment import`: `git add -- p1 ... p10000` matches every pathspec
    against every file (12 s for 10,000 comments) and writes 10,000 loose
    objects; `git commit --only` with the paths from a file still matched
    each path against the index (2.6 s of CPU). Here the blobs go into one
    pack through `git fast-import`, the index learns them with `update-index
    --index-info`, and the commit is made from a scratch index (HEAD's tree
    plus these entries, so nothing else staged goes in) by a plain `git
    commit`, hooks and signing included. On failure the index is put back as
    it was (new paths unstaged, changed ones staged as before) and the error
    raised.
    """
    folder = store.repo.git_dir
    index = Path(folder) / "index"
    saved = index.read_bytes() if index.exists() else None
    stream = bytearray()
    root = str(store.root)
    for mark, path in enumerate(paths, 1):
        with open(f"{root}/{path}", "rb") as handle:  # strings: 10,000 `Path`s cost more
            data = handle.read()
        stream += b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n"
    made: list[str] = []

    def temp(content: bytes) -> str:
        fd, name = tempfile.mkstemp(prefix="gap-analysis-import.", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        made.append(name)
        return name

    blobs, marks, scratch = temp(bytes(stream)), temp(b""), temp(b"")
    os.unlink(scratch)  # git makes the scratch index itself (an empty file is no index)
    git = store.repo.git
    try:
        with open(blobs, "rb") as stdin, git.custom_environment(**_FAST_IMPORT_ENV):
            git.fast_import("--quiet", f"--export-marks={marks}", istream=stdin)
        ids = dict(line.split(" ", 1) for line in Path(marks).read_text().split("\n") if line)
        index_info = temp(
            "".join(f"100644 {ids[f':{n}']}\t{p}\0" for n, p in enumerate(paths, 1)).encode()
        )
        with open(index_info, "rb") as stdin:
            git.update_index("-z", "--index-info", istream=stdin)
        with git.custom_environment(GIT_INDEX_FILE=scratch):
            if store.repo.head.is_valid():
                git.read_tree("HEAD")
            else:
                git.read_tree("--empty")
            with open(index_info, "rb") as stdin:
                git.update_index("-z", "--index-info", istream=stdin)
            git.commit("-q", "-m", message)
    except command_error() as exc:
        if saved is None:
            index.unlink(missing_ok=True)
        else:
            index.write_bytes(saved)
        detail = " ".join((exc.stderr or str(exc)).split())
        raise GapAnalysisError(f"git commit failed: {detail}") from None
    finally:
        for name in made:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
    return str(store.repo.head.commit.hexsha)
