"""The journal of a comment import: an interrupted import is completed or rolled back, never half kept.

Before the first record is written, `<git dir>/gap-analysis-import.json`
names every record the import will create and keeps the text of every record
it will rewrite. Once all records are on disk (and synced) the journal says
so (`written`); it is removed after the commit. The next run that takes the
repository lock to write comments finds it and either completes that import
(all records written: commit what is not committed yet) or rolls it back
(remove the new records, put back the old text). `status` and `check` name a
journal that is still there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gap_analysis import atomic_files
from gap_analysis.errors import ContentError
from gap_analysis.gitstore import GitStore, commit_new_records
from gap_analysis.model.wording import counted
from gap_analysis.records.files import record_path

JOURNAL = "gap-analysis-import.json"


@dataclass
class ImportJournal:
    version: str
    source: str
    """The form's file name, to name the import to the user."""
    digest: str
    """SHA-256 of the form's bytes: a rerun with the same form is told apart."""
    message: str
    """The commit message (empty: the import was not to be committed)."""
    new: list[str] = field(default_factory=list)
    updated: dict[str, str] = field(default_factory=dict)
    """Path -> the record's text before the import."""
    state: str = "writing"
    """`writing` until every record is on disk, then `written`."""

    @property
    def paths(self) -> list[str]:
        return [*self.new, *self.updated]


@dataclass(frozen=True)
class Recovery:
    journal: ImportJournal
    completed: bool
    """True: the import was kept (committed now if it was to be); False: rolled back."""

    def describe(self) -> str:
        j = self.journal
        what = f"the interrupted import of {j.source} on {j.version}"
        if self.completed:
            return f"completed {what} ({counted(len(j.paths), 'record')})"
        return f"rolled back {what} (none of its records were kept)"


def journal_path(store: GitStore) -> Path:
    return Path(store.repo.git_dir) / JOURNAL


def save(store: GitStore, journal: ImportJournal) -> None:
    # `vars`, not `asdict`: asdict deep-copies the text of every record (10,000 for a re-import)
    atomic_files.write_atomic(
        journal_path(store), json.dumps(vars(journal)).encode("utf-8"), exclusive=False
    )


def pending(store: GitStore) -> ImportJournal | None:
    path = journal_path(store)
    if not path.exists():
        return None
    try:
        return ImportJournal(**json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, TypeError):
        raise ContentError(
            "cannot read the journal of an interrupted comment import; check the records "
            "under review/comments with 'git status', then delete the journal",
            path=str(path),
        ) from None


def finish(store: GitStore) -> None:
    journal_path(store).unlink(missing_ok=True)


def roll_back(store: GitStore, journal: ImportJournal) -> None:
    for relative in journal.new:
        record_path(store.root, relative).unlink(missing_ok=True)
    for relative, text in journal.updated.items():
        record_path(store.root, relative).write_text(text, encoding="utf-8", newline="\n")


def recover(store: GitStore) -> Recovery | None:
    """Complete or roll back the import a journal names (the caller holds the repository lock)."""
    journal = pending(store)
    if journal is None:
        return None
    if journal.state != "written":
        roll_back(store, journal)
        finish(store)
        return Recovery(journal, completed=False)
    if journal.message:
        wanted = set(journal.paths)
        changed = sorted(p for p in store.changed_files() if p in wanted)
        if changed:
            commit_new_records(store, changed, journal.message)
    finish(store)
    return Recovery(journal, completed=True)
