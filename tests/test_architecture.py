"""The import contract, read from the source (every import: lazy ones inside functions and
`if TYPE_CHECKING:` ones included).

Layers point one way, `cli -> services -> adapters -> model`; some adapters are held
to less; each third-party engine has one home; no module imports another that imports
it back. The rules are the tables below: a new package or engine is one line.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = "gap_analysis"

CLI, SERVICES, ADAPTERS, MODEL = 3, 2, 1, 0
"""A component may import its own layer and the layers below (never above)."""

LAYERS: dict[str, int] = {
    "cli": CLI,
    "services": SERVICES,
    "gitstore": ADAPTERS,
    "markdown": ADAPTERS,
    "diff": ADAPTERS,
    "render": ADAPTERS,
    "records": ADAPTERS,
    "config": ADAPTERS,
    "workflow": ADAPTERS,
    "docx": ADAPTERS,
    "httpd": ADAPTERS,
    "errors": ADAPTERS,
    "atomic_files": ADAPTERS,
    "zip_package": ADAPTERS,
    "model": MODEL,
    "__init__": MODEL,  # `gap_analysis/__init__.py`: the version, nothing else
    "__main__": CLI,  # `python -m gap_analysis`
}
"""Each top-level module or package of `gap_analysis`, by its first name."""

ONLY_FROM_PACKAGE: dict[str, frozenset[str]] = {
    "model": frozenset({"model"}),
    "errors": frozenset(),
    "render": frozenset({"render", "model", "errors"}),
    "diff": frozenset({"diff", "model", "errors"}),
    "workflow": frozenset({"workflow", "model", "errors"}),
    "httpd": frozenset({"httpd"}),
}
"""Components held to less than their layer: the only `gap_analysis` components they may import.

`errors` is a leaf (it imports nothing of the package), so the pure adapters may raise its types.
"""

NO_IO = frozenset({"diff", "workflow"})
"""Components that do no I/O: none of `IO_MODULES` imported, no `open()` called."""
IO_MODULES = frozenset(
    {"os", "io", "pathlib", "shutil", "tempfile", "subprocess", "socket", "urllib", "sqlite3"}
)

ONE_MODULE = "<one module>"
ENGINES: dict[str, str] = {
    "click": "cli",
    "weasyprint": "render",
    "jinja2": "render",
    "markdown_it": "markdown",
    "mdit_py_plugins": "markdown",
    "yaml": "markdown",
    "git": "gitstore",
    "docx": "docx",
    "openpyxl": ONE_MODULE,
    "markupsafe": "render",  # Jinja2's escaping
    "pydyf": "render",  # WeasyPrint's PDF writer (PDF/A attachments)
    "fontTools": "render",  # WeasyPrint's font library: what the bundled fonts draw
    "pyphen": "render",  # WeasyPrint's hyphenation: its parsed patterns kept (render/hyphenation.py)
    "pypdf": "render",  # the parallel layout's join of part PDFs and their fonts (render/join*.py)
}
"""Third-party packages and the one component allowed to import each (or any single module).

A third-party import that is not in this table fails the test: a new dependency gets its home here.
"""

PENDING: frozenset[tuple[str, str]] = frozenset()
"""Edges that break `ONLY_FROM_PACKAGE` today and are being removed on another branch."""


@dataclass(frozen=True)
class Import:
    module: str
    """The importing module (`gap_analysis.x.y`)."""
    target: str
    """What it imports: a `gap_analysis` module, or the top name of any other package."""
    line: int

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}


def _is_package(module: str) -> bool:
    return _sources()[module].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not _is_package(module):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    base = _resolve(module, node)
    if not base.startswith(PACKAGE):
        yield base
        return
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        yield sub if sub in _sources() else base  # `from pkg import submodule` imports it


@cache
def imports() -> tuple[Import, ...]:
    """Every import statement of the package, wherever it stands in its module."""
    found = []
    for module, path in _sources().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.extend(Import(module, t, node.lineno) for t in _targets(module, node))
    return tuple(found)


def _internal() -> list[Import]:
    return [i for i in imports() if i.target.split(".")[0] == PACKAGE]


def _third_party() -> list[Import]:
    return [
        i
        for i in imports()
        if i.target.split(".")[0] not in (PACKAGE, "__future__")
        and i.target.split(".")[0] not in sys.stdlib_module_names
    ]


def component(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_scan_sees_lazy_and_type_checking_imports() -> None:
    """The contract is only as good as the scan: it must see imports inside functions and
    under `if TYPE_CHECKING:` (both exist in `render/__init__.py` today)."""
    render_imports = {i.target for i in imports() if i.module == "gap_analysis.render"}
    assert "gap_analysis.render.pdf" in render_imports  # under TYPE_CHECKING
    assert "gap_analysis.render.assemble" in render_imports  # inside a function
    assert any(i.target == "click" for i in imports())


def test_every_component_has_a_layer() -> None:
    unknown = sorted({component(m) for m in _sources()} - LAYERS.keys())
    assert not unknown, f"give each new package a line in LAYERS: {unknown}"


def test_imports_point_down_the_layers() -> None:
    upward = [
        str(i) for i in _internal() if LAYERS[component(i.target)] > LAYERS[component(i.module)]
    ]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def test_restricted_components_import_only_what_they_may() -> None:
    found = []
    for i in _internal():
        allowed = ONLY_FROM_PACKAGE.get(component(i.module))
        if allowed is None or component(i.target) in allowed:
            continue
        if (i.module, i.target) not in PENDING:
            found.append(str(i))
    assert not found, "imports the table ONLY_FROM_PACKAGE forbids:\n" + "\n".join(found)


def test_pending_edges_still_exist() -> None:
    """An allowance that is no longer used goes, so the list only shrinks."""
    edges = {(i.module, i.target) for i in _internal()}
    assert not PENDING - edges, f"remove from PENDING: {sorted(PENDING - edges)}"


def test_model_imports_only_the_standard_library() -> None:
    outside = [
        str(i)
        for i in imports()
        if component(i.module) == "model"
        and i.target.split(".")[0] not in ("__future__", PACKAGE)
        and i.target.split(".")[0] not in sys.stdlib_module_names
    ]
    assert not outside, "\n".join(outside)


def test_each_engine_has_one_home() -> None:
    problems = [
        f"{i}: not in ENGINES; name the one component that may import it"
        for i in _third_party()
        if i.target.split(".")[0] not in ENGINES
    ]
    for engine, home in ENGINES.items():
        users = sorted({i.module for i in _third_party() if i.target.split(".")[0] == engine})
        if home == ONE_MODULE:
            if len(users) > 1:
                problems.append(f"{engine} is imported by more than one module: {users}")
        else:
            problems.extend(
                f"{engine} is imported by {user} (only {home}/ may)"
                for user in users
                if component(user) != home
            )
    assert not problems, "\n".join(problems)


def test_pure_components_do_no_io() -> None:
    found = [
        str(i)
        for i in imports()
        if component(i.module) in NO_IO and i.target.split(".")[0] in IO_MODULES
    ]
    for module, path in _sources().items():
        if component(module) in NO_IO:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            found.extend(
                f"{module}:{node.lineno} calls open()"
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "open"
            )
    assert not found, "I/O in a pure component:\n" + "\n".join(found)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module, or a module importing itself
    (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                if len(members) > 1 or node in graph.get(node, ()):
                    found.append(sorted(members))
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    """The finder itself, on a graph with one cycle through three modules and one self-import."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c"], ["e"]]


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph: dict[str, set[str]] = {module: set() for module in _sources()}
    for i in _internal():
        if i.target != i.module:
            graph[i.module].add(i.target)
    cycles = _cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)
