"""New repositories and who git says the user is (for `init`)."""

from __future__ import annotations

from pathlib import Path

from gap_analysis.gitstore.store import GitStore


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
