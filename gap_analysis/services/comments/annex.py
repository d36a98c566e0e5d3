"""The annex "Comments and their disposition" of a version's PDF, from the records as they stand now."""

from __future__ import annotations

from dataclasses import replace

from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras, ExtraAnnex
from gap_analysis.records import comments as comment_store
from gap_analysis.render.comments_html import annex_html

ANNEX_TITLE = "Comments and their disposition"
ANNEX_ID = "comments-disposition"


def comments_annex(store: GitStore, version: str) -> ExtraAnnex:
    return ExtraAnnex(
        ANNEX_TITLE, annex_html(version, comment_store.read_all(store, version)), ANNEX_ID
    )


def with_comments_annex(store: GitStore, version: str, extras: BuildExtras) -> BuildExtras:
    """`extras` plus the version's comment annex (the records as they stand now)."""
    return replace(extras, annexes=(*extras.annexes, comments_annex(store, version)))
