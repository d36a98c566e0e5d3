"""The journal of a cut: `<git dir>/gap-analysis-cut.json`, written before the record.

A rerun of `version cut` that finds it completes that cut (see
`versions.cut`). Everything the journal would hold is judged before it is
written (`check_request`), and a journal that cannot be completed is reported
with its path and the `rm` that abandons it, so one bad cut never jams the
next.

The fault-injection hook for crash tests lives in `services/faults.py`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from gap_analysis.errors import ContentError, GapAnalysisError
from gap_analysis.gitstore import GitStore
from gap_analysis.model.version import VERSIONS_DIR
from gap_analysis.records.files import check_encodable

JOURNAL = "gap-analysis-cut.json"


@dataclass(frozen=True)
class CutRequest:
    name: str | None = None
    meeting: str = ""
    document: str = ""
    purpose: str = ""
    sign: bool = False
    build: bool = True


def journal_path(store: GitStore) -> Path:
    return Path(store.repo.git_dir) / JOURNAL


def pending_cut(store: GitStore) -> CutRequest | None:
    """The cut an earlier run started and did not finish, if any."""
    path = journal_path(store)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        request = CutRequest(**data)
        texts = (request.name, request.meeting, request.document, request.purpose)
        if not all(isinstance(text, str) for text in texts):
            raise TypeError("a text field is not text")
        check_request(request)
    except (ValueError, TypeError, ContentError) as exc:
        why = exc.message if isinstance(exc, ContentError) else "it cannot be read"
        raise ContentError(
            f"the journal of an interrupted cut cannot be completed ({why}); "
            f"remove it to start afresh: rm '{path}'",
            path=str(path),
        ) from None
    return request


def check_request(request: CutRequest) -> None:
    """Every text the cut would record, judged before the journal or the record is written."""
    if request.name is not None:
        check_encodable(request.name, "version name")
    check_encodable(request.meeting, "meeting")
    check_encodable(request.document, "document number")
    check_encodable(request.purpose, "purpose")


def cannot_complete(store: GitStore, name: str, error: GapAnalysisError) -> GapAnalysisError:
    """A resumed cut failed: say how to abandon it, so the next cut is not jammed."""
    journal = journal_path(store)
    record = f"{VERSIONS_DIR}/{name}.toml"
    how = f"rm '{journal}'"
    if (store.root / record).exists() and record in store.changed_files():
        how += f" '{record}'"
    elif (store.root / record).exists():
        how += f", then 'gap-analysis version tag --repair {name}' tags the committed version"
    return type(error)(
        f"{error.message}; the interrupted cut of {name} cannot be completed until that is "
        f"fixed; to abandon it instead: {how}",
        path=error.path,
        line=error.line,
    )


def write_journal(store: GitStore, request: CutRequest) -> None:
    """Note the cut (its name decided) before its record is written."""
    journal_path(store).write_text(json.dumps(asdict(request)), encoding="utf-8")
