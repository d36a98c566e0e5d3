"""`packet`: the meeting PDF of a version, laid out as one document.

Order: the TD-style cover (document number, meeting, Questions, source,
title, purpose, contact block, keywords, abstract: from the version record and
`report.toml`, a missing field is left out), the document history and
contents, the change summary since the previous version (or the one named),
the report, then annexes: the gap register, the redline against that version
and the comment disposition. It goes through the build service as one HTML
document, so page numbers run through the packet, every part has a bookmark
from its heading, and the cache and determinism rules of `build` hold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from gap_analysis.errors import RevisionError, option
from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import ExtraAnnex
from gap_analysis.model.comment import Comment
from gap_analysis.model.finding import Finding
from gap_analysis.model.progress import NO_PROGRESS, Progress
from gap_analysis.records import comments as comment_store
from gap_analysis.render.packet import disposition_html, redline_html, summary_section
from gap_analysis.render.redline_html import legend_html
from gap_analysis.render.summary_html import summary_html
from gap_analysis.services.build.pdf import BuildResult, build_pdf, default_output
from gap_analysis.services.build.redline import redline_parts
from gap_analysis.services.diff import diff
from gap_analysis.services.output import guard_output
from gap_analysis.services.review.ledger import load_ledger
from gap_analysis.services.review.standing import version_extras
from gap_analysis.services.snapshots import resolve
from gap_analysis.services.summary import summary_of


@dataclass(frozen=True)
class PacketResult:
    path: Path
    version: str
    against: str
    """The version (or revision) the changes are shown against; "" for a first version."""
    pages: int
    build: BuildResult


def make_packet(
    store: GitStore,
    name: str,
    against: str | None = None,
    output: Path | None = None,
    progress: Progress = NO_PROGRESS,
    force: bool = False,
) -> PacketResult:
    if output is not None:
        guard_output(store, output, force=force)  # before the work, not after
    ledger = load_ledger(store)
    version = ledger.version(name)
    if version is None:
        known = ", ".join(v.name for v in ledger.versions) or "none yet"
        raise RevisionError(f"no version '{name}' (versions: {known})")
    if against is None:
        index = ledger.versions.index(version)
        previous = (
            ledger.version(version.previous)
            if version.previous
            else (ledger.versions[index - 1] if index > 0 else None)
        )
        against = previous.name if previous else ""
    elif against == name:
        raise RevisionError(f"{option('against')} names {name} itself; name an earlier version")
    else:
        resolve(store, against)  # a clear error for a name that does not resolve
    progress.phase("comparing versions", 0)
    extras = version_extras(store, name, ledger)
    annexes: list[ExtraAnnex] = []
    before = ""
    commented = [against, name] if against and ledger.version(against) else [name]
    redline_files: tuple[tuple[str, bytes], ...] = ()
    redline_warnings: tuple[Finding, ...] = ()
    if against:
        outcome = diff(store, against, name)
        before = summary_section(
            f"Changes since {against}", summary_html(summary_of(outcome, ledger.events))
        )
        parts = redline_parts(outcome, changed_only=True)
        legend = legend_html(against, parts.removed, pdf="")
        annexes.append(
            ExtraAnnex(
                f"Changes since {against} (redline)",
                redline_html(legend, parts.bodies),
                "packet-redline",
            )
        )
        redline_files = tuple(sorted(parts.files.items()))
        redline_warnings = tuple(parts.warnings)
    groups: list[tuple[str, list[Comment]]] = [
        (v, comment_store.read_all(store, v)) for v in commented
    ]
    annexes.append(ExtraAnnex("Comment disposition", disposition_html(groups), "packet-comments"))
    labels = dict(extras.labels)
    if against:
        labels["Changes shown against"] = against
    extras = replace(
        extras,
        body_html_before=before,
        annexes=(*extras.annexes, *annexes),
        labels=labels,
        files=redline_files,
        warnings=redline_warnings,
    )
    if output is None:
        plain = default_output(store.root, ledger.settings, resolve(store, name), extras.file_tag)
        output = plain.with_name(plain.stem + "-packet.pdf")
        output.parent.mkdir(parents=True, exist_ok=True)
        force = True  # the tool's own name in dist/: no user path to judge
    built = build_pdf(store, name, output, extras=extras, progress=progress, force=force)
    assert built.path is not None
    return PacketResult(built.path, name, against, built.pages, built)
