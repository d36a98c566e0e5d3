"""Slips on the review path: `--from`, a second decision in a row, `review undo`, who recorded it,
and each action's own help."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.helpers import CliInvoke, ReportRepo, copy_report, git_identity, invoke, make_report

MANY_ROLES = """\
[report]
title = "Test report on standards"
group = "Test Correspondence Group"

[[people]]
name = "Chair Of All"
email = "editor@example.org"
roles = ["editor", "cg-cop", "sg17", "cwg-cop"]

[[people]]
name = "SG17 Secretariat"
email = "sg17@example.org"
roles = ["sg17"]

[[people]]
name = "Bystander"
email = "nobody@example.org"
roles = ["editor"]
"""


@pytest.fixture(scope="module")
def _repo_once(tmp_path_factory: pytest.TempPathFactory) -> ReportRepo:
    """v0.1 cut and submitted by a person who holds every role."""
    with git_identity():
        made = make_report(tmp_path_factory.mktemp("slips") / "report", toml=MANY_ROLES)
        assert invoke(made.path, "version", "cut", "--no-build").exit_code == 0
        assert invoke(made.path, "review", "submit", "v0.1").exit_code == 0
    return made


@pytest.fixture
def repo(_repo_once: ReportRepo, tmp_path: Path) -> ReportRepo:
    """A copy of `_repo_once` for one test."""
    return copy_report(_repo_once, tmp_path / "report")


def _state(cli: CliInvoke, repo: ReportRepo) -> str:
    result = cli(repo.path, "version", "list", "--json")
    assert result.exit_code == 0, result.output
    [version] = json.loads(result.stdout)
    return str(version["state"])


def _events(repo: ReportRepo) -> list[Path]:
    return sorted((repo.path / "review" / "events").glob("*.toml"))


def _untouched(repo: ReportRepo, head: str, count: int) -> bool:
    return (
        repo.head() == head
        and len(_events(repo)) == count
        and repo.git("status", "--porcelain", "--untracked-files=all").strip() == ""
    )


def test_a_repeated_agree_by_one_person_needs_from(repo: ReportRepo, cli: CliInvoke) -> None:
    head, count = repo.head(), len(_events(repo))
    repeated = cli(repo.path, "review", "agree", "v0.1")
    assert repeated.exit_code == 1
    assert "second decision in a row" in repeated.stderr
    assert "--from cg-cop" in repeated.stderr
    assert _untouched(repo, head, count) and _state(cli, repo) == "cg-cop"

    assert cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop").exit_code == 0
    assert _state(cli, repo) == "sg17"
    # the slip itself: the same command again, --from included, is refused: it is elsewhere now
    head, count = repo.head(), len(_events(repo))
    again = cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop")
    assert again.exit_code == 1
    assert "v0.1 is in 'sg17', not in 'cg-cop'" in again.stderr
    assert _untouched(repo, head, count) and _state(cli, repo) == "sg17"


def test_a_decision_recorded_for_someone_else_needs_no_from_and_names_the_recorder(
    repo: ReportRepo, cli: CliInvoke
) -> None:
    result = cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop")
    assert result.exit_code == 0
    agreed = cli(repo.path, "review", "agree", "v0.1", "--by", "sg17@example.org")
    assert agreed.exit_code == 0, agreed.output
    assert "recorded by Test Editor <editor@example.org>" in agreed.stdout
    [last] = [p for p in _events(repo) if tomllib.loads(p.read_text())["from"] == "sg17"]
    record = tomllib.loads(last.read_text())
    assert record["actor"] == "SG17 Secretariat <sg17@example.org>"
    assert record["recorded_by"] == "Test Editor <editor@example.org>"
    own = [tomllib.loads(p.read_text()) for p in _events(repo)]
    assert [r.get("recorded_by") for r in own if r["from"] != "sg17"] == [None, None]
    history = cli(repo.path, "review", "history", "v0.1")
    assert (
        "SG17 Secretariat <sg17@example.org> (recorded by Test Editor <editor@example.org>)"
        in history.stdout
    )
    data = json.loads(cli(repo.path, "review", "history", "--json").stdout)
    assert [e["recorded_by"] for e in data] == [None, None, "Test Editor <editor@example.org>"]


def test_from_names_a_stage_of_the_workflow(repo: ReportRepo, cli: CliInvoke) -> None:
    head, count = repo.head(), len(_events(repo))
    wrong = cli(repo.path, "review", "agree", "v0.1", "--from", "sg17")
    assert wrong.exit_code == 1 and "v0.1 is in 'cg-cop', not in 'sg17'" in wrong.stderr
    unknown = cli(repo.path, "review", "agree", "v0.1", "--from", "sg-17")
    assert unknown.exit_code == 1 and "did you mean 'sg17'?" in unknown.stderr
    assert _untouched(repo, head, count)


def test_to_gets_a_did_you_mean(repo: ReportRepo, cli: CliInvoke) -> None:
    head, count = repo.head(), len(_events(repo))
    result = cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop", "--to", "sg-17")
    assert result.exit_code == 1
    assert "not 'sg-17' (did you mean 'sg17'?)" in result.stderr
    assert _untouched(repo, head, count)


def test_undo_reverts_the_last_action_and_the_history_keeps_both(
    repo: ReportRepo, cli: CliInvoke
) -> None:
    assert cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop").exit_code == 0
    agreed = [p.name for p in _events(repo) if "-agree-" in p.name]
    undone = cli(repo.path, "review", "undo", "v0.1", "--note", "agreed by mistake")
    assert undone.exit_code == 0, undone.output
    assert "v0.1: undo (sg17 -> cg-cop)" in undone.stdout
    assert _state(cli, repo) == "cg-cop"
    [undo_file] = [p for p in _events(repo) if "-undo-" in p.name]
    record = tomllib.loads(undo_file.read_text())
    assert record["undoes"] == agreed[0] and record["note"] == "agreed by mistake"
    assert repo.git("status", "--porcelain").strip() == ""  # committed
    history = cli(repo.path, "review", "history", "v0.1").stdout
    assert "agree" in history and f"undoes {agreed[0]}" in history
    assert "NOT REPLAYED" not in history
    assert "review-event" not in cli(repo.path, "check").output
    # the version may be agreed again (still naming --from: the submit was this person's too)
    assert cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop").exit_code == 0
    assert _state(cli, repo) == "sg17"
    # undoing walks back one action at a time, down to nothing
    for expected in ("cg-cop", "draft"):
        assert cli(repo.path, "review", "undo", "v0.1", "--note", "back").exit_code == 0
        assert _state(cli, repo) == expected
    head, count = repo.head(), len(_events(repo))
    nothing = cli(repo.path, "review", "undo", "v0.1", "--note", "back")
    assert nothing.exit_code == 1 and "nothing to undo on v0.1" in nothing.stderr
    assert _untouched(repo, head, count)


def test_undo_needs_a_note_and_a_person_who_may(repo: ReportRepo, cli: CliInvoke) -> None:
    head, count = repo.head(), len(_events(repo))
    assert cli(repo.path, "review", "undo", "v0.1").exit_code == 2
    blank = cli(repo.path, "review", "undo", "v0.1", "--note", "  ")
    assert blank.exit_code == 1 and "needs a note" in blank.stderr
    stranger = cli(repo.path, "review", "undo", "v0.1", "--note", "no", "--by", "sg17@example.org")
    assert stranger.exit_code == 1
    assert "SG17 Secretariat may not undo 'submit'" in stranger.stderr
    elsewhere = cli(repo.path, "review", "undo", "v0.1", "--note", "x", "--from", "sg17")
    assert elsewhere.exit_code == 1 and "not in 'sg17'" in elsewhere.stderr
    assert _untouched(repo, head, count)
    # a person holding a role that may take the action may undo it (here: 'editor' for submit)
    by_role = cli(
        repo.path, "review", "undo", "v0.1", "--note", "not ready", "--by", "nobody@example.org"
    )
    assert by_role.exit_code == 0, by_role.output
    assert _state(cli, repo) == "draft"


def test_an_undo_that_names_another_event_is_not_replayed(repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop").exit_code == 0
    [submit] = [p.name for p in _events(repo) if "-submit-" in p.name]
    assert cli(repo.path, "review", "undo", "v0.1", "--note", "x", "--no-commit").exit_code == 0
    [undo_file] = [p for p in _events(repo) if "-undo-" in p.name]
    text = undo_file.read_text()
    undo_file.write_text(
        "\n".join(
            f'undoes = "{submit}"' if line.startswith("undoes") else line
            for line in text.splitlines()
        )
        + "\n"
    )
    assert _state(cli, repo) == "sg17"
    check = cli(repo.path, "check")
    assert check.exit_code == 1
    assert f"undoes '{submit}', but the last event in effect on v0.1 is" in check.output


def test_each_action_has_its_own_help(repo: ReportRepo, cli: CliInvoke) -> None:
    submit = cli(repo.path, "review", "submit", "--help")
    assert submit.exit_code == 0
    assert "Take ACTION" not in submit.stdout
    assert "Submit VERSION: Draft -> CG-COP." in submit.stdout
    assert "by editor; gates: check." in submit.stdout
    agree = cli(repo.path, "review", "agree", "--help").stdout
    assert "Agree VERSION: CG-COP -> SG17; SG17 -> CWG-COP; CWG-COP -> Published." in agree
    ret = cli(repo.path, "review", "return", "--help").stdout
    assert "a note is required" in ret
    listing = cli(repo.path, "review", "--help").stdout
    assert "Submit VERSION: Draft -> CG-COP." in listing and "undo" in listing


def test_help_follows_a_workflow_of_the_reports_own(tmp_path: Path, cli: CliInvoke) -> None:
    toml = MANY_ROLES + (
        '\n[workflow]\nstages = [{ id = "draft" }, { id = "board", name = "Board" },'
        ' { id = "done", name = "Done", final = true }, { id = "returned", final = true }]\n'
        '[[workflow.actions]]\nname = "propose"\nfrom = ["draft"]\nto = "board"\n'
        '[[workflow.actions]]\nname = "endorse"\nfrom = ["board"]\nto = "done"\n'
        'roles = ["sg17"]\n'
        '[[workflow.actions]]\nname = "send-back"\nfrom = ["board"]\nto = "returned"\n'
        "note_required = true\n"
    )
    made = make_report(tmp_path / "own", toml=toml)
    assert cli(made.path, "check").exit_code == 0, cli(made.path, "check").output
    endorse = cli(made.path, "review", "endorse", "--help").stdout
    assert "Endorse VERSION: Board -> Done." in endorse and "by sg17" in endorse
    listing = cli(made.path, "review", "--help").stdout
    commands = listing.split("Commands:")[1]
    assert "Propose VERSION: draft -> Board." in commands and "endorse" in commands
    assert "agree" not in commands and "submit" not in commands


def test_a_workflow_may_not_name_an_action_undo(tmp_path: Path, cli: CliInvoke) -> None:
    toml = MANY_ROLES + ('\n[[workflow.actions]]\nname = "undo"\nfrom = ["draft"]\nto = "cg-cop"\n')
    made = make_report(tmp_path / "reserved", toml=toml)
    result = cli(made.path, "check")
    assert result.exit_code == 1
    assert "'undo' is a review command of its own" in result.output
