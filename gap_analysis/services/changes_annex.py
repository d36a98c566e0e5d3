"""The annex "Changes since <previous version>" that ends every version's PDF (after the first)."""

from __future__ import annotations

from dataclasses import replace

from gap_analysis.gitstore import GitStore
from gap_analysis.model.build import BuildExtras, ExtraAnnex
from gap_analysis.render.summary_html import summary_html
from gap_analysis.services.ledger import Ledger
from gap_analysis.services.summary import summary

ANNEX_ID = "changes-since-previous"


def changes_annex(store: GitStore, ledger: Ledger, name: str) -> ExtraAnnex | None:
    """The change summary from the version's predecessor to it; None for a first version."""
    version = ledger.version(name)
    if version is None or not version.previous or ledger.version(version.previous) is None:
        return None
    made = summary(store, version.previous, name, events=ledger.events)
    return ExtraAnnex(f"Changes since {version.previous}", summary_html(made), ANNEX_ID)


def with_changes_annex(store: GitStore, ledger: Ledger, name: str, extras: BuildExtras) -> BuildExtras:
    annex = changes_annex(store, ledger, name)
    return replace(extras, annexes=(*extras.annexes, annex)) if annex else extras
