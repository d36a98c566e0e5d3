"""`comment import`: judge every row of a comment form, then record all of them or none.

A source (a CSV or XLSX file through `forms.read_form`, a reviewed Word copy)
yields a `Form`: numbered rows of named cells. `import_form` is the one
function that judges and records such rows, so every source gets the same
checks (the judging itself is `judge_rows`). A row with a `Comment id` (a form the tool exported, filled in)
updates that comment's disposition, reply, observations and "resolved in"; a
row without one is a new comment. A field changed both in the file and in the
register since the export (told by the export's `Base` fingerprints) is a
conflict: nothing is written unless `prefer` says which side wins. Writing is
journalled (`import_journal`), so a crash leaves an import that the next run
completes or rolls back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from gap_analysis.errors import ContentError, RefusedError
from gap_analysis.gitstore import GitStore, RepoLock, check_committable, commit_new_records
from gap_analysis.model.wording import counted
from gap_analysis.records import comments as comment_store
from gap_analysis.services.comments import import_journal
from gap_analysis.services.comments.clauses import Clauses
from gap_analysis.services.comments.form_columns import (
    Form,
)
from gap_analysis.services.comments.forms import read_form, read_form_bytes
from gap_analysis.services.comments.judge_rows import RowOutcome, judge
from gap_analysis.services.comments.register import (
    actor,
    committed_version,
    index_at,
    now,
)
from gap_analysis.services.faults import fault
from gap_analysis.services.review.ledger import load_ledger

PREFERENCES = ("", "theirs", "ours")
"""On a conflict: refuse (""), take the file's value ("theirs"), keep the register's ("ours")."""


class CommentImportError(ContentError):
    """A comment form with bad rows; `problems` names each one."""

    def __init__(
        self, message: str, problems: list[str], *, path: str, conflicts: bool = False
    ) -> None:
        super().__init__(message, path=path)
        self.problems = problems
        self.conflicts = conflicts


@dataclass(frozen=True)
class ImportOptions:
    lenient: bool = False
    """A clause that names nothing makes a general comment with a warning, instead of a bad row."""
    prefer: str = ""
    dry_run: bool = False
    commit: bool = True
    recorded_by: str | None = None


@dataclass
class ImportResult:
    version: str
    outcomes: list[RowOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    recovered: import_journal.Recovery | None = None
    done_before: bool = False
    """The form was the interrupted import just completed: nothing more was recorded."""

    def of(self, action: str) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.action == action]


def import_file(
    store: GitStore, version_name: str, path: Path, options: ImportOptions
) -> ImportResult:
    """Import the comment form at `path` (CSV or XLSX; a device or FIFO is refused unread)."""
    raw = read_form_bytes(path)
    digest = hashlib.sha256(raw).hexdigest()
    return import_form(store, version_name, read_form(raw, str(path)), digest, options)


def import_form(
    store: GitStore, version_name: str, form: Form, digest: str, options: ImportOptions
) -> ImportResult:
    """Judge every row of `form`, then record all of them or none (see the module's docstring)."""
    if options.prefer not in PREFERENCES:
        raise ValueError(f"prefer must be one of {PREFERENCES}")
    version = committed_version(store, version_name)
    result = ImportResult(version.name)
    with RepoLock(store):
        if options.dry_run:
            if import_journal.pending(store) is not None:
                raise RefusedError(
                    "an interrupted comment import is pending; import again without a dry run "
                    "to complete or roll it back first"
                )
        else:
            if options.commit:
                check_committable(store, (comment_store.COMMENTS_FOLDER,))
            result.recovered = import_journal.recover(store)
            done = result.recovered
            if done and done.completed and done.journal.digest == digest:
                result.done_before = True
                return result
        ledger = load_ledger(store)
        index = index_at(store, version.name)
        clauses = Clauses(index, has_previous=bool(version.previous))
        # a form of new comments only needs the ids taken, which the file names give
        texts: dict[str, str] = {}
        existing = (
            {c.id: c for c in comment_store.read_all(store, version.name, texts=texts)}
            if any(row.get("id") for row in form.rows)
            else {}
        )
        moment, who = now(), actor(store, options.recorded_by)
        judged = judge(
            form,
            existing,
            clauses,
            ledger,
            lenient=options.lenient,
            prefer=options.prefer,
            resolver=(who, moment),
        )
        result.warnings = judged.warnings
        if judged.problems:
            judged.problems.sort()
            count = len(judged.problems)
            raise CommentImportError(
                f"{counted(count, 'bad row')}; nothing was imported",
                [f"row {row}: {text}" for row, text in judged.problems],
                path=form.name,
                conflicts=judged.conflicts,
            )
        if not form.rows:
            raise ContentError("the comment form has no comments", path=form.name)
        stage = ledger.state(version.name)
        taken = set(existing) or set(comment_store.all_ids(store))
        added = []
        for row, comment in judged.new:
            new_id = comment_store.new_id(moment, taken)
            added.append(
                RowOutcome(
                    row.row,
                    "add",
                    replace(
                        comment,
                        id=new_id,
                        version=version.name,
                        stage=stage,
                        date=moment,
                        recorded_by=who,
                        order=row.row,
                        path=comment_store.path_of(version.name, new_id),
                    ),
                )
            )
        result.outcomes = sorted([*added, *judged.updates, *judged.same], key=lambda o: o.row)
        if options.dry_run or not (added or judged.updates):
            return result
        previous = {o.comment.path: texts[o.comment.path] for o in judged.updates}
        _write(store, version.name, form.name, digest, added, judged.updates, previous, options)
    return result


def _write(
    store: GitStore,
    version: str,
    source: str,
    digest: str,
    added: list[RowOutcome],
    updates: list[RowOutcome],
    previous: dict[str, str],
    options: ImportOptions,
) -> None:
    """Write and commit the records under the journal; `previous` holds each updated record's text."""
    new = [o.comment for o in added]
    changed = [o.comment for o in updates]
    name = source.rsplit("/", 1)[-1]
    parts = [f"add {len(new)}"] if new else []
    parts += [f"update {len(changed)}"] if changed else []
    message = f"comment: import on {version} from {name} ({', '.join(parts)})"
    journal = import_journal.ImportJournal(
        version, name, digest, message if options.commit else "", [c.path for c in new], previous
    )
    import_journal.save(store, journal)
    fault("import-journal")
    try:
        half = len(new) // 2
        # one os.sync() for the whole import (each sync writes back the whole machine's files)
        written = comment_store.write_new_batch(store, new[:half], sync=False)
        fault("import-half")
        written += comment_store.write_new_batch(store, new[half:], sync=not changed)
        written += comment_store.rewrite_batch(store, changed)
        journal.state = "written"
        import_journal.save(store, journal)
        fault("import-written")
        if options.commit:
            commit_new_records(store, written, message)
            fault("import-committed")
    except BaseException:
        import_journal.roll_back(store, journal)
        import_journal.finish(store)
        raise
    import_journal.finish(store)
