"""`comment import VERSION reviewed.docx`: a delegate's Word copy, made here with python-docx, read back."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.helpers import (
    REPORT_TOML,
    CliInvoke,
    ReportRepo,
    copy_report,
    git_identity,
    invoke,
    make_report,
)

CHAPTERS = {
    "01-intro.md": """---
id: intro
---
# Introduction

## Background

Some background text that explains the context of the work.

- age assurance signals
- parental controls for families

## Scope

The scope covers filtering.
""",
    "02-method.md": """---
id: method
---
# Method

The method is a desk review.
""",
}


def cut(repo: ReportRepo, name: str) -> None:
    repo.write(
        f"review/versions/{name}.toml",
        f'name = "{name}"\ndate = 2025-04-02T09:00:00Z\nmeeting = "CG-COP e-meeting"\n',
    )
    repo.commit(f"version {name}")


@pytest.fixture(scope="module")
def _versioned_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportRepo, Path]:
    base = tmp_path_factory.mktemp("docx-import")
    with git_identity():
        repo = make_report(base / "r", chapters=CHAPTERS)
        cut(repo, "v0.1")
        out = base / "v0.1.docx"
        result = invoke(repo.path, "build", "v0.1", "--format", "docx", "-o", str(out))
        assert result.exit_code == 0, result.output
    return repo, out


@pytest.fixture
def versioned(_versioned_once: tuple[ReportRepo, Path], tmp_path: Path) -> tuple[ReportRepo, Path]:
    """A copy of `_versioned_once`'s repository and Word file for one test."""
    repo, built = _versioned_once
    out = tmp_path / built.name
    shutil.copyfile(built, out)
    return copy_report(repo, tmp_path / "r"), out


def paragraph(document: docx.document.Document, text: str) -> docx.text.paragraph.Paragraph:
    return next(p for p in document.paragraphs if p.text.endswith(text))


def tracked(kind: str, text: str, author: str, number: int) -> OxmlElement:
    """A `w:ins` or `w:del` holding one run (python-docx has no revision API)."""
    change = OxmlElement(f"w:{kind}")
    change.set(qn("w:id"), str(number))
    change.set(qn("w:author"), author)
    change.set(qn("w:date"), "2025-04-10T10:00:00Z")
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if kind == "del" else "w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(t)
    change.append(run)
    return change


def reviewed_copy(source: Path, target: Path) -> Path:
    """A comment on a list item with a reply, a tracked deletion and a tracked insertion."""
    document = docx.Document(str(source))
    item = paragraph(document, "parental controls for families")
    document.add_comment(
        item.runs, text="te: Name the standard meant here.", author="DE", initials="DE"
    )
    document.add_comment(item.runs, text="Agreed, IEEE 2089.1.", author="FR", initials="FR")
    background = paragraph(document, "Some background text that explains the context of the work.")
    first = background.runs[0]._r
    first.find(qn("w:t")).text = "Some background text "
    first.addnext(tracked("del", "that explains the context ", "DE", 901))
    first.getnext().addnext(tracked("ins", "explaining the setting ", "DE", 902))
    tail = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "of the work."
    tail.append(t)
    first.getnext().getnext().addnext(tail)
    scope = paragraph(document, "The scope covers filtering.")
    scope._p.append(tracked("ins", " and labelling", "FR", 903))
    document.save(str(target))
    return target


def comments_json(cli: CliInvoke, repo: ReportRepo) -> list[dict[str, object]]:
    result = cli(repo.path, "comment", "list", "v0.1", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_reviewed_copy_is_imported_at_the_right_clauses(
    versioned: tuple[ReportRepo, Path], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, built = versioned
    copy = reviewed_copy(built, tmp_path / "reviewed.docx")
    head = repo.head()
    dry = cli(repo.path, "comment", "import", "v0.1", str(copy), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would import 3 comments" in dry.output
    assert repo.head() == head and comments_json(cli, repo) == []

    result = cli(repo.path, "comment", "import", "v0.1", str(copy))
    assert result.exit_code == 0, result.output
    assert "imported 3 comments on v0.1" in result.output
    listed = comments_json(cli, repo)
    by_member: dict[str, list[dict[str, object]]] = {}
    for entry in listed:
        by_member.setdefault(str(entry["member"]), []).append(entry)
    on_item = next(e for e in by_member["DE"] if not e["proposal"])
    assert on_item["type"] == "te"
    assert on_item["clause"] == "1.1" and on_item["section_title"] == "Background"
    assert "Name the standard meant here." in str(on_item["comment"])
    assert "Reply by FR: Agreed, IEEE 2089.1." in str(on_item["comment"])
    assert "parental controls for families" in str(on_item["paragraph"])
    change = next(e for e in by_member["DE"] if e["proposal"])
    assert change["type"] == "ed" and change["clause"] == "1.1"
    assert change["proposal"] == "replace 'that explains the context' with 'explaining the setting'"
    inserted = by_member["FR"][0]
    assert inserted["clause"] == "1.2" and inserted["type"] == "ed"
    assert str(inserted["proposal"]).startswith("insert 'and labelling' after")

    again = cli(repo.path, "comment", "import", "v0.1", str(copy))
    assert again.exit_code == 0, again.output
    assert "3 already recorded" in again.output
    assert "imported 0 comments on v0.1" in again.output
    assert len(comments_json(cli, repo)) == 3


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refused(cli: CliInvoke, repo: ReportRepo, path: Path, data: bytes, expected: str) -> None:
    path.write_bytes(data)
    head = repo.head()
    result = cli(repo.path, "comment", "import", "v0.1", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.output.strip().split("\n") if line]
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0], result.output
    assert repo.head() == head
    assert not (repo.path / "review" / "comments").exists()


def test_bad_word_files_are_refused(
    versioned: tuple[ReportRepo, Path], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, built = versioned
    with zipfile.ZipFile(built) as package:
        good = {name: package.read(name) for name in package.namelist()}
    _refused(cli, repo, tmp_path / "plain.docx", b"PK\x03\x04 not really", "not a Word document")
    _refused(cli, repo, tmp_path / "text.docx", b"hello", "not a Word document")
    _refused(
        cli,
        repo,
        tmp_path / "slip.docx",
        _zip({**good, "../evil.xml": b"<a/>"}),
        "leaves the folder",
    )
    many = {**good, **{f"x/{n}.bin": b"" for n in range(1001)}}
    _refused(cli, repo, tmp_path / "many.docx", _zip(many), "zip members")
    bomb = {**good, "word/media/zeros.bin": b"\0" * (51 * 1024 * 1024)}
    _refused(cli, repo, tmp_path / "bomb.docx", _zip(bomb), "zip bomb")
    doctype = dict(good)
    doctype["word/document.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + good["word/document.xml"].split(b"?>", 1)[1]
    )
    _refused(cli, repo, tmp_path / "entity.docx", _zip(doctype), "DOCTYPE")


def test_comment_on_text_not_in_the_version_is_refused(
    versioned: tuple[ReportRepo, Path], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, built = versioned
    document = docx.Document(str(built))
    added = document.add_paragraph("A sentence the delegate wrote in by hand.")
    document.add_comment(added.runs, text="Why?", author="DE")
    target = tmp_path / "stray.docx"
    document.save(str(target))
    _refused(cli, repo, tmp_path / "stray-copy.docx", target.read_bytes(), "is not in v0.1")


def test_comment_form_as_a_word_table(
    versioned: tuple[ReportRepo, Path], cli: CliInvoke, tmp_path: Path
) -> None:
    repo, _built = versioned
    document = docx.Document()
    rows = [
        ["MB/NC", "Clause/Subclause", "Type of comment", "Comments", "Proposed change"],
        ["DE", "1.2", "te", "Say which filters.", "Add a list."],
        ["FR", "general", "ed", "Typos throughout.", ""],
    ]
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    path = tmp_path / "form.docx"
    document.save(str(path))
    result = cli(repo.path, "comment", "import", "v0.1", str(path))
    assert result.exit_code == 0, result.output
    listed = comments_json(cli, repo)
    assert {(e["member"], e["clause"], e["type"]) for e in listed} == {
        ("DE", "1.2", "te"),
        ("FR", "general", "ed"),
    }


def test_a_reply_marked_as_word_marks_it(
    versioned: tuple[ReportRepo, Path], cli: CliInvoke, tmp_path: Path
) -> None:
    """Word links a reply to its comment in commentsExtended.xml (w15:paraIdParent)."""
    repo, built = versioned
    document = docx.Document(str(built))
    first = paragraph(document, "The scope covers filtering.")
    second = paragraph(document, "The method is a desk review.")
    asked = document.add_comment(first.runs, text="ge: Why only filtering?", author="DE")
    answer = document.add_comment(second.runs, text="Because of the mandate.", author="UK")
    w14 = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
    asked._comment_elm.findall(qn("w:p"))[-1].set(w14, "0000AAAA")
    answer._comment_elm.findall(qn("w:p"))[-1].set(w14, "0000BBBB")
    plain = tmp_path / "plain.docx"
    document.save(str(plain))
    extended = (
        '<w15:commentsEx xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
        '<w15:commentEx w15:paraId="0000AAAA" w15:done="0"/>'
        '<w15:commentEx w15:paraId="0000BBBB" w15:paraIdParent="0000AAAA" w15:done="0"/>'
        "</w15:commentsEx>"
    )
    with zipfile.ZipFile(plain) as package:
        members = {name: package.read(name) for name in package.namelist()}
    members["word/commentsExtended.xml"] = extended.encode()
    copy = tmp_path / "threaded.docx"
    copy.write_bytes(_zip(members))
    result = cli(repo.path, "comment", "import", "v0.1", str(copy))
    assert result.exit_code == 0, result.output
    listed = comments_json(cli, repo)
    assert len(listed) == 1
    assert listed[0]["clause"] == "1.2" and listed[0]["type"] == "ge"
    assert "Reply by UK: Because of the mandate." in str(listed[0]["comment"])


def test_a_copy_of_the_revision_marks_is_read_as_the_newer_version(
    versioned: tuple[ReportRepo, Path], cli: CliInvoke, tmp_path: Path
) -> None:
    """The tool's own revisions (in the editor's name) are the version's text, not the delegate's."""
    repo, _built = versioned
    text = CHAPTERS["01-intro.md"].replace("covers filtering.", "covers filtering and labelling.")
    repo.write("chapters/01-intro.md", text)
    repo.commit("edit")
    cut(repo, "v0.2")
    document = revision_marks(cli, repo, tmp_path)
    scope = next(p for p in document.paragraphs if p.text.startswith("The scope covers"))
    assert scope._p.findall(qn("w:ins")), "the editor's revision is in the copy"
    document.add_comment(scope.runs, text="ed: Say which labels.", author="DE")
    import_reviewed(cli, repo, tmp_path, document)
    listed = comments_json_of(cli, repo, "v0.2")
    assert [(e["member"], e["clause"], e["type"], e["proposal"]) for e in listed] == [
        ("DE", "1.2", "ed", "")
    ]
    assert "The scope covers" in str(listed[0]["paragraph"])


def revision_marks(cli: CliInvoke, repo: ReportRepo, tmp_path: Path) -> WordDocument:
    """The revision-marks DOCX of v0.1 -> v0.2, opened with python-docx for a delegate to mark."""
    marks = tmp_path / "marks.docx"
    result = cli(repo.path, "diff", "v0.1", "v0.2", "--format", "docx", "-o", str(marks))
    assert result.exit_code == 0, result.output
    return docx.Document(str(marks))


def import_reviewed(
    cli: CliInvoke, repo: ReportRepo, tmp_path: Path, document: WordDocument
) -> None:
    """The delegate's copy saved and imported as comments on v0.2."""
    copy = tmp_path / "marks-reviewed.docx"
    document.save(str(copy))
    done = cli(repo.path, "comment", "import", "v0.2", str(copy))
    assert done.exit_code == 0, done.output


def comments_json_of(cli: CliInvoke, repo: ReportRepo, version: str) -> list[dict[str, object]]:
    result = cli(repo.path, "comment", "list", version, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_french_revision_marks_copy_gives_annex_clauses(tmp_path: Path, cli: CliInvoke) -> None:
    """The revision-marks DOCX writes an annex's number as text in the report's language
    ("Annexe A"); a comment under it is placed at clause A."""
    toml = REPORT_TOML.replace('group = "Test', 'language = "fr"\ngroup = "Test')
    annex = "---\nid: extra\n---\n# Extra\n\nAn annex paragraph.\n"
    repo = make_report(tmp_path / "r", chapters={**CHAPTERS, "A1-extra.md": annex}, toml=toml)
    cut(repo, "v0.1")
    repo.write("chapters/A1-extra.md", annex.replace("An annex", "A revised annex"))
    repo.commit("edit")
    cut(repo, "v0.2")
    document = revision_marks(cli, repo, tmp_path)
    assert any(p.text.startswith("Annexe A\t") for p in document.paragraphs)
    para = next(p for p in document.paragraphs if p.text.endswith("annex paragraph."))
    document.add_comment(para.runs, text="ed: Fine.", author="DE")
    import_reviewed(cli, repo, tmp_path, document)
    assert [e["clause"] for e in comments_json_of(cli, repo, "v0.2")] == ["A"]
