"""The annex "Changes since <previous version>" that ends every version's PDF (after the first).

Making it diffs two versions, so it is kept in the build cache under a key of
both commits, the review events and the tool version: rebuilding a version
whose annex is known costs no diff at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from gap_analysis import __version__
from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras, ExtraAnnex
from gap_analysis.services.build.cache import CACHE_FOLDER, BuildCache
from gap_analysis.services.review.ledger import Ledger

ANNEX_ID = "changes-since-previous"


def changes_annex(store: GitStore, ledger: Ledger, name: str) -> ExtraAnnex | None:
    """The change summary from the version's predecessor to it; None for a first version."""
    version = ledger.version(name)
    previous = (
        ledger.version(version.previous) if version is not None and version.previous else None
    )
    if version is None or previous is None:
        return None
    title = f"Changes since {previous.name}"
    key = hashlib.sha256(
        repr((__version__, previous.commit, version.commit, ledger.events)).encode()
    ).hexdigest()
    cache = BuildCache(store.root / CACHE_FOLDER)
    known = cache.get_part(f"{key}.html")
    if known is not None:
        return ExtraAnnex(title, known.decode("utf-8"), ANNEX_ID)
    # The diff engine and Markdown only when the annex is not known yet.
    from gap_analysis.render.summary_html import summary_html
    from gap_analysis.services.summary import summary

    html = summary_html(summary(store, previous.name, name, events=ledger.events))
    cache.put_part(f"{key}.html", html.encode("utf-8"))
    return ExtraAnnex(title, html, ANNEX_ID)


def with_changes_annex(
    store: GitStore, ledger: Ledger, name: str, extras: BuildExtras
) -> BuildExtras:
    annex = changes_annex(store, ledger, name)
    return replace(extras, annexes=(*extras.annexes, annex)) if annex else extras
