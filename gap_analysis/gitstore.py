"""The only module that talks to git (through GitPython).

Snapshots of old revisions are read from git objects, never by checking out:
GitPython's default object database keeps one `git cat-file --batch` process
open, so reading any number of chapters costs no extra processes. Every
user-supplied revision is checked before it reaches git and is never placed
where git could read it as an option.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import git
    from git.exc import GitCommandError
    from git.objects import Blob, Tree

from gap_analysis.errors import (
    ContentError,
    GapAnalysisError,
    InvalidNameError,
    LockedError,
    NotAReportError,
    RevisionError,
)
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
        from git.objects import Blob
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

    def _blobs(self, folder: str) -> list[str]:
        from git.objects import Tree
        try:
            tree = self._tree[folder] if folder else self._tree
        except KeyError:
            return []
        if not isinstance(tree, Tree):
            return []
        return sorted(f"{folder}/{b.name}" if folder else b.name for b in tree.blobs)

    def refused(self, folder: str) -> list[str]:
        return [path for path in self._blobs(folder) if self._entry(path) is None]

    def list(self, folder: str) -> list[str]:
        return [path for path in self._blobs(folder) if self._entry(path) is not None]


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

    def _entries(self, folder: str) -> list[str]:
        """Names on disk directly in `folder` that are not folders (after following links)."""
        clean = normalize(folder) if folder else ""
        if clean is None:
            return []
        base = self._root / clean
        if not base.is_dir():
            return []
        prefix = f"{clean}/" if clean else ""
        return sorted(prefix + p.name for p in base.iterdir() if not p.is_dir())

    def refused(self, folder: str) -> list[str]:
        return [path for path in self._entries(folder) if not self._file(path)]

    def list(self, folder: str) -> list[str]:
        return [path for path in self._entries(folder) if self._file(path)]


class GitStore:
    """One report repository."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if not (self.root / ".git").exists():
            raise NotAReportError(f"{self.root} is not a git repository; run 'git init' there "
                                  "or create a report with 'gap-analysis init DIR'")
        self._repo: git.Repo | None = None

    @property
    def repo(self) -> git.Repo:
        """GitPython's repository, made (and GitPython imported) on first use.

        The questions a cached rebuild asks (HEAD, its date, the working tree's
        status) are answered by plain `git` processes below, so an unchanged
        build never pays for importing GitPython.
        """
        if self._repo is None:
            import git

            try:
                self._repo = git.Repo(self.root, search_parent_directories=False)
            except (git.InvalidGitRepositoryError, git.NoSuchPathError):
                raise NotAReportError(f"{self.root} is not a git repository; run 'git init' there "
                                      "or create a report with 'gap-analysis init DIR'") from None
        return self._repo

    def _git(self, *args: str) -> str:
        """Run git in the repository (no shell; arguments are the tool's own) and return stdout."""
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            raise GapAnalysisError(f"git {args[0]} failed: {done.stderr.strip().splitlines()[-1:] or ''}")
        return done.stdout

    @classmethod
    def discover(cls, start: Path) -> GitStore:
        return cls(find_root(start))

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()

    # -- revisions -------------------------------------------------------

    def head(self) -> str | None:
        """HEAD's commit id (None in a repository without commits), read from the refs by GitPython."""
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None

    def _head(self) -> tuple[str | None, datetime | None]:
        """HEAD's commit id and date in one `git log` process, for `worktree_info`, so a cached
        rebuild needs no GitPython (None, None in a repository without commits)."""
        done = subprocess.run(["git", "-C", str(self.root), "log", "-1", "--format=%H %cI", "HEAD", "--"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0 or not done.stdout.strip():
            return None, None
        commit, date = done.stdout.split()
        return commit, datetime.fromisoformat(date).astimezone(UTC)

    def resolve(self, rev: str) -> str:
        """The full commit id of `rev`, a plain git revision."""
        check_revision_syntax(rev)
        try:
            return str(self.repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")).strip()
        except _command_error():
            raise RevisionError(f"unknown revision '{rev}'") from None

    def commit_date(self, commit: str) -> datetime:
        return self.repo.commit(commit).committed_datetime.astimezone(UTC)

    def snapshot_info(self, commit: str, ref: str) -> SnapshotInfo:
        return SnapshotInfo(ref=ref, commit=commit, date=self.commit_date(commit))

    def worktree_info(self) -> SnapshotInfo:
        head, head_date = self._head()
        date = head_date or _source_date_epoch()
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
        out = self._git("status", "--porcelain", "-z", "--untracked-files=all")
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



# -- versions, events, tags and the repository lock (review path) --------------
# Added for `version cut` and `review`: free functions over a GitStore, so this
# block stays apart from the snapshot code above. Committing named paths only,
# create-only annotated tags, the commits that added version records, name
# checks, and the repository lock.

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
LOCK_FILE = "gap-analysis.lock"


def check_name(store: GitStore, name: str, kind: str = "version name") -> None:
    """Refuse a user-supplied name before it reaches git as a tag or a path.

    The strict pattern rules out options (`-d`, `--file=x`), paths (`../x`,
    `refs/heads/main`), spaces and `..`; `git check-ref-format` has the last word.
    """
    if not NAME_PATTERN.match(name) or ".." in name or name.endswith((".lock", ".")):
        raise InvalidNameError(
            f"'{name}' is not a valid {kind}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit, not ending in '.lock'")
    try:
        store.repo.git.check_ref_format(f"refs/tags/{name}")
    except _command_error():
        raise InvalidNameError(f"'{name}' is not a valid {kind} (git check-ref-format refuses it)") from None


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
    except _command_error() as exc:
        if saved is None:
            index.unlink(missing_ok=True)
        else:
            index.write_bytes(saved)
        detail = " ".join((exc.stderr or str(exc)).split())
        raise GapAnalysisError(f"git commit failed: {detail}") from None
    return str(store.repo.head.commit.hexsha)


def unstage(store: GitStore, paths: list[str]) -> None:
    """Take `paths` out of the index again (after a failed commit of new files)."""
    with contextlib.suppress(_command_error()):
        store.repo.git.rm("-q", "--cached", "--ignore-unmatch", "--", *paths)


def tag_target(store: GitStore, name: str) -> str | None:
    """The commit the tag `name` points at, or None when there is no such tag."""
    try:
        out = store.repo.git.rev_parse("--verify", "--quiet", f"refs/tags/{name}^{{commit}}")
    except _command_error():
        return None
    return str(out).strip() or None


def create_tag(store: GitStore, name: str, commit: str, message: str, *,
               sign: bool = False, force: bool = False) -> None:
    """An annotated tag (signed with `sign`); create-only unless `force` (`version tag --repair`)."""
    args = ["-s" if sign else "-a", "-m", message]
    if force:
        args.append("-f")
    try:
        store.repo.git.tag(*args, name, commit)
    except _command_error() as exc:
        detail = (exc.stderr or "").strip().replace("\n", " ")
        raise GapAnalysisError(f"git tag {name} failed: {detail}") from None


def added_commits(store: GitStore, folder: str) -> dict[str, str]:
    """Path -> the commit that added it (the newest add) for files added under `folder`.

    One `git log` pass, however many versions there are.
    """
    if store.head() is None:
        return {}
    out = str(store.repo.git.log("--diff-filter=A", "--no-renames", "--name-only",
                                 "--format=\x1e%H", "HEAD", "--", f"{folder}/"))
    found: dict[str, str] = {}
    for record in out.split("\x1e")[1:]:
        commit, _, names = record.partition("\n")
        for name in names.split("\n"):
            name = name.strip()
            if name and name not in found:
                found[name] = commit.strip()
    return found


def is_tracked(store: GitStore, path: str) -> bool:
    """Whether `path` is a file of HEAD's tree."""
    head = store.head()
    if head is None:
        return False
    try:
        store.repo.commit(head).tree[path]
    except KeyError:
        return False
    return True


class RepoLock:
    """An exclusive lock on the repository for commands that commit (`version cut`, `review`).

    `.git/gap-analysis.lock` holds the holder's pid and start time; the lock
    itself is a `flock` on that file, which the kernel drops when the holder
    dies, so a lock left by a killed process is simply taken over.
    """

    def __init__(self, store: GitStore) -> None:
        self.path = Path(store.repo.git_dir) / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> RepoLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 200).decode("utf-8", "replace").split()
            os.close(fd)
            who = (f"pid {holder[0]} since {holder[1]}" if len(holder) >= 2
                   else "another process")
            raise LockedError(f"repository is locked by {who} ({self.path}); "
                              "try again when it has finished") from None
        os.ftruncate(fd, 0)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.write(fd, f"{os.getpid()} {stamp}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


# -- new repositories and the working tree's branch (init, chapter new, status) --
# Added for `init`, `chapter new` and `status`: plain functions, so they stay
# apart from the review path's additions above.

def git_user(folder: Path) -> tuple[str, str]:
    """git's user.name and user.email as seen from `folder` ("" when unset).

    Works before `folder` is a repository (global and system configuration).
    """
    import git

    runner = git.Git(str(folder))

    def value(key: str) -> str:
        try:
            return str(runner.config("--get", key)).strip()
        except _command_error():
            return ""

    return value("user.name"), value("user.email")


def is_repository(folder: Path) -> bool:
    """Whether `folder` itself is the top of a git working tree."""
    import git

    try:
        repo = git.Repo(folder, search_parent_directories=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return False
    repo.close()
    return True


def init_repository(folder: Path) -> GitStore:
    """`git init` in `folder` (which must exist); git's own default branch name applies."""
    import git

    git.Repo.init(folder).close()
    return GitStore(folder)


def current_branch(store: GitStore) -> str | None:
    """The checked-out branch, None when HEAD is detached."""
    try:
        return str(store.repo.active_branch.name)
    except TypeError:
        return None


# -- many new record files in one commit (comment import) ------------------------
# Added for `comment import`: `git add -- p1 ... p10000` matches every pathspec
# against every file (12 s for 10,000 comments) and writes 10,000 loose
# objects. Here the blobs go into one pack through `git fast-import`, the index
# learns them with `update-index --index-info`, and the commit names the paths
# from a file, literally.

def commit_new_records(store: GitStore, paths: list[str], message: str) -> str:
    """Add and commit exactly the new files `paths` (tool-made names); the rest of the index stays.

    On failure the paths are taken out of the index again and the error raised.
    """
    folder = store.repo.git_dir
    stream = bytearray()
    for mark, path in enumerate(paths, 1):
        data = (store.root / path).read_bytes()
        stream += b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n"
    made: list[str] = []

    def temp(content: bytes) -> str:
        fd, name = tempfile.mkstemp(prefix="gap-analysis-import.", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        made.append(name)
        return name

    blobs, marks, listing = temp(bytes(stream)), temp(b""), temp("".join(f"{p}\0" for p in paths).encode())
    try:
        with open(blobs, "rb") as stdin:
            store.repo.git.fast_import("--quiet", f"--export-marks={marks}", istream=stdin)
        ids = dict(line.split(" ", 1) for line in Path(marks).read_text().split("\n") if line)
        index_info = "".join(f"100644 {ids[f':{n}']}\t{p}\0" for n, p in enumerate(paths, 1))
        with open(temp(index_info.encode()), "rb") as stdin:
            store.repo.git.update_index("-z", "--index-info", istream=stdin)
        with store.repo.git.custom_environment(GIT_LITERAL_PATHSPECS="1"):
            store.repo.git.commit("-q", "--only", "-m", message, f"--pathspec-from-file={listing}",
                                  "--pathspec-file-nul")
    except _command_error() as exc:
        with contextlib.suppress(_command_error()), open(listing, "rb") as stdin:
            store.repo.git.update_index("--force-remove", "-z", "--stdin", istream=stdin)
        detail = " ".join((exc.stderr or str(exc)).split())
        raise GapAnalysisError(f"git commit failed: {detail}") from None
    finally:
        for name in made:
            os.unlink(name)
    return str(store.repo.head.commit.hexsha)


def _command_error() -> type[GitCommandError]:
    """GitPython's `GitCommandError`, imported only when a git command has failed.

    `except _command_error():` evaluates this only while handling an exception,
    so modules that never reach GitPython do not import it.
    """
    from git.exc import GitCommandError

    return GitCommandError
