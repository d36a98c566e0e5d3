"""`check` on cross-references: `@name` that names nothing, and a label defined twice.

The numbering is the one every output uses (`model.numbering.number_report`
over the structures `check` has already parsed), so what `check` accepts is
what the PDF links.
"""

from __future__ import annotations

from collections.abc import Iterable

from gap_analysis.model.finding import Finding
from gap_analysis.model.numbering import is_label, number_report
from gap_analysis.model.structure import ChapterStructure
from gap_analysis.model.wording import did_you_mean


def reference_findings(structures: Iterable[ChapterStructure]) -> list[Finding]:
    """`unknown-ref` for each reference to no label, heading or gap; `duplicate-label`."""
    structures = list(structures)
    numbering = number_report(structures)
    findings = []
    for structure in structures:
        for ref in structure.refs:
            if numbering.resolve(ref.name) is not None:
                continue
            what = "figure, table or heading" if is_label(ref.name) else "gap entry"
            names = [n for n in numbering.labels if n[:4] == ref.name[:4]]
            findings.append(
                Finding(
                    structure.path,
                    ref.line,
                    "unknown-ref",
                    f"@{ref.name} refers to no {what} of the report"
                    f"{did_you_mean(ref.name, names, prefix='@')}",
                )
            )
    for duplicate in numbering.duplicates:
        findings.append(
            Finding(
                duplicate.path,
                duplicate.line,
                "duplicate-label",
                f"label '{duplicate.name}' is also defined at "
                f"{duplicate.first_path}:{duplicate.first_line}; a reference could not "
                "tell them apart",
            )
        )
    return findings
