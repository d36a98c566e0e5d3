"""`review ACTION VERSION`, `review history`, replay, gates, merges and the standing on covers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gap_analysis.errors import RefusedError
from gap_analysis.gitstore import GitStore
from gap_analysis.services.review.actions import ActionRequest, review_findings, take_action
from gap_analysis.services.review.ledger import load_ledger
from gap_analysis.services.review.standing import (
    history_rows,
    is_published,
    state_text,
    version_extras,
)
from tests.helpers import (
    REPORT_TOML,
    CliInvoke,
    ReportRepo,
    copy_report,
    git_identity,
    invoke,
    make_report,
)

PEOPLE = """\
[report]
title = "Test report on standards"
group = "Test Correspondence Group"

[[people]]
name = "CG Editor"
email = "editor@example.org"
roles = ["editor", "cg-cop"]

[[people]]
name = "SG17 Secretariat"
email = "sg17@example.org"
roles = ["sg17"]

[[people]]
name = "CWG Secretariat"
email = "cwg@example.org"
roles = ["cwg-cop"]
"""

SG17 = ("--by", "sg17@example.org")
SG17_MEETING = "Geneva, 8-17 April 2025"


@pytest.fixture(scope="module")
def _repo_once(tmp_path_factory: pytest.TempPathFactory) -> ReportRepo:
    """A report with three people and v0.1 cut."""
    with git_identity():
        made = make_report(tmp_path_factory.mktemp("review") / "report", toml=PEOPLE)
        result = invoke(made.path, "version", "cut", "--meeting", "CG-COP e-meeting", "--no-build")
        assert result.exit_code == 0, result.output
    return made


@pytest.fixture
def repo(_repo_once: ReportRepo, tmp_path: Path) -> ReportRepo:
    """A copy of `_repo_once` for one test."""
    return copy_report(_repo_once, tmp_path / "report")


def events(repo: ReportRepo) -> list[Path]:
    folder = repo.path / "review" / "events"
    return sorted(folder.glob("*.toml")) if folder.exists() else []


def state(repo: ReportRepo, name: str) -> str:
    store = GitStore(repo.path)
    try:
        return load_ledger(store).state(name)
    finally:
        store.close()


def unchanged(repo: ReportRepo, head: str, count: int) -> bool:
    return (
        repo.head() == head
        and len(events(repo)) == count
        and repo.git("status", "--porcelain", "--untracked-files=all").strip() == ""
    )


def test_a_version_goes_along_the_path_and_each_event_is_one_commit(
    repo: ReportRepo, cli: CliInvoke
) -> None:
    submit = cli(repo.path, "review", "submit", "v0.1", "--meeting", "CG-COP e-meeting")
    assert submit.exit_code == 0, submit.output
    assert state(repo, "v0.1") == "cg-cop"
    [event_file] = events(repo)
    assert event_file.name.endswith(".toml") and "-v0.1-submit-" in event_file.name
    record = tomllib.loads(event_file.read_text())
    assert (record["version"], record["action"], record["from"], record["to"]) == (
        "v0.1",
        "submit",
        "draft",
        "cg-cop",
    )
    assert record["actor"] == "CG Editor <editor@example.org>"  # git's user.email by default
    assert record["meeting"] == "CG-COP e-meeting"
    assert repo.git("show", "--name-only", "--format=", "HEAD").split() == [
        f"review/events/{event_file.name}"
    ]

    # the same person, now for CG-COP: a second decision in a row names the stage it leaves
    assert (
        cli(repo.path, "review", "agree", "v0.1", "--by", "CG Editor", "--from", "cg-cop").exit_code
        == 0
    )
    assert state(repo, "v0.1") == "sg17"
    ret = cli(
        repo.path,
        "review",
        "return",
        "v0.1",
        *SG17,
        "--meeting",
        SG17_MEETING,
        "--document",
        "SG17 working draft",
        "--note",
        "Align chapter 2 with the age-assurance work",
    )
    assert ret.exit_code == 0, ret.output
    assert state(repo, "v0.1") == "returned"
    assert len(events(repo)) == 3

    # a returned version is closed
    closed = cli(repo.path, "review", "agree", "v0.1", *SG17)
    assert closed.exit_code == 1 and "cut a revised version" in closed.stderr

    # its successor goes back to the stage that returned it
    repo.write("chapters/01-intro.md", "---\nid: intro\n---\n# Introduction\n\nRevised.\n")
    repo.commit("Address SG17 comments")
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    resubmit = cli(repo.path, "review", "submit", "v0.2")
    assert resubmit.exit_code == 0, resubmit.output
    assert "draft -> sg17" in resubmit.stdout
    assert state(repo, "v0.2") == "sg17"

    history = json.loads(cli(repo.path, "review", "history", "--json").stdout)
    assert [(h["version"], h["action"], h["to"]) for h in history] == [
        ("v0.1", "submit", "cg-cop"),
        ("v0.1", "agree", "sg17"),
        ("v0.1", "return", "returned"),
        ("v0.2", "submit", "sg17"),
    ]
    assert history[2]["note"] == "Align chapter 2 with the age-assurance work"
    assert all(h["problem"] is None for h in history)
    only = json.loads(cli(repo.path, "review", "history", "v0.2", "--json").stdout)
    assert [h["version"] for h in only] == ["v0.2"]
    text = cli(repo.path, "review", "history")
    assert "note: Align chapter 2" in text.stdout
    listed = json.loads(cli(repo.path, "version", "list", "--json").stdout)
    assert [(r["name"], r["state"]) for r in listed] == [("v0.1", "returned"), ("v0.2", "sg17")]
    assert cli(repo.path, "check").exit_code == 0


def test_submit_of_a_revision_may_go_to_an_earlier_stage_within_the_rules(
    repo: ReportRepo, cli: CliInvoke
) -> None:
    for args in (
        ("submit", "v0.1"),
        ("agree", "v0.1", "--from", "cg-cop"),
        ("return", "v0.1", *SG17, "--note", "Redo"),
    ):
        assert cli(repo.path, "review", *args).exit_code == 0
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    head, count = repo.head(), len(events(repo))
    wrong = cli(repo.path, "review", "submit", "v0.2", "--to", "published")
    assert wrong.exit_code == 1 and "may lead to sg17, cg-cop" in wrong.stderr
    assert unchanged(repo, head, count)
    assert cli(repo.path, "review", "submit", "v0.2", "--to", "cg-cop").exit_code == 0
    assert state(repo, "v0.2") == "cg-cop"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("agree", "v0.1"), "'agree' is not allowed: v0.1 is in 'draft' (allowed now: submit)"),
        (
            ("submit", "v0.1", "--by", "stranger@example.org"),
            "'stranger@example.org' is not listed",
        ),
        (("submit", "v0.1", "--by", "sg17@example.org"), "needs the role 'editor'"),
        (("publish", "v0.1"), "unknown action 'publish'"),
        (("submit", "v9.9"), "no version v9.9"),
        (("submit", "--", "--file=x"), "not a valid version name"),
        (("submit", "../x"), "not a valid version name"),
        (("submit", "v0.1", "--to", "-d"), "not a valid stage name"),
    ],
)
def test_refusals_change_nothing(
    repo: ReportRepo, cli: CliInvoke, args: tuple[str, ...], message: str
) -> None:
    head = repo.head()
    result = cli(repo.path, "review", *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert unchanged(repo, head, 0)


def test_return_needs_a_note_and_the_right_role(repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(repo.path, "review", "submit", "v0.1").exit_code == 0
    assert cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop").exit_code == 0
    head, count = repo.head(), len(events(repo))
    no_note = cli(repo.path, "review", "return", "v0.1", *SG17)
    assert no_note.exit_code == 1 and "needs a note" in no_note.stderr
    blank = cli(repo.path, "review", "return", "v0.1", *SG17, "--note", "  ")
    assert blank.exit_code == 1
    wrong_body = cli(repo.path, "review", "agree", "v0.1", "--by", "cwg@example.org")
    assert wrong_body.exit_code == 1 and "needs the role 'sg17'" in wrong_body.stderr
    assert unchanged(repo, head, count)


def test_no_commit_writes_the_event_only(repo: ReportRepo, cli: CliInvoke) -> None:
    head = repo.head()
    result = cli(repo.path, "review", "submit", "v0.1", "--no-commit")
    assert result.exit_code == 0
    assert repo.head() == head
    [event_file] = events(repo)
    assert (
        repo.git("status", "--porcelain", "--untracked-files=all").strip().endswith(event_file.name)
    )
    assert state(repo, "v0.1") == "cg-cop"  # the working tree's record counts


def test_the_check_gate_runs_at_the_versions_commit(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(
        tmp_path / "r", {"01-a.md": "# A\n\n```gap\nid: G-AA-01\narea: x\n```\n"}, PEOPLE
    )
    # a version recorded by hand on a commit that does not pass check
    repo.write("review/versions/v0.1.toml", 'name = "v0.1"\ndate = 2025-04-01T10:00:00Z\n')
    repo.commit("record v0.1 by hand")
    repo.write("chapters/01-a.md", "# A\n\nFixed now, but not in v0.1.\n")
    repo.commit("fix")
    head = repo.head()
    refused = cli(repo.path, "review", "submit", "v0.1")
    assert refused.exit_code == 1
    assert "gate failed: check" in refused.stderr and "chapters/01-a.md" in refused.stderr
    assert unchanged(repo, head, 0)
    no_note = cli(repo.path, "review", "submit", "v0.1", "--force")
    assert no_note.exit_code == 1 and "--force needs a note" in no_note.stderr
    assert unchanged(repo, head, 0)
    forced = cli(repo.path, "review", "submit", "v0.1", "--force", "--note", "Chair's decision")
    assert forced.exit_code == 0, forced.output
    record = tomllib.loads(events(repo)[0].read_text())
    assert record["forced"] is True
    assert record["forced_gates"] and record["forced_gates"][0].startswith("check:")
    assert json.loads(cli(repo.path, "review", "history", "--json").stdout)[0]["forced"] is True


def test_open_comments_and_clean_tree_gates(tmp_path: Path, cli: CliInvoke) -> None:
    toml = (
        PEOPLE
        + """
[workflow]
[[workflow.actions]]
name = "submit"
from = ["draft"]
to = "cg-cop"
roles = ["editor"]
gates = ["clean-tree", "no-open-comments"]

[[workflow.actions]]
name = "agree"
from = ["cg-cop"]
to = "sg17"
[[workflow.actions]]
name = "agree"
from = ["sg17"]
to = "cwg-cop"
[[workflow.actions]]
name = "agree"
from = ["cwg-cop"]
to = "published"
[[workflow.actions]]
name = "return"
from = ["cg-cop", "sg17", "cwg-cop"]
to = "returned"
note_required = true
"""
    )
    repo = make_report(tmp_path / "r", toml=toml)
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    repo.write("scratch.txt", "not committed\n")
    dirty = cli(repo.path, "review", "submit", "v0.1")
    assert dirty.exit_code == 1 and "clean-tree: uncommitted changes: scratch.txt" in dirty.stderr
    (repo.path / "scratch.txt").unlink()
    store = GitStore(repo.path)
    seen: list[tuple[str, str]] = []

    def two_open(_store: GitStore, version: str, stage: str) -> int:
        seen.append((version, stage))
        return 2

    try:
        with pytest.raises(RefusedError, match="2 open comment"):
            take_action(store, ActionRequest("submit", "v0.1"), open_comments=two_open)
        assert seen == [("v0.1", "draft")]
        done = take_action(store, ActionRequest("submit", "v0.1"), open_comments=lambda *_: 0)
        assert done.event.to_state == "cg-cop"
    finally:
        store.close()


def events_that_cannot_replay(repo: ReportRepo) -> list[str]:
    store = GitStore(repo.path)
    try:
        return [
            f"{f.path}: {f.message}" for f in review_findings(store) if f.code == "review-event"
        ]
    finally:
        store.close()


def test_events_that_cannot_be_replayed_are_reported_by_file(
    repo: ReportRepo, cli: CliInvoke
) -> None:
    assert cli(repo.path, "review", "submit", "v0.1").exit_code == 0
    bad = {
        "20250101T000000000000Z-v0.1-agree-aaaaaa.toml":  # before the submit: v0.1 was still a draft
        'version = "v0.1"\naction = "agree"\nfrom = "cg-cop"\nto = "sg17"\n'
        'actor = "x"\ndate = 2025-01-01T00:00:00Z\n',
        "29990101T000000000000Z-v7-submit-bbbbbb.toml": 'version = "v7"\naction = "submit"\nfrom = "draft"\nto = "cg-cop"\nactor = "x"\n'
        "date = 2999-01-01T00:00:00Z\n",
        "29990101T000000000001Z-v0.1-submit-cccccc.toml": 'version = "v0.1"\naction = "submit"\nfrom = "draft"\nto = "cg-cop"\nactor = "x"\n'
        "date = 2999-01-01T00:00:01Z\n",
    }
    for name, text in bad.items():
        repo.write(f"review/events/{name}", text)
    found = events_that_cannot_replay(repo)
    assert len(found) == 3
    joined = "\n".join(found)
    assert (
        "aaaaaa.toml: cannot be replayed: records 'agree' from 'cg-cop', but v0.1 was in 'draft'"
        in joined
    )
    assert "bbbbbb.toml: cannot be replayed: unknown version 'v7'" in joined
    assert "cccccc.toml: cannot be replayed: duplicate of" in joined
    checked = cli(repo.path, "check")
    assert checked.exit_code == 1
    assert checked.stdout.count("review-event") == 3
    history = cli(repo.path, "review", "history")
    assert history.stdout.count("NOT REPLAYED") == 3
    assert state(repo, "v0.1") == "cg-cop"  # the good event still counts


def test_two_branches_merge_without_conflict_and_replay(repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(repo.path, "review", "submit", "v0.1").exit_code == 0
    repo.git("branch", "other")
    # on main: CG-COP agrees v0.1
    agree = ("agree", "v0.1", "--from", "cg-cop", "--meeting", "CG-COP e-meeting")
    assert cli(repo.path, "review", *agree).exit_code == 0
    # on the other branch: a co-convener edits and cuts v0.2, and records CG-COP's agreement too
    repo.git("checkout", "-q", "other")
    repo.write(
        "chapters/02-method.md", "---\nid: method\n---\n# Method\n\n## Scope\n\nShorter method.\n"
    )
    repo.commit("Shorter method")
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    assert cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop").exit_code == 0
    assert cli(repo.path, "review", "submit", "v0.2").exit_code == 0
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-edit", "other")  # raises on a conflict
    assert repo.git("status", "--porcelain").strip() == ""
    assert state(repo, "v0.1") == "sg17"
    assert state(repo, "v0.2") == "cg-cop"
    listed = json.loads(cli(repo.path, "version", "list", "--json").stdout)
    assert [(r["name"], r["tag"]) for r in listed] == [("v0.1", "ok"), ("v0.2", "ok")]
    # both branches recorded the same agreement: the later one is a duplicate, and check says so
    found = events_that_cannot_replay(repo)
    assert len(found) == 1 and "-v0.1-agree-" in found[0] and "duplicate of" in found[0]
    assert cli(repo.path, "check").exit_code == 1


def test_standing_texts_history_and_watermark(tmp_path: Path, cli: CliInvoke) -> None:
    repo = make_report(tmp_path / "r", toml=REPORT_TOML)  # one person holding every role
    assert (
        cli(
            repo.path,
            "version",
            "cut",
            "--meeting",
            "CG-COP e-meeting",
            "--document",
            "CG-COP draft",
            "--no-build",
        ).exit_code
        == 0
    )
    store = GitStore(repo.path)

    def standing() -> str:
        return state_text(load_ledger(store), "v0.1")

    try:
        assert standing() == "Draft for CG-COP"
        steps = [
            ("submit", "draft", ""),
            ("agree", "cg-cop", "CG-COP e-meeting"),
            ("agree", "sg17", f"SG17, {SG17_MEETING}"),
        ]
        for action, stage, meeting in steps:
            args = ("review", action, "v0.1", "--from", stage, "--meeting", meeting)
            assert cli(repo.path, *args).exit_code == 0
        assert standing() == f"Agreed by SG17, {SG17_MEETING}"  # the body is not named twice
        extras = version_extras(store, "v0.1")
        assert extras.state == "cwg-cop" and extras.watermark is None
        assert extras.document == "CG-COP draft"
        assert (
            cli(
                repo.path,
                "review",
                "agree",
                "v0.1",
                "--from",
                "cwg-cop",
                "--meeting",
                "CWG-COP, Geneva",
            ).exit_code
            == 0
        )
        ledger = load_ledger(store)
        assert is_published(ledger, "v0.1")
        assert version_extras(store, "v0.1", ledger).watermark is False
        assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
        ledger = load_ledger(store)
        assert state_text(ledger, "v0.2") == "Draft for CG-COP"
        rows = history_rows(ledger, "v0.2")
        assert [r.version for r in rows] == ["v0.1", "v0.2"]
        assert rows[0].event.startswith("Agreed by CWG-COP, Geneva; published")
        assert rows[0].note == "Document CG-COP draft"
        assert [r.version for r in history_rows(ledger, "v0.1")] == ["v0.1"]
    finally:
        store.close()


def test_returned_standing_carries_the_note(repo: ReportRepo, cli: CliInvoke) -> None:
    for args in (
        ("submit", "v0.1"),
        ("agree", "v0.1", "--from", "cg-cop"),
        ("return", "v0.1", *SG17, "--note", "Needs a chapter on reporting tools"),
    ):
        assert cli(repo.path, "review", *args).exit_code == 0
    assert cli(repo.path, "version", "cut", "--no-build").exit_code == 0
    store = GitStore(repo.path)
    try:
        ledger = load_ledger(store)
        assert state_text(ledger, "v0.1") == "Returned by SG17: Needs a chapter on reporting tools"
        assert state_text(ledger, "v0.2") == "Draft for SG17"
        row = history_rows(ledger, "v0.1")[0]
        assert row.event == "Returned by SG17" and "Needs a chapter on reporting tools" in row.note
    finally:
        store.close()


def test_status_shows_the_current_version_its_state_and_meeting(
    repo: ReportRepo, cli: CliInvoke
) -> None:
    assert cli(repo.path, "review", "submit", "v0.1").exit_code == 0
    data = json.loads(cli(repo.path, "status", "--json").stdout)
    assert (data["version"], data["state"], data["meeting"]) == (
        "v0.1",
        "cg-cop",
        "CG-COP e-meeting",
    )
    assert data["standing"] == "Submitted to CG-COP"
    text = cli(repo.path, "status").stdout
    assert "version: v0.1, cg-cop (CG-COP e-meeting)" in text


def test_a_new_report_can_be_taken_along_the_whole_path_by_its_first_editor(
    tmp_path: Path, cli: CliInvoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\tname = Ada Editor\n\temail = ada@example.org\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("GIT_CONFIG_GLOBAL")  # git reads $HOME/.gitconfig, as for a user
    folder = tmp_path / "new-report"
    assert cli(None, "init", str(folder), "--title", "New report", "--group", "CG").exit_code == 0
    assert cli(folder, "version", "cut", "--no-build").exit_code == 0
    for action, stage in (
        ("submit", "draft"),
        ("agree", "cg-cop"),
        ("agree", "sg17"),
        ("agree", "cwg-cop"),
    ):
        result = cli(folder, "review", action, "v0.1", "--from", stage)
        assert result.exit_code == 0, result.output
        assert "by Ada Editor <ada@example.org>" in result.stdout
    listed = json.loads(cli(folder, "version", "list", "--json").stdout)
    assert listed[0]["state"] == "published"


def test_open_comments_of_the_stage_hold_back_agreement(repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(repo.path, "review", "submit", "v0.1").exit_code == 0
    added = cli(
        repo.path,
        "comment",
        "add",
        "v0.1",
        "--chapter",
        "intro",
        "--type",
        "te",
        "--by",
        "Member A",
        "--text",
        "Say which standards are in scope.",
    )
    assert added.exit_code == 0, added.output
    head, count = repo.head(), len(events(repo))
    refused = cli(repo.path, "review", "agree", "v0.1", "--from", "cg-cop")
    assert refused.exit_code == 1
    assert "no-open-comments: 1 open comment(s) of cg-cop on v0.1" in refused.stderr
    assert unchanged(repo, head, count)
    forced = cli(
        repo.path,
        "review",
        "agree",
        "v0.1",
        "--from",
        "cg-cop",
        "--force",
        "--note",
        "Comment deferred to v0.2",
    )
    assert forced.exit_code == 0, forced.output
    assert state(repo, "v0.1") == "sg17"


def test_replay_orders_events_by_time_across_time_zones_and_resubmits() -> None:
    from datetime import datetime

    from gap_analysis.model.version import Event, Version
    from gap_analysis.model.workflow import default_workflow
    from gap_analysis.workflow import replay, targets

    workflow = default_workflow()
    v1 = Version("v0.1", datetime.fromisoformat("2025-01-01T00:00:00+00:00"))
    v2 = Version("v0.2", datetime.fromisoformat("2025-02-01T00:00:00+00:00"), previous="v0.1")

    def event(version: str, action: str, source: str, to: str, when: str, name: str) -> Event:
        return Event(
            version,
            action,
            source,
            to,
            "x",
            datetime.fromisoformat(when),
            path=f"review/events/{name}",
        )

    events = [  # listed out of order; the +05:00 submit is the earliest (05:00 UTC)
        event("v0.1", "agree", "cg-cop", "sg17", "2025-01-01T06:00:00+00:00", "b.toml"),
        event("v0.1", "submit", "draft", "cg-cop", "2025-01-01T10:00:00+05:00", "a.toml"),
        event("v0.1", "return", "sg17", "returned", "2025-01-02T00:00:00+00:00", "c.toml"),
        event("v0.2", "submit", "draft", "cg-cop", "2025-02-02T00:00:00+00:00", "d.toml"),
    ]
    result = replay(workflow, [v1, v2], events)
    assert [p.event.path for p in result.problems] == []
    assert (
        result.states["v0.1"].state == "returned" and result.states["v0.1"].returned_from == "sg17"
    )
    assert result.states["v0.2"].state == "cg-cop"  # --to cg-cop is within the rules
    assert targets(workflow, "submit", "draft", "sg17") == ("sg17", "cg-cop")
    assert targets(workflow, "submit", "draft", "cwg-cop") == ("cwg-cop", "cg-cop", "sg17")
    assert targets(workflow, "submit", "draft") == ("cg-cop",)
    assert targets(workflow, "agree", "draft") == ()


def test_the_actor_is_who_git_says_the_user_is(tmp_path: Path) -> None:
    """`init` and `review` ask git itself for the user, so GIT_CONFIG_GLOBAL counts for both."""
    home = tmp_path / "global.gitconfig"
    home.write_text("[user]\n\tname = Ana Editor\n\temail = ana@example.org\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    env["GIT_CONFIG_GLOBAL"] = str(home)

    def ga(*args: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gap_analysis", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert ga("init", "r").returncode == 0
    report = tmp_path / "r"
    assert ga("version", "cut", "--no-build", cwd=report).returncode == 0
    submitted = ga("review", "submit", "v0.1", cwd=report)
    assert submitted.returncode == 0, submitted.stderr
    assert "Ana Editor <ana@example.org>" in submitted.stdout


def test_a_decision_recorded_later_keeps_its_day(
    report_repo: ReportRepo, cli: CliInvoke, tmp_path: Path
) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    today = datetime.now(UTC).date()
    future = cli(
        report_repo.path,
        "review",
        "submit",
        "v0.1",
        "--date",
        (today + timedelta(days=2)).isoformat(),
    )
    assert future.exit_code == 1 and "in the future" in future.stderr
    early = cli(report_repo.path, "review", "submit", "v0.1", "--date", "2001-01-01")
    assert early.exit_code == 1 and "before v0.1 was cut" in early.stderr
    assert not list(report_repo.path.glob("review/events/*.toml")), "a refusal wrote nothing"
    bad = cli(report_repo.path, "review", "submit", "v0.1", "--date", "17 April")
    assert bad.exit_code == 2
    done = cli(report_repo.path, "review", "submit", "v0.1", "--date", today.isoformat())
    assert done.exit_code == 0, done.stderr
    history = json.loads(cli(report_repo.path, "review", "history", "--json").stdout)
    assert history[0]["decided"] == today.isoformat()
    assert f"decided {today.isoformat()}" in cli(report_repo.path, "review", "history").stdout


def test_the_history_shows_the_day_decided(report_repo: ReportRepo, cli: CliInvoke) -> None:
    assert cli(report_repo.path, "version", "cut", "--no-build").exit_code == 0
    record = report_repo.path / "review/versions/v0.1.toml"
    text = record.read_text(encoding="utf-8")
    record.write_text(
        "\n".join(
            "date = 2025-04-01T10:00:00Z" if line.startswith("date = ") else line
            for line in text.splitlines()
        )
        + "\n",
        encoding="utf-8",
    )
    report_repo.commit("test setup: a version cut in April 2025")
    assert cli(report_repo.path, "review", "submit", "v0.1", "--date", "2025-04-10").exit_code == 0
    ledger = load_ledger(GitStore(report_repo.path))
    assert [row.date for row in history_rows(ledger, "v0.1")] == ["2025-04-10"]
