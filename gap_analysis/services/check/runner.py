"""`check`: every problem of a snapshot as a list of findings.

A check is a list of small checkers, each a function from a `CheckContext`
(the snapshot read once, tolerant of broken chapters) to findings. Other use
cases reuse it as a gate: `run_check(store, rev)` for "check passes at the
version's commit", and they may pass `extra` checkers (e.g. about the review
records) that see the same context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from gap_analysis.config import REPORT_FILE, config_findings, parse_settings
from gap_analysis.errors import ConfigError, NotAReportError
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.chapters import duplicate_ids
from gap_analysis.markdown.gaps import GapParse, chapter_gaps, report_gaps
from gap_analysis.markdown.notes import markup_problems
from gap_analysis.markdown.structure import chapter_structure
from gap_analysis.model.chapter import Chapter
from gap_analysis.model.finding import Finding, Severity
from gap_analysis.model.gap import Gap
from gap_analysis.model.settings import ReportSettings
from gap_analysis.model.snapshot import Snapshot
from gap_analysis.model.structure import ChapterStructure
from gap_analysis.model.wording import counted
from gap_analysis.services.check.chapters import ChapterFile, read_chapter_files
from gap_analysis.services.check.links import LinkTargets, link_findings
from gap_analysis.services.check.references import reference_findings
from gap_analysis.services.snapshots import Loaded
from gap_analysis.services.snapshots import snapshot as take_snapshot


@dataclass
class CheckContext:
    """The snapshot as read for checking; what every checker sees."""

    snapshot: Snapshot
    settings: ReportSettings
    config_text: str
    """The text of `report.toml` ("" when it is not UTF-8)."""
    chapters: list[ChapterFile]
    structures: list[ChapterStructure]
    """One per chapter whose body could be read, in report order."""
    gaps: tuple[Gap, ...] = ()
    gap_findings: tuple[Finding, ...] = ()
    read_findings: list[Finding] = field(default_factory=list)
    """Problems met while reading (encoding, front matter, chapter order)."""
    config_valid: bool = True
    """`report.toml` parsed without problems, so `settings` are its own (not the defaults)."""


Checker = Callable[[CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class CheckResult:
    findings: list[Finding]
    chapters: int

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    def passed(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def summary(self) -> str:
        """ "3 errors, 1 warning in 7 chapters" or "no problems in 7 chapters"."""
        where = f"in {counted(self.chapters, 'chapter')}"
        parts = [
            counted(n, word)
            for n, word in ((self.errors, "error"), (self.warnings, "warning"))
            if n
        ]
        return f"{', '.join(parts) or 'no problems'} {where}"


def passes(findings: Sequence[Finding], strict: bool = False) -> bool:
    """Whether findings let a gate pass: no errors (no warnings either when `strict`)."""
    return not any(f.severity is Severity.ERROR or strict for f in findings)


# -- checkers ------------------------------------------------------------


def check_config(ctx: CheckContext) -> Iterable[Finding]:
    """Every problem of `report.toml`, with its line."""
    if not ctx.config_text:
        return [Finding(REPORT_FILE, 1, "config", "not UTF-8 text")]
    return [
        Finding(REPORT_FILE, line, "config", message)
        for line, message in config_findings(ctx.config_text)
    ]


def check_reading(ctx: CheckContext) -> Iterable[Finding]:
    """Encoding, front matter keys and values, the chapter list."""
    yield from ctx.read_findings
    for item in ctx.chapters:
        yield from item.findings
    if not ctx.chapters:
        yield Finding(
            REPORT_FILE,
            0,
            "no-chapters",
            f"no chapters in {ctx.settings.chapter_folder}/; "
            "add one with 'gap-analysis chapter new TITLE'",
            Severity.WARNING,
        )


def check_chapter_ids(ctx: CheckContext) -> Iterable[Finding]:
    chapters = (item.chapter for item in ctx.chapters if item.chapter is not None)
    for duplicate in duplicate_ids(chapters):
        yield Finding(duplicate.path or "", duplicate.line or 1, "duplicate-id", duplicate.message)


def check_anchors(ctx: CheckContext) -> Iterable[Finding]:
    """Heading anchors unique within a chapter (the PDF prefixes them with the chapter)."""
    for structure in ctx.structures:
        seen: dict[str, int] = {}
        for section in structure.sections:
            if not section.anchor:
                continue
            if section.anchor in seen:
                yield Finding(
                    structure.path,
                    section.line,
                    "duplicate-anchor",
                    f"heading anchor '#{section.anchor}' is also used on line "
                    f"{seen[section.anchor]}; give one heading an explicit "
                    "'{#other-anchor}'",
                )
            else:
                seen[section.anchor] = section.line


def check_links(ctx: CheckContext) -> Iterable[Finding]:
    anchors = {
        s.path: frozenset(
            [*(sec.anchor for sec in s.sections if sec.anchor), *(label.name for label in s.labels)]
        )
        for s in ctx.structures
    }
    unreadable = frozenset(item.path for item in ctx.chapters if item.chapter is None)
    targets = LinkTargets(
        anchors,
        {g.id: g for g in ctx.gaps},
        ctx.settings.gap_id_pattern,
        ctx.snapshot.files,
        unreadable,
    )
    return link_findings(ctx.structures, targets)


def check_references(ctx: CheckContext) -> Iterable[Finding]:
    """`@fig-x`, `@tbl-x`, `@sec-x`, `@G-AA-01` name something; labels are unique."""
    return reference_findings(ctx.structures)


def check_markup(ctx: CheckContext) -> Iterable[Finding]:
    """Footnotes that do not pair up, attribute blocks not understood: they would print raw."""
    for item in ctx.chapters:
        if item.chapter is None:
            continue
        for problem in markup_problems(item.chapter):
            severity = Severity.WARNING if problem.code == "unused-footnote" else Severity.ERROR
            yield Finding(item.path, problem.line, problem.code, problem.message, severity)


def check_gaps(ctx: CheckContext) -> Iterable[Finding]:
    """Gap entries parse, have the required fields, match the id pattern, and have unique ids."""
    return ctx.gap_findings


DEFAULT_CHECKERS: tuple[Checker, ...] = (
    check_config,
    check_reading,
    check_chapter_ids,
    check_anchors,
    check_gaps,
    check_links,
    check_references,
    check_markup,
)


# -- reading and running -------------------------------------------------


def _settings(snap: Snapshot) -> tuple[ReportSettings | None, str]:
    """Settings to check with; None where `report.toml` is broken (its findings say why)."""
    try:
        raw = snap.files.read(REPORT_FILE)
    except KeyError:
        where = "the working tree" if snap.info.is_worktree else f"revision {snap.info.short}"
        raise NotAReportError(f"no {REPORT_FILE} in {where}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, ""
    try:
        return parse_settings(text), text
    except ConfigError:
        return None, text


@dataclass(frozen=True)
class Parsing:
    """How a check parses chapters and their gap entries (the live preview memoises both)."""

    structure: Callable[[Chapter, str], ChapterStructure] = chapter_structure
    """(chapter, gap id pattern) -> structure."""
    gaps: Callable[[ChapterStructure, str], GapParse] = chapter_gaps


def context(
    snap: Snapshot, settings: ReportSettings | None = None, parsing: Parsing = Parsing()
) -> CheckContext:
    """Read a snapshot for checking; broken chapters become findings, never exceptions."""
    own, text = _settings(snap)
    settings = settings or own or ReportSettings(title="", group="")
    chapters, problems = read_chapter_files(snap.files, settings)
    structures = [
        parsing.structure(item.chapter, settings.gap_id_pattern)
        for item in chapters
        if item.chapter is not None
    ]
    parsed = report_gaps(structures, settings.gap_id_pattern, parsing.gaps)
    return CheckContext(
        snap,
        settings,
        text,
        chapters,
        structures,
        parsed.gaps,
        parsed.findings,
        problems,
        config_valid=own is not None,
    )


def check_context(ctx: CheckContext, extra: Sequence[Checker] = ()) -> CheckResult:
    findings = [f for checker in (*DEFAULT_CHECKERS, *extra) for f in checker(ctx)]
    order = {REPORT_FILE: -1} | {item.path: index for index, item in enumerate(ctx.chapters)}
    findings.sort(key=lambda f: (order.get(f.path, len(order)), f.path, f.line))
    return CheckResult(findings, len(ctx.chapters))


def check_snapshot(
    source: Snapshot | Loaded, settings: ReportSettings | None = None, extra: Sequence[Checker] = ()
) -> list[Finding]:
    """Every finding of a snapshot (or of an already loaded report's snapshot)."""
    if isinstance(source, Loaded):
        settings = settings or source.settings
        source = source.snapshot
    return check_context(context(source, settings), extra).findings


def run_check_result(
    store: GitStore, rev: str | None, extra: Sequence[Checker] = ()
) -> CheckResult:
    """Check a revision (the working tree when `rev` is None), with counts for a summary."""
    return check_context(context(take_snapshot(store, rev)), extra)


def run_check(store: GitStore, rev: str | None, extra: Sequence[Checker] = ()) -> list[Finding]:
    """The findings at `rev` (the working tree when None): the "check" gate uses `passes()` on them."""
    return run_check_result(store, rev, extra).findings
