"""`check` names markup that would print raw in a build or a redline: footnotes that do not
pair up and attribute blocks the renderer does not understand."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import CHAPTERS, CliInvoke, make_report
from tests.test_check import codes, line_of

TEXT = (
    CHAPTERS["01-intro.md"]
    + "\n## Notes {.unnumbered}\n\nA claim.[^source] Another.[^nope]\n"
    + "A second line.[^also-nope]\n\n[^source]: Where it comes from.\n[^spare]: Never used.\n"
    + "\n## Kept {#kept-anchor}\n\nFine.\n"
)


def test_footnotes_and_attribute_blocks(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "report", {**CHAPTERS, "01-intro.md": TEXT})
    result = cli(repo.path, "check")
    assert result.exit_code == 1
    path = "chapters/01-intro.md"
    assert codes(result.stdout) == [
        (path, line_of(TEXT, "{.unnumbered}"), "attribute-block"),
        (path, line_of(TEXT, "[^nope]"), "undefined-footnote"),
        (path, line_of(TEXT, "[^also-nope]"), "undefined-footnote"),
        (path, line_of(TEXT, "[^spare]:"), "unused-footnote"),
    ]
    assert "'{.unnumbered}' is not understood" in result.stdout
    assert "[^nope] is not defined" in result.stdout
    severities = {
        f["code"]: f["severity"] for f in json.loads(cli(repo.path, "check", "--json").stdout)
    }
    assert severities == {
        "attribute-block": "error",
        "undefined-footnote": "error",
        "unused-footnote": "warning",
    }
