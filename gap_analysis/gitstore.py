"""The only module that talks to git (through GitPython).

Snapshots of old revisions are read from git objects, never by checking out:
GitPython's default object database keeps one `git cat-file --batch` process
open, so reading any number of chapters costs no extra processes. Every
user-supplied revision is checked before it reaches git and is never placed
where git could read it as an option.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import git
from git.exc import GitCommandError
from git.objects import Blob, Tree

from gap_analysis.errors import ContentError, GapAnalysisError, NotAReportError, RevisionError
from gap_analysis.model.paths import MAX_FILE_BYTES, normalize
from gap_analysis.model.snapshot import SnapshotInfo

REPORT_FILE = "report.toml"
_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9@^~._/{}+-]*$")
_SYMLINK_MODE = 0o120000
_MAX_SYMLINK_HOPS = 8


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `report.toml`."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / REPORT_FILE).is_file():
            return folder
    raise NotAReportError(
        f"no {REPORT_FILE} in {here} or any folder above it; "
        "create a report with 'gap-analysis init DIR' or pass --repo DIR"
    )


def check_revision_syntax(rev: str) -> None:
    """Refuse anything that is not plainly a revision name (options, paths, spaces)."""
    if not _REVISION.match(rev) or ".." in rev or rev.endswith((".lock", "/")):
        raise RevisionError(f"'{rev}' is not a valid revision")


@dataclass(frozen=True, slots=True)
class LastChange:
    commit: str
    author: str
    date: datetime


class GitTreeSource:
    """The files of one commit, read from git objects."""

    def __init__(self, tree: Tree) -> None:
        self._tree = tree

    def _entry(self, path: str, hops: int = 0) -> Blob | None:
        try:
            obj = self._tree[path] if path else None
        except KeyError:
            return None
        if not isinstance(obj, Blob):
            return None
        if obj.mode == _SYMLINK_MODE:
            if hops >= _MAX_SYMLINK_HOPS:
                return None
            target = obj.data_stream.read().decode("utf-8", "replace")
            inside = normalize(target, path.rsplit("/", 1)[0] if "/" in path else "")
            return self._entry(inside, hops + 1) if inside else None
        return obj

    def read(self, path: str) -> bytes:
        clean = normalize(path)
        blob = self._entry(clean) if clean else None
        if blob is None:
            raise KeyError(path)
        if blob.size > MAX_FILE_BYTES:
            raise ContentError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", path=path)
        data: bytes = blob.data_stream.read()
        return data

    def exists(self, path: str) -> bool:
        clean = normalize(path)
        return bool(clean) and self._entry(clean or "") is not None

    def list(self, folder: str) -> list[str]:
        try:
            tree = self._tree[folder] if folder else self._tree
        except KeyError:
            return []
        if not isinstance(tree, Tree):
            return []
        return sorted(f"{folder}/{b.name}" if folder else b.name for b in tree.blobs)


class WorkTreeSource:
    """The files on disk; symlinks are followed only while they stay inside the repository."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    def _file(self, path: str) -> Path | None:
        clean = normalize(path)
        if clean is None or clean == ".git" or clean.startswith(".git/"):
            return None
        full = Path(os.path.realpath(self._root / clean))
        if full != self._root and self._root not in full.parents:
            return None
        try:
            mode = full.stat().st_mode
        except OSError:
            return None
        return full if stat.S_ISREG(mode) else None

    def read(self, path: str) -> bytes:
        full = self._file(path)
        if full is None:
            raise KeyError(path)
        if full.stat().st_size > MAX_FILE_BYTES:
            raise ContentError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB", path=path)
        return full.read_bytes()

    def exists(self, path: str) -> bool:
        return self._file(path) is not None

    def list(self, folder: str) -> list[str]:
        clean = normalize(folder) if folder else ""
        if clean is None:
            return []
        base = self._root / clean
        if not base.is_dir():
            return []
        prefix = f"{clean}/" if clean else ""
        return sorted(prefix + p.name for p in base.iterdir() if self._file(prefix + p.name))


class GitStore:
    """One report repository."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        try:
            self.repo = git.Repo(self.root, search_parent_directories=False)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise NotAReportError(f"{self.root} is not a git repository; run 'git init' there "
                                  "or create a report with 'gap-analysis init DIR'") from None

    @classmethod
    def discover(cls, start: Path) -> GitStore:
        return cls(find_root(start))

    def close(self) -> None:
        self.repo.close()

    # -- revisions -------------------------------------------------------

    def head(self) -> str | None:
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None

    def resolve(self, rev: str) -> str:
        """The full commit id of `rev`, a plain git revision."""
        check_revision_syntax(rev)
        try:
            return str(self.repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")).strip()
        except GitCommandError:
            raise RevisionError(f"unknown revision '{rev}'") from None

    def commit_date(self, commit: str) -> datetime:
        return self.repo.commit(commit).committed_datetime.astimezone(UTC)

    def snapshot_info(self, commit: str, ref: str) -> SnapshotInfo:
        return SnapshotInfo(ref=ref, commit=commit, date=self.commit_date(commit))

    def worktree_info(self) -> SnapshotInfo:
        head = self.head()
        date = self.commit_date(head) if head else _source_date_epoch()
        return SnapshotInfo(ref="", commit=head, date=date, is_worktree=True, dirty=bool(self.changed_files()))

    def tree_source(self, commit: str) -> GitTreeSource:
        return GitTreeSource(self.repo.commit(commit).tree)

    def worktree_source(self) -> WorkTreeSource:
        return WorkTreeSource(self.root)

    def tree_id(self, commit: str) -> str:
        return str(self.repo.commit(commit).tree.hexsha)

    # -- working tree ----------------------------------------------------

    def changed_files(self) -> list[str]:
        """Paths that differ from HEAD, untracked ones included (ignored ones not)."""
        out = self.repo.git.status("--porcelain", "-z", "--untracked-files=all")
        entries = [e for e in str(out).split("\0") if e]
        paths = []
        skip = False
        for entry in entries:
            if skip:
                skip = False
                continue
            code, path = entry[:2], entry[3:]
            paths.append(path)
            skip = code.startswith("R") or code.startswith("C")
        return paths

    # -- history ---------------------------------------------------------

    def last_changes(self, paths: list[str], rev: str | None = None) -> dict[str, LastChange]:
        """The last commit that touched each path, found in one `git log` pass."""
        if not paths or self.head() is None:
            return {}
        wanted = set(paths)
        found: dict[str, LastChange] = {}
        args = ["--format=\x1e%H\x1f%an\x1f%aI", "--name-only", "--no-renames"]
        out = str(self.repo.git.log(*args, rev or "HEAD", "--", *sorted(wanted)))
        for record in out.split("\x1e")[1:]:
            header, _, names = record.partition("\n")
            commit, author, date = header.split("\x1f")
            for name in names.split("\n"):
                name = name.strip()
                if name in wanted and name not in found:
                    found[name] = LastChange(commit, author, datetime.fromisoformat(date))
            if len(found) == len(wanted):
                break
        return found

    def user(self) -> tuple[str, str]:
        """git's user.name and user.email ("" when unset)."""
        reader = self.repo.config_reader()
        name = str(reader.get_value("user", "name", "")) if reader.has_section("user") else ""
        email = str(reader.get_value("user", "email", "")) if reader.has_section("user") else ""
        return name, email


def _source_date_epoch() -> datetime:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "0")
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except ValueError:
        raise GapAnalysisError(f"SOURCE_DATE_EPOCH is not a number: '{raw}'") from None
