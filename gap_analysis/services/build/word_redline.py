"""`diff OLD NEW --format docx`: NEW as a Word document with native revision marks.

The diff engine's changes are laid onto NEW's blocks by file line
(`model.revisions`): changed paragraphs, table cells and gap fields as word
runs, added and removed blocks whole, moved blocks as moves. Each revision's
author is the version's editor (who cut NEW, else the first editor in
`report.toml`), its date NEW's commit date. Word's "Accept all" gives NEW's
text and "Reject all" OLD's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from gap_analysis.atomic_files import check_target, write_atomic
from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras
from gap_analysis.model.diff import (
    CHAPTER_BLOCK,
    DELETE,
    EQUAL,
    INSERT,
    SECTION_BLOCK,
    Change,
    ChangeKind,
    ChapterChangeKind,
    WordOp,
)
from gap_analysis.model.flow import Paragraph
from gap_analysis.model.gap import GAP_FIELDS
from gap_analysis.model.numbering import Numbering
from gap_analysis.model.revisions import (
    REGISTER_COLUMNS,
    BlockRevision,
    ChapterRevisions,
    Mark,
    RegisterRevision,
    Revisions,
)
from gap_analysis.model.structure import Block, BlockKind, ChapterStructure
from gap_analysis.services.build.word import DocxResult
from gap_analysis.services.diff import DiffOutcome, diff, gap_fields_for
from gap_analysis.services.output import default_output

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_PARAGRAPHS = (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE, BlockKind.DEFINITION)


def _deleted(text: str) -> tuple[WordOp, ...]:
    return (WordOp(DELETE, text),) if text else ()


def _kept_or_replaced(old: str, new: str) -> tuple[WordOp, ...]:
    """Text the diff engine gave no word runs for: kept as it is, or replaced whole."""
    if old == new:
        return (WordOp(EQUAL, new),) if new else ()
    return _deleted(old) + ((WordOp(INSERT, new),) if new else ())


def _old_block(structure: ChapterStructure | None, line: int | None) -> Block | None:
    if structure is None or line is None:
        return None
    return next((b for s in structure.sections for b in s.blocks if b.line == line), None)


def _label(number: str, level: int, annex_word: str) -> str:
    """A heading's printed label; `annex_word` ("Annex", "Annexe", ...) when it heads an annex."""
    return f"{annex_word} {number}" if level == 1 and annex_word else number


class _Builder:
    def __init__(self, outcome: DiffOutcome) -> None:
        self.outcome = outcome
        self.old = {s.chapter_id: s for s in outcome.old_structures}
        self.new = {s.chapter_id: s for s in outcome.new_structures}
        word = outcome.old.settings.words.annex  # OLD's labels as OLD's own DOCX prints them
        self.annex_old = {c.id: word if c.is_annex else "" for c in outcome.old.report.chapters}
        self.annex_new = {c.id: c.is_annex for c in outcome.new.report.chapters}
        self.gap_fields = gap_fields_for(outcome.new.settings.gap_id_pattern)
        self.old_flows: dict[str, dict[int, Paragraph]] = {}
        self.old_numbering: Numbering | None = None
        self.departures = {
            (c.old_line, c.old_text): chapter.id
            for chapter in outcome.result.chapters
            for c in chapter.changes
            if c.moved_to
        }
        """(older line, text) of each block that moved to another chapter -> the chapter it left."""

    def old_paragraph(self, chapter_id: str, line: int) -> Paragraph | None:
        """The older chapter's paragraph at `line`, from the same walk as a build (parsed once)."""
        if chapter_id not in self.old_flows:
            from gap_analysis.markdown.flow import flow_chapter

            report = self.outcome.old.report
            chapter = report.chapter(chapter_id)
            paragraphs: dict[int, Paragraph] = {}
            if chapter is not None:
                paths = {c.path: c.id for c in report.chapters}
                pattern = self.outcome.old.settings.gap_id_pattern
                old = self.outcome.old.settings  # OLD's words: "paragraphe 2.2" in French
                flow = flow_chapter(chapter, paths, pattern, self.old_numbers(), old.words)
                paragraphs = {b.line: b for b in flow.blocks if isinstance(b, Paragraph)}
            self.old_flows[chapter_id] = paragraphs
        return self.old_flows[chapter_id].get(line)

    def old_numbers(self) -> Numbering:
        """The older report's figure and table numbers (its chapters parsed again, once)."""
        if self.old_numbering is None:
            from gap_analysis.markdown.numbering import report_numbering

            old = self.outcome.old
            self.old_numbering = report_numbering(old.report.chapters, old.settings.gap_id_pattern)
        return self.old_numbering

    def old_lists(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """OLD's list of figures and of tables as OLD's own DOCX prints them (`docx.captions`)."""
        labels = [label for s in self.outcome.old_structures for label in s.labels]
        if not labels:
            return (), ()
        words, numbering = self.outcome.old.settings.words, self.old_numbers()
        lists: dict[str, list[str]] = {"fig": [], "tbl": []}
        for label in labels:
            target = numbering.resolve(label.name)
            number = target.number if target is not None and target.kind == label.kind else "?"
            word = words.figure if label.kind == "fig" else words.table
            lists[label.kind].append(f"{word} {number}: {label.caption}")
        return tuple(lists["fig"]), tuple(lists["tbl"])

    def table_caption(self, chapter_id: str, block: Block) -> str:
        """An older table's caption as its DOCX prints it (`Table 2: ...`); "" for other blocks."""
        structure = self.old.get(chapter_id)
        if structure is None or block.kind is not BlockKind.PARAGRAPH:
            return ""
        found = (x for x in structure.labels if x.kind == "tbl" and x.line == block.line)
        label = next(found, None)
        if label is None:
            return ""
        target = self.old_numbers().resolve(label.name)
        number = target.number if target is not None and target.kind == "tbl" else "?"
        return f"{self.outcome.old.settings.words.table} {number}: {block.text}"

    def deleted_block(self, block: Block, chapter_id: str, move: str = "") -> BlockRevision:
        """An older block, all of it deleted."""
        section = next((s for s in self.old[chapter_id].sections if block in s.blocks), None)
        label = ""
        if block.kind is BlockKind.HEADING and section is not None:
            label = _label(section.number, block.level, self.annex_old.get(chapter_id, ""))
        fields: tuple[tuple[str, tuple[WordOp, ...]], ...] = ()
        if block.kind is BlockKind.GAP:
            values = self.gap_fields(block) or {}
            fields = tuple((n, _deleted(values.get(n, ""))) for n in GAP_FIELDS if n in values)
        caption = self.table_caption(chapter_id, block)
        return BlockRevision(
            Mark.DELETED,
            "caption" if caption else str(block.kind),
            ops=_deleted(caption or block.text),
            cells=tuple(_deleted(cell) for cell in block.cells),
            fields=fields,
            moved=bool(move),
            move=move,
            level=block.level,
            label=label,
            old=self.old_paragraph(chapter_id, block.line) if block.kind in _PARAGRAPHS else None,
        )

    def changed(self, change: Change, chapter_id: str) -> BlockRevision:
        """A block edited in place, from the word runs the diff engine gave its change.

        Cells and gap fields the change does not list are unchanged; a row
        whose number of columns changed has no runs per cell, so each cell is
        replaced whole.
        """
        old = _old_block(self.old.get(chapter_id), change.old_line)
        new = _old_block(self.new.get(chapter_id), change.new_line)
        if change.block == str(BlockKind.TABLE_ROW) and old is not None and new is not None:
            runs = {cell.column: cell.ops for cell in change.cells}
            columns = max(len(old.cells), len(new.cells))
            cells = tuple(
                runs.get(i)
                or _kept_or_replaced(
                    old.cells[i] if i < len(old.cells) else "",
                    new.cells[i] if i < len(new.cells) else "",
                )
                for i in range(columns)
            )
            return BlockRevision(Mark.CHANGED, change.block, cells=cells)
        if change.block == str(BlockKind.GAP) and old is not None and new is not None:
            before, after = self.gap_fields(old) or {}, self.gap_fields(new) or {}
            named = {f.name: f.ops for f in change.fields}
            fields = tuple(
                (n, named.get(n) or _kept_or_replaced(before.get(n, ""), after.get(n, "")))
                for n in GAP_FIELDS
                if n in before or n in after
            )
            return BlockRevision(Mark.CHANGED, change.block, fields=fields)
        ops = change.ops or _kept_or_replaced(change.old_text, change.new_text)
        return BlockRevision(Mark.CHANGED, change.block, ops=ops)

    def chapter(self, chapter_id: str, changes: tuple[Change, ...]) -> ChapterRevisions:
        at: dict[int, BlockRevision] = {}
        gone: list[tuple[int, BlockRevision]] = []
        for change in changes:
            if change.block in (SECTION_BLOCK, CHAPTER_BLOCK):
                continue
            left = self.departures.get((change.old_line, change.old_text))
            arrived = change.kind is ChangeKind.MOVED and not change.moved_to and left is not None
            moved = change.kind is ChangeKind.MOVED and change.old_line is not None and not arrived
            # a move's two ends share a name: the chapter it left and its line there
            move = f"{left or chapter_id}:{change.old_line}" if moved or arrived else ""
            if change.kind is ChangeKind.REMOVED or change.moved_to or moved:
                block = _old_block(self.old.get(chapter_id), change.old_line)
                if block is not None:
                    gone.append((block.line, self.deleted_block(block, chapter_id, move)))
                if not moved:
                    continue
            if change.new_line is None:
                continue
            if change.kind is ChangeKind.ADDED:
                at[change.new_line] = BlockRevision(Mark.INSERTED, change.block)
            elif moved or arrived or change.kind is ChangeKind.MOVED:
                # arrived from another chapter: its old place is marked there
                at[change.new_line] = BlockRevision(
                    Mark.INSERTED, change.block, moved=True, move=move
                )
            else:
                at[change.new_line] = self.changed(change, chapter_id)
        before, end = self._placed(chapter_id, changes, gone)
        return ChapterRevisions(at=at, before=before, end=end, labels=self.labels(chapter_id))

    def _placed(
        self, chapter_id: str, changes: tuple[Change, ...], gone: list[tuple[int, BlockRevision]]
    ) -> tuple[dict[int, tuple[BlockRevision, ...]], tuple[BlockRevision, ...]]:
        """Older blocks that are gone, each before the next older block that NEW still has.

        Blocks that stayed are paired in order by kind and text; edited ones by
        their change; moved ones are no landmark (their new place is elsewhere).
        """
        old, new = self.old[chapter_id], self.new[chapter_id]
        pairs: dict[int, int] = {}
        changed_old, changed_new = set(), set()
        for change in changes:
            if change.old_line is not None:
                changed_old.add(change.old_line)
            if change.new_line is not None:
                changed_new.add(change.new_line)
            if (
                change.old_line
                and change.new_line
                and change.kind
                in (
                    ChangeKind.MODIFIED,
                    ChangeKind.RENAMED,
                    ChangeKind.FORMATTING,
                    ChangeKind.LINK,
                )
            ):
                pairs[change.old_line] = change.new_line
        free: dict[tuple[str, str], list[int]] = {}
        for block in (b for s in new.sections for b in s.blocks if b.line not in changed_new):
            free.setdefault((block.kind, block.text), []).append(block.line)
        old_blocks = [b for s in old.sections for b in s.blocks]
        for block in old_blocks:
            if block.line in changed_old:
                continue
            lines = free.get((block.kind, block.text))
            if lines:
                pairs[block.line] = lines.pop(0)
        before: dict[int, list[BlockRevision]] = {}
        end: list[BlockRevision] = []
        for line, revision in sorted(gone, key=lambda item: item[0]):
            landmark = next(
                (pairs[b.line] for b in old_blocks if b.line > line and b.line in pairs), None
            )
            if landmark is None:
                end.append(revision)
            else:
                before.setdefault(landmark, []).append(revision)
        return {k: tuple(v) for k, v in before.items()}, tuple(end)

    def labels(self, chapter_id: str) -> dict[int, str]:
        """Headings whose printed number changed: new line -> older label."""
        old, new = self.old.get(chapter_id), self.new[chapter_id]
        if old is None:
            return {}
        older = {s.anchor: s.number for s in old.sections}
        labels = {}
        for section in new.sections:
            was = older.get(section.anchor)
            heading = next((b for b in section.blocks if b.kind is BlockKind.HEADING), None)
            if was is None or heading is None or was == section.number:
                continue
            level = heading.level
            labels[heading.line] = _label(was, level, self.annex_old.get(chapter_id, ""))
        return labels

    def removed_chapter(self, chapter_id: str) -> tuple[BlockRevision, ...]:
        structure = self.old[chapter_id]
        revisions = [
            self.deleted_block(b, chapter_id) for s in structure.sections for b in s.blocks
        ]
        if not any(
            b.kind is BlockKind.HEADING and b.level == 1
            for s in structure.sections
            for b in s.blocks
        ):
            label = _label(structure.number, 1, self.annex_old.get(chapter_id, ""))
            revisions.insert(
                0,
                BlockRevision(
                    Mark.DELETED, "heading", _deleted(structure.title), level=1, label=label
                ),
            )
        return tuple(revisions)


def _gaps(
    structures: tuple[ChapterStructure, ...], builder: _Builder
) -> dict[str, tuple[str, ...]]:
    """Gap id -> the register's cells after the id (section, area, gap, lead, priority, status)."""
    found: dict[str, tuple[str, ...]] = {}
    for structure in structures:
        for section in structure.sections:
            for block in section.blocks:
                if block.kind is not BlockKind.GAP:
                    continue
                values = builder.gap_fields(block)
                if values is None or values.get("id", "") in found:
                    continue
                cells = [section.number, *(values.get(n, "") for n in REGISTER_COLUMNS[1:])]
                found[values.get("id", "")] = tuple(cells)
    return found


def register_revisions(outcome: DiffOutcome, builder: _Builder) -> tuple[RegisterRevision, ...]:
    """The register's rows, each changed cell from the word runs of its gap entry's change."""
    old, new = _gaps(outcome.old_structures, builder), _gaps(outcome.new_structures, builder)
    runs = _field_runs(outcome)
    rows: list[RegisterRevision] = []
    after = ""
    for gap_id, cells in old.items():
        if gap_id in new:
            after = gap_id
            if cells != new[gap_id]:
                found = runs.get(gap_id, {})
                ops = tuple(
                    (found.get(name) if a != b else None) or _kept_or_replaced(a, b)
                    for name, a, b in zip(REGISTER_COLUMNS, cells, new[gap_id], strict=True)
                )
                rows.append(RegisterRevision(gap_id, Mark.CHANGED, ops))
        else:
            rows.append(
                RegisterRevision(gap_id, Mark.DELETED, tuple(_deleted(c) for c in cells), after)
            )
    rows.extend(RegisterRevision(g, Mark.INSERTED) for g in new if g not in old)
    return tuple(rows)


def _field_runs(outcome: DiffOutcome) -> dict[str, dict[str, tuple[WordOp, ...]]]:
    """Gap id -> field name -> the word runs the diff engine gave that field's change."""
    found: dict[str, dict[str, tuple[WordOp, ...]]] = {}
    for chapter in outcome.result.chapters:
        for change in chapter.changes:
            if change.gap_id and change.fields:
                named = found.setdefault(change.gap_id, {})
                for field in change.fields:
                    named.setdefault(field.name, field.ops)
    return found


def revisions_of(outcome: DiffOutcome, author: str) -> Revisions:
    builder = _Builder(outcome)
    chapters: dict[str, ChapterRevisions] = {}
    removed = []
    for chapter in outcome.result.chapters:
        if chapter.status is ChapterChangeKind.REMOVED:
            if chapter.id in builder.old:
                removed.append(builder.removed_chapter(chapter.id))
        elif chapter.status is ChapterChangeKind.ADDED or chapter.id not in builder.old:
            chapters[chapter.id] = ChapterRevisions(inserted=True)
        elif chapter.status is not ChapterChangeKind.UNCHANGED and chapter.id in builder.new:
            chapters[chapter.id] = builder.chapter(chapter.id, chapter.changes)
        elif chapter.id in builder.new:
            chapters[chapter.id] = ChapterRevisions(labels=builder.labels(chapter.id))
    return Revisions(
        author,
        outcome.new.snapshot.info.date,
        chapters,
        tuple(removed),
        register_revisions(outcome, builder),
        had_register=bool(_gaps(outcome.old_structures, builder)),
        old_lists=builder.old_lists(),
    )


def redline_docx(
    store: GitStore,
    old_rev: str,
    new_rev: str | None,
    output: Path | None = None,
    *,
    chapter: str | None = None,
    extras: BuildExtras | None = None,
) -> tuple[DocxResult, bool]:
    """Write NEW's DOCX with OLD -> NEW as tracked changes; (result, whether anything changed)."""
    from gap_analysis.docx.writer import write_docx
    from gap_analysis.services.build.word import flow_document, image_reader, image_warnings

    outcome = diff(store, old_rev, new_rev, chapter)
    new = outcome.new
    extras = extras or _extras_of(store, new.snapshot.info.version)
    # the annexes (change summary, comments) are about NEW, not revisions of it: left out
    extras = replace(
        extras, annexes=(), labels={**extras.labels, "Revision marks against": old_rev}
    )
    author = _version_editor(store, outcome) or "gap-analysis"
    revisions = revisions_of(outcome, author)
    flow, warnings = flow_document(new.snapshot.files, new.settings, new.snapshot.info, extras)
    if chapter is not None:
        flow = replace(flow, chapters=tuple(c for c in flow.chapters if c.id == chapter))
    if output is None:
        plain = default_output(store.root, new.settings, new.snapshot.info)
        output = plain.with_name(
            f"{plain.stem}-redline-{_UNSAFE.sub('-', old_rev).strip('-')}.docx"
        )
        check_target(output, create_folder=True)
    else:
        check_target(output)
    newer, older = image_reader(new.snapshot.files), image_reader(outcome.old.snapshot.files)
    data, missing = write_docx(flow, lambda path: newer(path) or older(path), revisions)
    warnings += image_warnings(flow, missing)
    write_atomic(output, data)
    result = DocxResult(output, new.snapshot.info, tuple(warnings))
    return result, outcome.result.has_changes


def _extras_of(store: GitStore, version: str | None) -> BuildExtras:
    """A version keeps its standing on the cover, as in its own DOCX."""
    if not version:
        return BuildExtras()
    from gap_analysis.services.review.standing import extras_for  # review records on demand

    return extras_for(store, version) or BuildExtras()


def _version_editor(store: GitStore, outcome: DiffOutcome) -> str:
    """The editor who cut NEW (when it is a version and they are in report.toml), else the first editor."""
    settings = outcome.new.settings
    version = outcome.new.snapshot.info.version
    if version:
        from gap_analysis.services.review.ledger import find_version  # review records on demand

        found = find_version(store, version)
        person = settings.person(found.cut_by) if found is not None and found.cut_by else None
        if person is not None:
            return person.name
    return settings.editors[0].name if settings.editors else ""
