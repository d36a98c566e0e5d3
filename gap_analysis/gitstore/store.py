"""The repository: revisions, snapshots, the working tree, history in one `git log` pass.

GitPython is imported only when a question needs it (`GitStore.repo`); HEAD,
its date and the working tree's status are asked of plain `git`, so a cached
rebuild never pays for importing GitPython.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import git
    from git.exc import GitCommandError

from gap_analysis.errors import GapAnalysisError, NotAReportError, RevisionError, option
from gap_analysis.gitstore.sources import GitTreeSource, WorkTreeSource
from gap_analysis.model.snapshot import SnapshotInfo

REPORT_FILE = "report.toml"
_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9@^~._/{}+-]*$")


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `report.toml`."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / REPORT_FILE).is_file():
            return folder
    raise NotAReportError(
        f"no {REPORT_FILE} in {here} or any folder above it; "
        f"create a report with 'gap-analysis init DIR' or pass {option('repo')} DIR"
    )


def check_revision_syntax(rev: str) -> None:
    """Refuse anything that is not plainly a revision name (options, paths, spaces)."""
    if not _REVISION.fullmatch(rev) or ".." in rev or rev.endswith((".lock", "/")):
        raise RevisionError(f"'{rev}' is not a valid revision")


@dataclass(frozen=True, slots=True)
class LastChange:
    commit: str
    author: str
    date: datetime


class GitStore:
    """One report repository."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        if not (self.root / ".git").exists():
            raise NotAReportError(
                f"{self.root} is not a git repository; run 'git init' there "
                "or create a report with 'gap-analysis init DIR'"
            )
        self._repo: git.Repo | None = None
        self._dates: dict[str, datetime] = {}
        self.memo: dict[tuple[str, ...], object] = {}
        """Facts derived from history, keyed by the HEAD they were read at (so a commit renews them)."""

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
                raise NotAReportError(
                    f"{self.root} is not a git repository; run 'git init' there "
                    "or create a report with 'gap-analysis init DIR'"
                ) from None
        return self._repo

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run git in the repository (no shell; arguments are the tool's own or checked)."""
        return subprocess.run(
            ["git", "-C", str(self.root), *args], capture_output=True, text=True, check=False
        )

    def git_output(self, *args: str) -> str:
        """`run`, refusing a failure; returns stdout."""
        done = self.run(*args)
        if done.returncode != 0:
            raise GapAnalysisError(
                f"git {args[0]} failed: {done.stderr.strip().splitlines()[-1:] or ''}"
            )
        return done.stdout

    @classmethod
    def discover(cls, start: Path) -> GitStore:
        return cls(find_root(start))

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()

    # -- revisions -------------------------------------------------------

    def head(self) -> str | None:
        """HEAD's commit id (None in a repository without commits).

        Read from the refs when GitPython is loaded already; else one `git log`,
        cheaper than loading GitPython for it.
        """
        if self._repo is None:
            found = self._commit("HEAD")
            return found[0] if found else None
        try:
            return self._repo.head.commit.hexsha
        except ValueError:
            return None

    def _commit(self, rev: str) -> tuple[str, datetime] | None:
        """The commit id and date `rev` names, in one `git log` process (None: it names none).

        Plain git rather than GitPython, so a cached rebuild never imports GitPython; the
        date is remembered, as a commit's date never changes.
        """
        done = self.run("log", "-1", "--format=%H %cI", f"{rev}^{{commit}}", "--")
        if done.returncode != 0 or not done.stdout.strip():
            return None
        commit, date = done.stdout.split()
        self._dates[commit] = datetime.fromisoformat(date).astimezone(UTC)
        return commit, self._dates[commit]

    def resolve(self, rev: str) -> str:
        """The full commit id of `rev`, a plain git revision."""
        check_revision_syntax(rev)
        found = self._commit(rev)
        if found is None:
            raise RevisionError(f"unknown revision '{rev}'")
        return found[0]

    def shallow_boundary(self) -> frozenset[str]:
        """The boundary commits of a shallow clone (`git clone --depth N`); empty in a full one.

        Their parents are missing, so git shows every file of theirs as added
        there: whatever was added before the cut-off looks added by them.
        """
        remembered = self.memo.get(("shallow",))
        if isinstance(remembered, frozenset):
            return remembered
        try:
            found = frozenset((self._common_dir() / "shallow").read_text(encoding="ascii").split())
        except FileNotFoundError:
            found = frozenset()
        self.memo[("shallow",)] = found
        return found

    def _common_dir(self) -> Path:
        """The repository's shared git folder, read from `.git` without a git process.

        `.git` is that folder, or (a linked worktree) a file naming the worktree's
        own folder, whose `commondir` names the shared one.
        """
        dot = self.root / ".git"
        if dot.is_dir():
            return dot
        named = dot.read_text(encoding="utf-8").strip().removeprefix("gitdir:").strip()
        own = self.root / named
        common = own / "commondir"
        return own / common.read_text(encoding="utf-8").strip() if common.exists() else own

    def commit_date(self, commit: str) -> datetime:
        if commit not in self._dates:
            self._commit(commit)
        return self._dates[commit]

    def snapshot_info(self, commit: str, ref: str) -> SnapshotInfo:
        return SnapshotInfo(ref=ref, commit=commit, date=self.commit_date(commit))

    def worktree_info(self) -> SnapshotInfo:
        head = self._commit("HEAD")
        commit, date = head if head else (None, _source_date_epoch())
        return SnapshotInfo(
            ref="", commit=commit, date=date, is_worktree=True, dirty=bool(self.changed_files())
        )

    def tree_source(self, commit: str) -> GitTreeSource:
        """The commit's files, listed and read by plain git on first use."""
        return GitTreeSource(self.root, commit)

    def worktree_source(self) -> WorkTreeSource:
        return WorkTreeSource(self.root)

    def tree_id(self, commit: str) -> str:
        return str(self.repo.commit(commit).tree.hexsha)

    # -- working tree ----------------------------------------------------

    def changed_files(self) -> list[str]:
        """Paths that differ from HEAD, untracked ones included (ignored ones not)."""
        out = self.git_output("status", "--porcelain", "-z", "--untracked-files=all")
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
        if not paths:
            return {}
        wanted = set(paths)
        found: dict[str, LastChange] = {}
        args = ["--format=\x1e%H\x1f%an\x1f%aI", "--name-only", "--no-renames"]
        try:
            out = str(self.repo.git.log(*args, rev or "HEAD", "--", *sorted(wanted)))
        except command_error():  # a repository without commits: nothing has changed yet
            return {}
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
        """git's user.name and user.email for this repository ("" when unset)."""
        return git_user(self.root)


def git_user(folder: Path) -> tuple[str, str]:
    """git's user.name and user.email as git itself resolves them from `folder`.

    Asked of `git config`, not read from the files, so every rule git applies
    counts (repository, `GIT_CONFIG_GLOBAL`, XDG, includes); works before
    `folder` is a repository. "" when unset.
    """

    def value(key: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(folder), "config", "--get", key],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    return value("user.name"), value("user.email")


def _source_date_epoch() -> datetime:
    raw = os.environ.get("SOURCE_DATE_EPOCH", "0")
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except ValueError:
        raise GapAnalysisError(f"SOURCE_DATE_EPOCH is not a number: '{raw}'") from None


def command_error() -> type[GitCommandError]:
    """GitPython's `GitCommandError`, imported only when a git command has failed.

    `except command_error():` evaluates this only while handling an exception,
    so modules that never reach GitPython do not import it.
    """
    from git.exc import GitCommandError

    return GitCommandError
