"""`init`: a new report repository that checks and builds at once.

It writes `report.toml` (the git user as the first editor, holding every role
of the default review path so one person can try the whole path), a first
chapter, the `review/` folders and `.gitignore`, then makes the first commit.
Either all of that happens or nothing: on any failure the files, folders and
repository it created are removed again.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from gap_analysis.config import EMAIL_PATTERN, REPORT_FILE, parse_settings
from gap_analysis.errors import RefusedError
from gap_analysis.gitstore import (
    GitStore,
    commit_paths,
    git_user,
    init_repository,
    is_repository,
)
from gap_analysis.model.people import Person
from gap_analysis.model.workflow import DEFAULT_ROLES
from gap_analysis.services import report_keys
from gap_analysis.services.new_chapter import chapter_text, check_text

DEFAULT_GROUP = "ITU-T SG17 Correspondence Group on Child Online Protection (CG-COP)"
FIRST_CHAPTER = "chapters/01-introduction.md"
FIRST_FIGURE = "chapters/images/review-path.svg"
KEEP_FOLDERS = ("review/versions", "review/events", "review/comments")

_INTRODUCTION = """\
## Purpose {#purpose}

State what this report is for, which group prepares it, and for whom.

## How this report is kept {#how-kept}

Each chapter is one Markdown file in `chapters/`, in the order of its number.
Add a chapter with `gap-analysis chapter new "Title"`, check the text with
`gap-analysis check`, and build the PDF with `gap-analysis build`. Everything
a chapter may hold is in the authoring guide, `docs/authoring.md` in the
gap-analysis sources.

## Figures {#sec-figures}

An image alone in a paragraph, with an id after it, is a numbered figure
whose caption is the image's text; @fig-review-path prints as its number.

![The path a version takes through the review bodies](images/review-path.svg){#fig-review-path}

## Tables and cross-references {#sec-tables}

A table gets a number and a caption from a line under it; @tbl-example then
prints as its number, and @sec-tables as this clause's.

| Area | Existing standards |
|---|---|
| The area of work | The standards that cover it |
: An example table {#tbl-example}

## A gap entry {#a-gap-entry}

A gap the analysis finds is written as a fenced block with the word `gap`
after the opening fence. It prints as a boxed entry and is collected into the
annex "Gap register"; a link such as [G-XX-01](#G-XX-01) leads to it from
anywhere in the report. Replace this example with the report's first gap.

```gap
id: G-XX-01
area: The area of work the gap belongs to
existing: The standards that cover the area today
gap: What they leave open
action: What the group recommends
lead: Who should take it up
priority: medium
status: open
```
"""


_REVIEW_PATH_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="480" height="80" viewBox="0 0 480 80"
     role="img" aria-label="Draft, then review, then approved">
  <g fill="none" stroke="#1f4e79" stroke-width="2">
    <rect x="10" y="20" width="120" height="40" rx="6"/>
    <rect x="180" y="20" width="120" height="40" rx="6"/>
    <rect x="350" y="20" width="120" height="40" rx="6"/>
    <path d="M130 40 H172 M164 34 L172 40 L164 46 M300 40 H342 M334 34 L342 40 L334 46"/>
  </g>
  <g font-family="sans-serif" font-size="16" text-anchor="middle" fill="#1f4e79">
    <text x="70" y="46">Draft</text>
    <text x="240" y="46">Review</text>
    <text x="410" y="46">Approved</text>
  </g>
</svg>
"""


def report_toml(title: str, group: str, name: str, email: str) -> str:
    """Every key of `report.toml` (`services.report_keys`), the first editor holding every role."""
    text = report_keys.report_toml(title, group, Person(name, email, DEFAULT_ROLES))
    parse_settings(text)
    return text


def _default_title(folder: Path) -> str:
    words = folder.name.replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else "Report"


def _identity(folder: Path) -> tuple[str, str]:
    probe = folder if folder.is_dir() else next(p for p in folder.parents if p.is_dir())
    name, email = git_user(probe)
    if not name or not email:
        raise RefusedError(
            "git does not know who you are, and the report needs its first editor; run: "
            'git config --global user.name "Your Name" && '
            'git config --global user.email "you@example.org"'
        )
    if not EMAIL_PATTERN.fullmatch(email):
        raise RefusedError(
            f"git's user.email '{email}' is not an e-mail address; run: "
            'git config --global user.email "you@example.org"'
        )
    return check_text(name, "git's user.name"), email


@dataclass(frozen=True)
class InitResult:
    root: Path
    commit: str
    files: tuple[str, ...]


@dataclass
class _Undo:
    """What this run created, removed again in reverse order when it fails."""

    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    restore: dict[Path, bytes] = field(default_factory=dict)
    git_dir: Path | None = None

    def mkdir(self, folder: Path) -> None:
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        for path in reversed(missing):
            path.mkdir()
            self.folders.append(path)

    def write(self, path: Path, text: str) -> None:
        self.mkdir(path.parent)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            self.files.append(path)
            handle.write(text)

    def run(self) -> None:
        for path in reversed(self.files):
            path.unlink(missing_ok=True)
        for path, data in self.restore.items():
            path.write_bytes(data)
        if self.git_dir is not None:
            shutil.rmtree(self.git_dir, ignore_errors=True)
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):
                folder.rmdir()


def _refuse_existing(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise RefusedError(f"{folder} exists and is not a folder")
    if (folder / REPORT_FILE).exists():
        raise RefusedError(f"{folder} already holds a {REPORT_FILE}; it is a report already")
    if (folder / ".git").exists() and not is_repository(folder):
        raise RefusedError(
            f"{folder / '.git'} exists but is not a git repository that git can read"
        )
    if is_repository(folder):
        store = GitStore(folder)
        try:
            head = store.head()
            if head is not None and store.tree_source(head).exists(REPORT_FILE):
                raise RefusedError(
                    f"{folder} is a git repository whose HEAD has a {REPORT_FILE}; "
                    "it is a report already"
                )
        finally:
            store.close()
    for relative in (FIRST_CHAPTER, FIRST_FIGURE, *(f"{k}/.gitkeep" for k in KEEP_FOLDERS)):
        if (folder / relative).exists():
            raise RefusedError(f"{folder / relative} exists already; init would overwrite it")


def init_report(folder: Path, title: str | None = None, group: str | None = None) -> InitResult:
    folder = folder.absolute()
    _refuse_existing(folder)
    title = check_text(title if title is not None else _default_title(folder), "the title")
    group = check_text(group if group is not None else DEFAULT_GROUP, "the group")
    name, email = _identity(folder)
    files = {
        REPORT_FILE: report_toml(title, group, name, email),
        FIRST_CHAPTER: chapter_text("introduction", "Introduction", [name], _INTRODUCTION),
        FIRST_FIGURE: _REVIEW_PATH_SVG,
        **{f"{k}/.gitkeep": "" for k in KEEP_FOLDERS},
    }
    undo = _Undo()
    try:
        undo.mkdir(folder)
        for relative, text in files.items():
            undo.write(folder / relative, text)
        _ignore_outputs(folder, undo)
        if not is_repository(folder):
            undo.git_dir = folder / ".git"
            store = init_repository(folder)
        else:
            store = GitStore(folder)
        try:
            paths = [*files, ".gitignore"]
            commit = commit_paths(store, paths, f"Start the report: {title}")
        finally:
            store.close()
    except BaseException:
        undo.run()
        raise
    return InitResult(folder, commit, tuple(sorted(paths)))


IGNORED_OUTPUTS = ("dist", "public", "_site")
"""Output folders kept out of git: the build's, and the site's for GitLab Pages and GitHub Pages."""


def _ignore_outputs(folder: Path, undo: _Undo) -> None:
    """`/dist/`, `/public/`, `/_site/` in `.gitignore`, added to an existing one if need be."""
    path = folder / ".gitignore"
    if not path.exists():
        undo.write(path, "".join(f"/{name}/\n" for name in IGNORED_OUTPUTS))
        return
    data = path.read_bytes()
    lines = {line.strip() for line in data.decode("utf-8", "replace").splitlines()}
    missing = [
        name for name in IGNORED_OUTPUTS if not lines & {f"/{name}/", f"/{name}", f"{name}/", name}
    ]
    if not missing:
        return
    undo.restore[path] = data
    added = "".join(f"/{name}/\n" for name in missing).encode()
    path.write_bytes(data + (b"" if data.endswith(b"\n") or not data else b"\n") + added)
