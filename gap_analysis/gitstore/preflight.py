"""Questions asked before the tool writes a record it will commit, so a refusal comes first.

A commit on a detached HEAD belongs to no branch (the next checkout leaves it
behind), a record folder inside a git submodule is committed to another
repository (or not at all), and a tag signed with no usable key fails after
the record's commit: each is found here, before anything is written.
"""

from __future__ import annotations

from gap_analysis.errors import RefusedError
from gap_analysis.gitstore.store import GitStore


def check_committable(store: GitStore, folders: tuple[str, ...]) -> None:
    """Refuse a detached HEAD, and `folders` that are (or lie inside) a git submodule."""
    done = store.run("symbolic-ref", "--quiet", "HEAD")
    if done.returncode != 0:
        raise RefusedError(
            "HEAD is detached (no branch is checked out), so the commit would belong to "
            "no branch; check out a branch first ('git switch main', or "
            "'git switch -c NAME' to start one here)"
        )
    for path in submodules(store):
        for folder in folders:
            if folder == path or folder.startswith(f"{path}/") or path.startswith(f"{folder}/"):
                raise RefusedError(
                    f"{path}/ is a git submodule: the report's commits would record only "
                    f"its commit id, not the files in {folder}/; keep {folder}/ in the "
                    "report's own repository"
                )


def submodules(store: GitStore) -> list[str]:
    """The index's submodules (gitlinks, mode 160000), registered in .gitmodules or not."""
    out = store.git_output("ls-files", "--stage", "-z")
    found = []
    for entry in out.split("\0"):
        meta, _, path = entry.partition("\t")
        if meta.startswith("160000 "):
            found.append(path)
    return found


def check_signing(store: GitStore) -> None:
    """Refuse `--sign` when git cannot sign: it signs a throw-away commit object the way
    `git tag -s` signs (same key, program and format); the object is referenced by
    nothing, so nothing a user sees changes."""
    head = store.head()
    tree = f"{head}^{{tree}}" if head else "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    done = store.run("commit-tree", "-S", "-m", "gap-analysis: can this key sign?", tree)
    if done.returncode != 0:
        detail = " ".join(done.stderr.split()) or "git could not sign"
        raise RefusedError(
            f"cannot sign the tag: {detail}; name a usable key ('git config user.signingkey "
            "KEYID', one of the secret keys gpg lists) or leave out the signing option"
        )
