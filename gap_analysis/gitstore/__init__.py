"""The only package that talks to git (through GitPython, and plain `git` where that is cheaper).

Snapshots of old revisions are read from git objects, never by checking out:
one `git ls-tree -r` lists a commit's files and one `git cat-file --batch`
process serves their contents, so reading any number of chapters costs no
extra processes (and no GitPython, which the history and commit code use). Every
user-supplied revision or name is checked before it reaches git and is never
placed where git could read it as an option.

| module | job |
|---|---|
| `store` | `GitStore`: revisions, snapshots, the working tree, history |
| `sources` | the files of a snapshot (git tree or working tree) |
| `refs` | names, tags, the commits that added records, the branch |
| `commits` | commits of named paths only, and batches of new records |
| `lock` | the repository lock |
| `preflight` | before a record is written: a branch checked out, no submodule, a key that signs |
| `repository` | new repositories and git's idea of the user |
| `worktree` | git's own folders, whether a working-tree file is tracked |
"""

from gap_analysis.gitstore.commits import commit_new_records, commit_paths, unstage
from gap_analysis.gitstore.lock import LOCK_FILE, RepoLock
from gap_analysis.gitstore.preflight import check_committable, check_signing
from gap_analysis.gitstore.refs import (
    REF_NAME_PATTERN,
    ShallowCloneError,
    added_commits,
    check_name,
    check_version_name,
    create_tag,
    current_branch,
    cut_off,
    is_tracked,
    shallow_message,
    tag_target,
)
from gap_analysis.gitstore.repository import init_repository, is_repository
from gap_analysis.gitstore.sources import GitTreeSource, WorkTreeSource
from gap_analysis.gitstore.store import (
    REPORT_FILE,
    GitStore,
    LastChange,
    check_revision_syntax,
    find_root,
    git_user,
)
from gap_analysis.gitstore.worktree import git_folders, in_index, move_file, untracked_folders

__all__ = [
    "GitStore",
    "GitTreeSource",
    "LOCK_FILE",
    "LastChange",
    "REF_NAME_PATTERN",
    "REPORT_FILE",
    "RepoLock",
    "ShallowCloneError",
    "WorkTreeSource",
    "added_commits",
    "check_committable",
    "check_name",
    "check_revision_syntax",
    "check_version_name",
    "check_signing",
    "commit_new_records",
    "commit_paths",
    "create_tag",
    "current_branch",
    "cut_off",
    "find_root",
    "git_folders",
    "git_user",
    "in_index",
    "move_file",
    "init_repository",
    "is_repository",
    "is_tracked",
    "shallow_message",
    "tag_target",
    "unstage",
    "untracked_folders",
]
