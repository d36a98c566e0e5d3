"""Fixtures: real git repositories in temporary folders and the real CLI (helpers: `tests/helpers.py`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import GIT_ENV, CliInvoke, ReportRepo, git_global_config, invoke, make_report

settings.register_profile("ci", derandomize=True, print_blob=True)
"""Under CI the property tests draw the same examples every run: a red CI then means a change
broke something, not that a new random draw found an old bug. Developers' runs stay random and
keep exploring; a case they find becomes a regression test (tests/test_redline_properties.py)."""
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `slow` start first on every xdist worker, so none runs alone at the end.

    pytest-xdist's `worksteal` hands worker k the next `remaining // (workers - k)` tests
    of the collection; each such block here begins with its share of the slow tests and
    the fast ones fill the rest (what an idle worker steals). Without xdist the order is
    unchanged. A test that uses a module-scoped fixture is not marked: moved away from its
    module, it would make the fixture be built twice.
    """
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    slow = [item for item in items if item.get_closest_marker("slow")]
    if workers < 2 or not slow:
        return
    rest = iter([item for item in items if not item.get_closest_marker("slow")])
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for worker in range(workers):
        size = remaining // (workers - worker)
        first = slow[worker::workers]
        ordered += first + [next(rest) for _ in range(max(size - len(first), 0))]
        remaining -= size
    ordered += list(rest)
    items[:] = ordered


@pytest.fixture(scope="session")
def _git_global_config() -> Path:
    """The tests' own global git configuration (`helpers.git_global_config`)."""
    return git_global_config()


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch, _git_global_config: Path) -> None:
    """Tests never depend on the machine's git configuration or the wall clock."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(_git_global_config))


@pytest.fixture(scope="session", autouse=True)
def _one_layout_process() -> Iterator[None]:
    """Builds lay the PDF out in one process unless a test asks otherwise.

    `build`'s default starts one layout worker per CPU, each importing WeasyPrint anew, where
    the serial layout uses the copy this test process imported once: some hundred builds of
    small reports would each pay a second or so of CPU for it. What the default layout gives is
    tested where it is the subject (tests/test_parallel.py: equal to the serial PDF on three
    reports, and the default's bytes are those of `--jobs 2` and `--jobs 3`). Session-wide,
    so that module-scoped fixtures' builds see it too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GAP_ANALYSIS_JOBS", "1")
        yield


@pytest.fixture
def report_repo(tmp_path: Path) -> ReportRepo:
    """A committed three-chapter report (two chapters, one annex, one gap entry)."""
    return make_report(tmp_path / "report")


@pytest.fixture
def cli() -> CliInvoke:
    """Run the real CLI in-process: `cli(repo_path, "build", "-o", "x.pdf")`."""
    return invoke
