"""Names, tags and the commits that added records: what the review path asks of git.

Every user-supplied name is checked against a strict pattern and
`git check-ref-format` before git sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gap_analysis.errors import GapAnalysisError, InvalidNameError, RefusedError
from gap_analysis.gitstore.store import GitStore, command_error

REF_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
UNSHALLOW_FIX = (
    "fetch the whole history with 'git fetch --unshallow' "
    "(in CI: 'fetch-depth: 0' for actions/checkout, 'GIT_DEPTH: 0' on GitLab)"
)


class ShallowCloneError(RefusedError):
    """A record was added before a shallow clone's cut-off: its commit cannot be known."""


def check_name(store: GitStore, name: str, kind: str = "version name") -> None:
    """Refuse a user-supplied name before it reaches git as a tag or a path.

    The strict pattern rules out options (`-d`, `--file=x`), paths (`../x`,
    `refs/heads/main`), spaces and `..`; `git check-ref-format` has the last word.
    """
    if not REF_NAME_PATTERN.fullmatch(name) or ".." in name or name.endswith((".lock", ".")):
        raise InvalidNameError(
            f"'{name}' is not a valid {kind}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit, not ending in '.lock'"
        )
    try:
        store.repo.git.check_ref_format(f"refs/tags/{name}")
    except command_error():
        raise InvalidNameError(
            f"'{name}' is not a valid {kind} (git check-ref-format refuses it)"
        ) from None


_ROOT_REF_SYNTAX = re.compile(r"[A-Z_-]+")
"""Names git may read as a file at the top of its own folder before `refs/tags/` (HEAD, ...)."""
_GIT_ROOT_REFS = frozenset(
    (
        "HEAD",
        "AUTO_MERGE",
        "BISECT_EXPECTED_REV",
        "NOTES_MERGE_PARTIAL",
        "NOTES_MERGE_REF",
        "MERGE_AUTOSTASH",
    )
)
"""git's own refs of that shape, with every name ending in `_HEAD` (git's `is_root_ref`)."""


def _git_own(store: GitStore, name: str) -> bool:
    """Whether git reads `name` as one of its own refs rather than our tag.

    Only a name of capitals, '-' and '_' can be: git looks for it at the top of
    its folder first. Those git writes there (HEAD, FETCH_HEAD, ORIG_HEAD,
    MERGE_HEAD, AUTO_MERGE, ...) are refused, and so is any other such file git
    keeps there now (MERGE_MSG, COMMIT_EDITMSG); `FINAL` or `TD-345` are plain tags.
    """
    if not _ROOT_REF_SYNTAX.fullmatch(name):
        return False
    if name in _GIT_ROOT_REFS or name.endswith("_HEAD"):
        return True
    done = store.run("rev-parse", "--git-dir")
    folder = (store.root / done.stdout.strip()) if done.returncode == 0 else store.root / ".git"
    return (folder / name).exists()


def check_version_name(store: GitStore, name: str, versions: Iterable[str] = ()) -> None:
    """Refuse a new version's name that would shadow a name git gives meaning to, or that
    differs only by case from an existing version (`versions`) or tag.

    A tag `HEAD` (or `FETCH_HEAD`, any name ending in `_HEAD`, `AUTO_MERGE`, any
    name of capitals git keeps in its folder) or a tag named like a branch makes
    git's revisions ambiguous: `git checkout -b x HEAD` then names the tag.
    Capitals are otherwise fine (`FINAL`). On a case-insensitive file system
    (macOS, Windows) `v1.0` and `V1.0` are one tag file and one record file.
    """
    check_name(store, name)
    if _git_own(store, name):
        raise InvalidNameError(
            f"'{name}' is not a valid version name: git reserves it for its own refs "
            "(HEAD, FETCH_HEAD, ORIG_HEAD, MERGE_HEAD, AUTO_MERGE, any name of capitals "
            "ending in _HEAD, ...)"
        )
    done = store.run("show-ref", "--verify", "--quiet", f"refs/heads/{name}")
    if done.returncode == 0:
        raise InvalidNameError(
            f"'{name}' is not a valid version name: it is the name of a branch, and a tag "
            "of the same name would make revisions ambiguous"
        )
    tags = store.run("for-each-ref", "--format=%(refname:strip=2)", "refs/tags/").stdout.split()
    folded = name.casefold()
    for other in (*versions, *tags):
        if other != name and other.casefold() == folded:
            raise InvalidNameError(
                f"'{name}' is not a valid version name: it differs from '{other}' only by "
                "case, and on a case-insensitive file system (macOS, Windows) the two "
                "would be one tag and one record"
            )


def tag_target(store: GitStore, name: str) -> str | None:
    """The commit the tag `name` points at, or None when there is no such tag."""
    try:
        out = store.repo.git.rev_parse("--verify", "--quiet", f"refs/tags/{name}^{{commit}}")
    except command_error():
        return None
    return str(out).strip() or None


def create_tag(
    store: GitStore,
    name: str,
    commit: str,
    message: str,
    *,
    sign: bool = False,
    force: bool = False,
) -> None:
    """An annotated tag (signed with `sign`); create-only unless `force` (`version tag --repair`)."""
    args = ["-s" if sign else "-a", "-m", message]
    if force:
        args.append("-f")
    try:
        store.repo.git.tag(*args, name, commit)
    except command_error() as exc:
        detail = (exc.stderr or "").strip().replace("\n", " ")
        raise GapAnalysisError(f"git tag {name} failed: {detail}") from None


def added_commits(store: GitStore, folder: str, *, allow_cut_off: bool = False) -> dict[str, str]:
    """Path -> the commit that added it (the newest add) for files added under `folder`.

    One `git log` pass, however many versions there are, and one per HEAD: the
    answer is remembered until a commit moves HEAD. In a shallow clone a file
    added before the cut-off would seem added by the boundary commit (every
    version would read as the same text): that is refused with the fix
    (`ShallowCloneError`), unless `allow_cut_off` (then see `cut_off`).
    """
    head = store.head()
    if head is None:
        return {}
    key = ("added_commits", folder, head)
    remembered = store.memo.get(key)
    if isinstance(remembered, dict):
        found: dict[str, str] = dict(remembered)
    else:
        found = _added(store, folder, head)
        store.memo[key] = dict(found)
    lost = cut_off(store, found)
    if lost and not allow_cut_off:
        raise ShallowCloneError(shallow_message(lost, found[lost[0]]))
    return found


def cut_off(store: GitStore, commits: dict[str, str]) -> list[str]:
    """The paths of `commits` whose commit is a shallow clone's boundary (not knowable)."""
    boundary = store.shallow_boundary()
    return sorted(path for path, commit in commits.items() if commit in boundary)


def shallow_message(paths: list[str], boundary: str) -> str:
    others = len(paths) - 1
    more = f" (and {others} more record{'s' if others > 1 else ''})" if others else ""
    return (
        f"this is a shallow clone: {paths[0]}{more} was added before its cut-off, so it "
        f"cannot be tied to its commit (git shows the boundary commit {boundary[:10]} "
        f"instead); {UNSHALLOW_FIX}"
    )


def _added(store: GitStore, folder: str, head: str) -> dict[str, str]:
    out = store.git_output(
        "log",
        "--diff-filter=A",
        "--no-renames",
        "--name-only",
        "--format=\x1e%H",
        head,
        "--",
        f"{folder}/",
    )
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


def current_branch(store: GitStore) -> str | None:
    """The checked-out branch, None when HEAD is detached."""
    try:
        return str(store.repo.active_branch.name)
    except TypeError:
        return None
