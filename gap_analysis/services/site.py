"""`site`: a static archive of every version (reading view, PDF, changes, history, comments).

Layout of the output folder:

    index.html                 the versions, newest first
    gaps.html, comments.html   the newest gap register; every comment with its disposition
    site.css
    versions/<v>/index.html    the reading view: review path, contents, chapters, gap register, history
    versions/<v>/changes.html  change summary (words chart) and redline against the version before
    versions/<v>/<v>.pdf       the version's PDF, with its standing today on the cover
    versions/<v>/<image path>  the images the version's chapters show, from that version's tree
    .gap-analysis-site.json    the manifest: every file this command wrote

Everything is made in memory first; `site_folder` then writes it all or
nothing (a kill or a full disk leaves the previous site as it was). The
manifest is how a rerun knows which files are its own: it replaces and removes
only those, never through a symlink, and refuses a folder holding anything
else unless told to (`force`), even then replacing and deleting nothing it did
not write.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gap_analysis.atomic_files import check_folder_target
from gap_analysis.errors import ContentError, GapAnalysisError, RefusedError, option
from gap_analysis.gitstore import GitStore
from gap_analysis.markdown.html import render_chapter
from gap_analysis.markdown.numbering import report_numbering
from gap_analysis.model.build import RenderedChapter
from gap_analysis.model.comment import Comment
from gap_analysis.model.gap import Gap
from gap_analysis.model.images import image_problem
from gap_analysis.model.progress import NO_PROGRESS, Progress
from gap_analysis.model.version import Event, Version
from gap_analysis.records import comments as comment_store
from gap_analysis.render import site as pages
from gap_analysis.render.redline_html import legend_html
from gap_analysis.render.svg import review_path_svg, words_chart_svg
from gap_analysis.services.build.redline import redline_parts
from gap_analysis.services.comments.annex import with_comments_annex
from gap_analysis.services.diff import diff_loaded
from gap_analysis.services.output import refuse_git_folder
from gap_analysis.services.review.ledger import Ledger, load_ledger
from gap_analysis.services.review.standing import version_extras
from gap_analysis.services.site_folder import (
    check_plan,
    folder_lock,
    others,
    own_files,
    publish,
    recover,
)
from gap_analysis.services.snapshots import Loaded, load
from gap_analysis.workflow import event_order

DEFAULT_FOLDER = Path("dist") / "site"
_OWN_NAMES = frozenset({"index.html", "changes.html"})

PdfBuilder = Callable[[GitStore, str, Ledger], bytes]


@dataclass
class SiteResult:
    folder: Path
    index: Path
    versions: list[str]
    written: list[str]
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_folder(store: GitStore) -> Path:
    return store.root / DEFAULT_FOLDER


# -- the output folder ---------------------------------------------------------


def check_folder(store: GitStore, folder: Path, force: bool, *, named: bool = True) -> set[str]:
    """Refuse an output folder that is a file, inside chapters/, review/ or git's folders, or the
    repository itself; finish or undo a killed run there; return the files the site wrote there.
    A folder with other files needs `force`."""
    check_folder_target(folder, create_parents=not named)
    target = folder.resolve()
    root = store.root.resolve()
    if target == root or root.is_relative_to(target):
        raise RefusedError(
            f"output folder {folder} holds the report repository; choose a folder inside it "
            f"(default: {DEFAULT_FOLDER}) or elsewhere"
        )
    refuse_git_folder(store, target)
    for protected in ("chapters", "review"):
        if target.is_relative_to(root / protected):
            raise RefusedError(
                f"output folder {folder} is inside {protected}/ of the report; "
                f"choose another (default: {DEFAULT_FOLDER})"
            )
    if not folder.exists():
        return set()
    with folder_lock(folder):
        recover(folder)
    own = own_files(folder)
    found = others(folder, own)
    if found and not force:
        more = f" and {len(found) - 3} more" if len(found) > 3 else ""
        raise RefusedError(
            f"output folder {folder} holds files the site did not write "
            f"({', '.join(found[:3])}{more}); use {option('force')} to write beside them "
            "(they are never replaced nor deleted) or choose an empty folder"
        )
    return own


def write_files(folder: Path, files: dict[str, bytes]) -> list[str]:
    """Replace the site in `folder` by `files` all or nothing; return the old files removed."""
    try:
        folder.mkdir(exist_ok=True)
        with folder_lock(folder):
            recover(folder)
            check_plan(folder, list(files), own_files(folder))
            return publish(folder, files)
    except OSError as exc:  # a read-only or vanished folder: one line, never a traceback
        raise GapAnalysisError(
            f"cannot write the site into {folder}: {exc.strerror or exc}"
        ) from None


# -- gathering -----------------------------------------------------------------


def _state_name(ledger: Ledger, name: str) -> str:
    workflow = ledger.workflow
    current = ledger.replay.states.get(name)
    state = ledger.state(name)
    if current is not None and state == workflow.returned and current.returned_from:
        source = workflow.stage(current.returned_from)
        return f"Returned by {source.name if source else current.returned_from}"
    stage = workflow.stage(state)
    return stage.name if stage else state


def _previous_of(ledger: Ledger, index: int) -> Version | None:
    version = ledger.versions[index]
    if version.previous:
        return ledger.version(version.previous)
    return ledger.versions[index - 1] if index > 0 else None


def _rendered(loaded: Loaded) -> list[RenderedChapter]:
    paths = {chapter.path: chapter.id for chapter in loaded.report.chapters}
    pattern = loaded.settings.gap_id_pattern
    numbering = report_numbering(loaded.report.chapters, pattern)
    return [
        render_chapter(c, paths, pattern, numbering=numbering, words=loaded.settings.words)
        for c in loaded.report.chapters
    ]


def _images(
    loaded: Loaded, chapters: list[RenderedChapter], warnings: list[str]
) -> dict[str, bytes]:
    images: dict[str, bytes] = {}
    for chapter in chapters:
        for ref in chapter.images:
            if not ref.path or ref.path in images:
                continue
            if ref.path in _OWN_NAMES or ref.path.endswith(".pdf"):
                warnings.append(
                    f"{ref.file}:{ref.line}: image '{ref.target}' left out: its name "
                    "collides with a page of the site"
                )
                continue
            try:
                data = loaded.snapshot.files.read(ref.path)
            except (KeyError, ContentError) as exc:
                warnings.append(f"{ref.file}:{ref.line}: image '{ref.target}' left out: {exc}")
                continue
            problem = image_problem(data)
            if problem is None:
                images[ref.path] = data
            else:
                warnings.append(f"{ref.file}:{ref.line}: image '{ref.target}' left out: {problem}")
    return images


def _gaps(chapters: list[RenderedChapter]) -> list[Gap]:
    seen: dict[str, Gap] = {}
    for chapter in chapters:
        for gap in chapter.gaps:
            seen.setdefault(gap.id, gap)
    return list(seen.values())


def _history(ledger: Ledger, name: str) -> list[pages.SiteEventRow]:
    workflow = ledger.workflow
    current = ledger.replay.states.get(name)

    def stage(stage_id: str) -> str:
        found = workflow.stage(stage_id)
        return found.name if found else stage_id

    amended = {a.event.path: a.changes for a in (current.amendments if current else [])}

    def change(e: Event) -> str:
        if e.path in amended:  # `version amend`: what the record now says, and what it said
            return "; ".join(f"{n}: {old or '-'} \u2192 {new}" for n, old, new in amended[e.path])
        return f"{stage(e.from_state)} \u2192 {stage(e.to_state)}"

    shown = [*current.events, *(a.event for a in current.amendments)] if current else []
    return [
        pages.SiteEventRow(
            date=e.day.isoformat(),
            action=e.action,
            change=change(e),
            actor=e.actor,
            meeting=e.meeting,
            document=e.document,
            note=e.note,
        )
        for e in sorted(shown, key=event_order)
    ]


def default_pdf(store: GitStore, name: str, ledger: Ledger) -> bytes:
    """The version's PDF through the build service (cached under dist/.cache)."""
    from gap_analysis.services.build.pdf import build_pdf  # WeasyPrint loads only when building

    with tempfile.TemporaryDirectory(prefix="gap-analysis-site-") as temp:
        extras = with_comments_annex(store, name, version_extras(store, name, ledger))
        result = build_pdf(store, name, Path(temp) / f"{name}.pdf", extras=extras)
        assert result.path is not None
        return result.path.read_bytes()


def build_site(
    store: GitStore,
    folder: Path | None = None,
    *,
    force: bool = False,
    pdf: PdfBuilder | None = default_pdf,
    progress: Progress = NO_PROGRESS,
) -> SiteResult:
    """Make the archive site in `folder` (default: dist/site). `pdf=None` leaves the PDFs out."""
    named = folder is not None
    folder = folder if folder is not None else default_folder(store)
    check_folder(store, folder, force, named=named)
    ledger = load_ledger(store)
    settings = ledger.settings
    workflow = ledger.workflow
    comments = comment_store.read_all(store)
    by_version: dict[str, list[Comment]] = {}
    for comment in comments:
        by_version.setdefault(comment.version, []).append(comment)
    newest = ledger.versions[-1] if ledger.versions else None
    site = pages.SiteInfo(
        settings.title,
        settings.group,
        settings.language or "en",
        f"{newest.date:%Y-%m-%d}" if newest else "",
    )
    files: dict[str, bytes] = {pages.CSS_NAME: pages.site_css()}
    warnings: list[str] = []
    entries: list[pages.VersionEntry] = []
    loaded: dict[str, Loaded] = {}
    newest_gaps: list[Gap] = []
    progress.phase("reading versions", len(ledger.versions))
    for index, version in enumerate(ledger.versions):
        name = version.name
        loaded[name] = current = load(store, name)
        previous_version = _previous_of(ledger, index)
        if previous_version is not None and previous_version.name not in loaded:
            loaded[previous_version.name] = load(store, previous_version.name)
        own = by_version.get(name, [])
        entry = pages.VersionEntry(
            name=name,
            state=ledger.state(name),
            state_name=_state_name(ledger, name),
            date=f"{version.date:%Y-%m-%d}",
            meeting=version.meeting,
            document=version.document,
            purpose=version.purpose,
            previous=previous_version.name if previous_version else "",
            pdf=f"{name}.pdf" if pdf is not None else "",
            has_changes=previous_version is not None,
            comments=len(own),
            open_comments=sum(1 for c in own if c.is_open),
        )
        entries.append(entry)
        chapters = _rendered(current)
        gaps = _gaps(chapters)
        if version is newest:
            newest_gaps = gaps
        state = ledger.replay.states.get(name)
        svg = review_path_svg(workflow, entry.state, state.returned_from if state else None)
        editors = [p.name for p in current.settings.editors]
        page = pages.VersionPage(
            entry,
            svg,
            chapters,
            gaps,
            _history(ledger, name),
            current.snapshot.info.commit or "",
            editors,
        )
        base = f"versions/{name}/"
        files[base + "index.html"] = pages.version_page(site, page).encode("utf-8")
        for path, data in _images(current, chapters, warnings).items():
            files[base + path] = data
        if previous_version is not None:
            outcome = diff_loaded(
                loaded[previous_version.name], current, previous_version.name, name
            )
            summary = [
                pages.SiteChapterRow(
                    f"{c.number} {c.title}".strip(),
                    str(c.status),
                    c.words_added,
                    c.words_removed,
                    tuple(f"{n} {t}".strip() for n, t in c.sections_touched),
                )
                for c in outcome.result.changed_chapters
            ]
            chart = words_chart_svg([(c.label, c.words_in, c.words_out) for c in summary])
            parts = redline_parts(outcome, changed_only=True)
            for path, data in parts.files.items():
                files[base + path] = data
            warnings.extend(str(w) for w in parts.warnings)
            changes = pages.ChangesPage(
                entry,
                previous_version.name,
                outcome.result,
                chart,
                summary,
                parts.bodies,
                legend_html(previous_version.name, parts.removed, stylesheet=False),
            )
            files[base + "changes.html"] = pages.changes_page(site, changes).encode("utf-8")
        progress.advance()
    if pdf is not None:
        progress.phase("building PDFs", len(ledger.versions))
        for version in ledger.versions:
            files[f"versions/{version.name}/{version.name}.pdf"] = pdf(store, version.name, ledger)
            progress.advance()
    entries.reverse()
    files["index.html"] = pages.index_page(site, entries).encode("utf-8")
    newest_entry = entries[0] if entries else None
    files["gaps.html"] = pages.gaps_page(site, newest_entry, newest_gaps).encode("utf-8")
    groups = [(e, by_version[e.name]) for e in entries if by_version.get(e.name)]
    files["comments.html"] = pages.comments_page(site, groups).encode("utf-8")
    progress.phase("writing files", len(files))
    removed = write_files(folder, files)
    progress.advance(len(files))
    return SiteResult(
        folder,
        folder / "index.html",
        [v.name for v in ledger.versions],
        sorted(files),
        removed,
        warnings,
    )
