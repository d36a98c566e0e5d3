"""Versions: list them, name the next one, cut one safely, repair their tags.

A version is the commit that adds `review/versions/NAME.toml`; the tag of the
same name is a mirror. A cut runs under the repository lock and in steps
(record, commit, tag, PDF), each of which a rerun can tell is done: before the
record is written a small journal (`.git/gap-analysis-cut.json`) notes the cut,
and it is removed only when every step is done. A rerun of `version cut` that
finds the journal completes that cut instead of starting another, so a crash
at any point never leaves two versions of one name, nor a tag without its
record (the tag is made only from the committed record).

Fault injection (for tests): `services.faults` (`GAP_ANALYSIS_FAULT=STEP`
ends the process right after STEP: `locked`, `after-write`, `after-commit`,
`after-tag`, `after-build`; `hang:STEP` makes it wait there; `wait:STEP:FILE`
holds it there until FILE exists). The journal lives in `cut_journal`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from gap_analysis.errors import GapAnalysisError, RefusedError
from gap_analysis.gitstore import (
    GitStore,
    RepoLock,
    check_committable,
    check_name,
    check_signing,
    check_version_name,
    commit_paths,
    create_tag,
    tag_target,
    unstage,
    untracked_folders,
)
from gap_analysis.model.finding import Severity
from gap_analysis.model.version import VERSIONS_DIR, Amendment, Version
from gap_analysis.model.wording import counted
from gap_analysis.records.versions import write_version
from gap_analysis.services.faults import fault
from gap_analysis.services.review.cut_journal import (
    CutRequest,
    cannot_complete,
    check_request,
    journal_path,
    pending_cut,
    write_journal,
)
from gap_analysis.services.review.ledger import Ledger, load_ledger, worktree_settings
from gap_analysis.services.site_folder import is_site_folder

RECORD_FOLDERS = ("review", "chapters")
"""What a cut commits and what its version is made of: neither may be a git submodule."""
Builder = Callable[[GitStore, str], Path]
"""Builds the PDF of a version (by name) and returns its path."""


@dataclass(frozen=True)
class VersionRow:
    version: Version
    state: str
    tag: str
    """`ok`, `missing`, `moved` (points elsewhere) or `uncommitted` (the record is not committed)."""
    tag_commit: str | None
    amendments: tuple[Amendment, ...] = ()
    """`version amend` events, in order; `version` already carries their values."""

    def as_json(self) -> dict[str, object]:
        v = self.version
        return {
            "name": v.name,
            "date": v.date.isoformat(),
            "commit": v.commit or None,
            "state": self.state,
            "meeting": v.meeting,
            "document": v.document,
            "purpose": v.purpose,
            "previous": v.previous or None,
            "cut_by": v.cut_by,
            "tag": self.tag,
            "tag_commit": self.tag_commit,
            "record": v.path,
            "amendments": [amendment_json(a) for a in self.amendments],
        }


def amendment_json(amendment: Amendment) -> dict[str, object]:
    e = amendment.event
    return {
        "date": e.date.isoformat(),
        "by": e.actor,
        "note": e.note,
        "changes": {name: {"was": old, "now": new} for name, old, new in amendment.changes},
        "file": e.path,
    }


def tag_status(store: GitStore, version: Version) -> tuple[str, str | None]:
    target = tag_target(store, version.name)
    if not version.commit:
        return "uncommitted", target
    if target is None:
        return "missing", None
    return ("ok" if target == version.commit else "moved"), target


def rows(store: GitStore, ledger: Ledger | None = None) -> list[VersionRow]:
    ledger = ledger or load_ledger(store)
    return [
        VersionRow(
            v, ledger.state(v.name), *tag_status(store, v), tuple(_amendments(ledger, v.name))
        )
        for v in ledger.versions
    ]


def _amendments(ledger: Ledger, name: str) -> list[Amendment]:
    state = ledger.replay.states.get(name)
    return state.amendments if state else []


def next_name(scheme: str, names: list[str]) -> str:
    """The scheme's next name: one more than the highest number used (`v0.{n}` -> v0.1, v0.2, ...)."""
    head, _, tail = scheme.partition("{n}")
    pattern = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail) + "$")
    numbers = [int(m.group(1)) for m in map(pattern.fullmatch, names) if m]
    return scheme.replace("{n}", str(max(numbers, default=0) + 1))


# -- cutting -------------------------------------------------------------------


@dataclass
class CutResult:
    version: Version
    tag: str
    pdf: Path | None
    resumed: bool
    steps: list[str]
    """What this run did: `record`, `commit`, `tag`, `pdf`."""


def _uncommitted(store: GitStore, progress: Callable[[str], None]) -> list[str]:
    """The working tree's changes, leaving out untracked folders that hold a site (`public/`).

    A site written into the report (the Pages recipes) is output, not part of
    the version; the commit names its paths, so the folder is never committed.
    """
    sites = [f for f in untracked_folders(store) if is_site_folder(store.root / f)]
    for folder in sites:
        progress(f"ignoring {folder}: an untracked folder holding a site written by the tool")
    return [f for f in store.changed_files() if not any(f.startswith(s) for s in sites)]


def _dirty_refusal(files: list[str]) -> RefusedError:
    shown = ", ".join(files[:10]) + (f" and {len(files) - 10} more" if len(files) > 10 else "")
    return RefusedError(
        f"the working tree has uncommitted changes ({shown}); commit or remove "
        "them first, so the version is exactly what is committed"
    )


def cut(
    store: GitStore,
    request: CutRequest,
    builder: Builder | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> CutResult:
    """Cut a version, or complete the interrupted cut the journal names."""
    check_request(request)
    with RepoLock(store):
        fault("locked")
        pending = pending_cut(store)
        resumed = pending is not None
        if pending is not None:
            if request.name and request.name != pending.name:
                raise RefusedError(
                    f"an interrupted cut of {pending.name} is pending: run "
                    f"'gap-analysis version cut {pending.name}' to complete it first"
                )
            progress(f"completing the interrupted cut of {pending.name}")
            request = replace(pending, build=pending.build and request.build)
            try:
                return _cut_steps(store, request, builder, progress, resumed)
            except GapAnalysisError as exc:
                raise cannot_complete(store, pending.name or "", exc) from None
        return _cut_steps(store, request, builder, progress, resumed)


def _cut_steps(
    store: GitStore,
    request: CutRequest,
    builder: Builder | None,
    progress: Callable[[str], None],
    resumed: bool,
) -> CutResult:
    settings = worktree_settings(store)
    ledger = load_ledger(store, settings)
    name = request.name or next_name(settings.version_scheme, [v.name for v in ledger.versions])
    check_name(store, name)
    path = f"{VERSIONS_DIR}/{name}.toml"
    existing = ledger.version(name)
    steps: list[str] = []
    if existing is not None and not resumed:
        if existing.commit:
            raise RefusedError(
                f"version {name} already exists (commit {existing.commit[:10]}); "
                "pick another name or let the scheme name the next one"
            )
        raise RefusedError(f"{path} exists but is not committed; remove it or commit it")
    if existing is None:
        check_version_name(store, name, [v.name for v in ledger.versions])
        if tag_target(store, name) is not None:
            raise RefusedError(
                f"a tag '{name}' already exists but no version record does; pick another name"
            )
        version = _write_record(
            store, settings.version_scheme, ledger, request, name, path, progress
        )
        steps.append("record")
    else:
        version = existing
    if not version.commit:
        told = progress if "record" not in steps else lambda _: None  # said once
        others = [f for f in _uncommitted(store, told) if f != path]
        if others:
            raise _dirty_refusal(others)
        check_committable(store, RECORD_FOLDERS)
        what = f" for {version.meeting}" if version.meeting else ""
        try:
            commit = commit_paths(store, [path], f"Cut version {name}{what}")
        except Exception:
            unstage(store, [path])
            raise
        version = replace(version, commit=commit)
        steps.append("commit")
        progress(f"committed {path} ({commit[:10]})")
        fault("after-commit")
    target = tag_target(store, name)
    if target is None:
        create_tag(
            store, name, version.commit, _tag_message(settings.title, version), sign=request.sign
        )
        steps.append("tag")
        progress(f"tagged {name}")
        fault("after-tag")
    elif target != version.commit:
        raise RefusedError(
            f"tag '{name}' points at {target[:10]}, not at the version's commit "
            f"{version.commit[:10]}; run 'gap-analysis version tag --repair {name}'"
        )
    pdf: Path | None = None
    if request.build and builder is not None:
        progress(f"building the PDF of {name}")
        pdf = builder(store, name)
        steps.append("pdf")
        fault("after-build")
    journal = journal_path(store)
    if journal.exists():
        journal.unlink()
    return CutResult(version, name, pdf, resumed, steps)


def _write_record(
    store: GitStore,
    scheme: str,
    ledger: Ledger,
    request: CutRequest,
    name: str,
    path: str,
    progress: Callable[[str], None],
) -> Version:
    """Refuse a dirty tree or a failing check; then note the cut in the journal and write the record."""
    if store.head() is None:
        raise RefusedError("the repository has no commits yet; commit the report first")
    check_committable(store, RECORD_FOLDERS)
    dirty = _uncommitted(store, progress)
    if dirty:
        raise _dirty_refusal(dirty)
    progress("running check")
    from gap_analysis.services.check.runner import run_check  # Markdown: only for a cut

    errors = [f for f in run_check(store, "HEAD") if f.severity is Severity.ERROR]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise RefusedError(
            f"check found {counted(len(errors), 'error')}: "
            f"{errors[0]}{more}; run 'gap-analysis check'"
        )
    if request.sign:
        check_signing(store)
    name_of, email = store.user()
    version = Version(
        name=name,
        date=datetime.now(UTC).replace(microsecond=0),
        meeting=request.meeting,
        document=request.document,
        purpose=request.purpose,
        previous=ledger.versions[-1].name if ledger.versions else "",
        cut_by=f"{name_of} <{email}>" if email else name_of,
        path=path,
    )
    write_journal(store, replace(request, name=name))
    write_version(store.root, path, version)
    progress(f"wrote {path}")
    fault("after-write")
    return version


def _tag_message(title: str, version: Version) -> str:
    lines = [f"{title}, version {version.name}"]
    for label, value in (
        ("Meeting", version.meeting),
        ("Document", version.document),
        ("Purpose", version.purpose),
        ("Previous version", version.previous),
    ):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


# -- tags ----------------------------------------------------------------------


def repair_tags(store: GitStore, names: list[str], sign: bool = False) -> list[tuple[str, str]]:
    """Restore missing or moved tags from the records; returns (name, what was done)."""
    done: list[tuple[str, str]] = []
    with RepoLock(store):
        if sign:
            check_signing(store)
        settings = worktree_settings(store)
        ledger = load_ledger(store, settings)
        for name in names:
            check_name(store, name)
            if ledger.version(name) is None:
                raise RefusedError(f"no version {name} (no {VERSIONS_DIR}/{name}.toml)")
        for row in rows(store, ledger):
            if names and row.version.name not in names:
                continue
            if row.tag in ("missing", "moved"):
                create_tag(
                    store,
                    row.version.name,
                    row.version.commit,
                    _tag_message(settings.title, row.version),
                    sign=sign,
                    force=row.tag == "moved",
                )
                done.append((row.version.name, "created" if row.tag == "missing" else "moved back"))
    return done
