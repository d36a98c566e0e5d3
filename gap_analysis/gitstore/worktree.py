"""Where git keeps its own files, and which files of the working tree it tracks.

Asked of plain `git` (no GitPython): the output guard asks before every
`-o` write, which must stay cheap for a cached rebuild.
"""

from __future__ import annotations

from pathlib import Path

from gap_analysis.errors import GapAnalysisError
from gap_analysis.gitstore.store import GitStore


def git_folders(store: GitStore) -> tuple[Path, ...]:
    """The repository's git folder and, in a linked worktree, the common one (resolved)."""
    out = store.git_output("rev-parse", "--absolute-git-dir", "--git-common-dir")
    folders = []
    for line in out.splitlines():
        if line.strip():
            folder = Path(line.strip())
            folders.append((folder if folder.is_absolute() else store.root / folder).resolve())
    return tuple(dict.fromkeys([*folders, (store.root / ".git").resolve()]))


def in_index(store: GitStore, relative: str) -> bool:
    """Whether git tracks the file `relative` (a path of the working tree, taken literally)."""
    out = store.git_output("--literal-pathspecs", "ls-files", "-z", "--", relative)
    return relative in out.split("\0")


def untracked_folders(store: GitStore) -> list[str]:
    """Folders of the working tree that git does not track at all (`public/`), not ignored ones."""
    out = store.git_output("status", "--porcelain", "-z", "--untracked-files=normal")
    return [e[3:] for e in out.split("\0") if e.startswith("?? ") and e.endswith("/")]


def move_file(store: GitStore, old: str, new: str) -> None:
    """`git mv` a tracked file (tool-made, validated repository paths, taken literally).

    A rename recorded in the index keeps the file's history (`git log --follow`)
    and shows in `git status` as a rename, not a deletion and a new file.
    """
    store.git_output("--literal-pathspecs", "mv", "-k", "--", old, new)
    if (store.root / old).exists() or not (store.root / new).exists():
        raise GapAnalysisError(f"git mv {old} {new} did not move the file")
