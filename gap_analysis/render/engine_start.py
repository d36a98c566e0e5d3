"""WeasyPrint's import made cheaper: what every build (and every layout worker's forkserver)
pays before it lays out a page. Two costs, each measured on this machine:

- **Library search** (0.3 s). WeasyPrint opens each shared library (GObject, Pango,
  HarfBuzz, fontconfig...) by trying a list of names, Windows' and macOS' first
  (`libgobject-2.0-0`, `gobject-2.0-0`, then `libgobject-2.0.so.0`...). For every name the
  dynamic loader cannot open, cffi asks `ctypes.util.find_library`, which on Linux runs
  `ldconfig`, then `gcc`, then `ld`: 54 programs per import (the optional `harfbuzz-vector`
  alone, absent here, 18). On Linux the loader itself finds every name that search would find
  (`LD_LIBRARY_PATH`, its cache, the default folders), and WeasyPrint's lists hold each
  library's file name, so while `weasyprint.text.ffi` runs, `find_library` answers "not
  found" without searching. Should that leave a library unopened, the module runs again with
  the real search: it never fails where WeasyPrint alone would not.
- **fontTools' subsetter and variable-font instancer** (0.15 s). WeasyPrint imports both at
  start and uses them only without HarfBuzz's subsetter (which it finds beside HarfBuzz) or
  for a variable font. They are put in `sys.modules` as stand-ins that import the real module
  at first use (an attribute asked for, or `instantiateVariableFont` called), so a build that
  needs neither never loads them, and one that does gets the real ones.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import importlib.abc
    import importlib.machinery

BINDINGS = "weasyprint.text.ffi"
"""The module that opens WeasyPrint's shared libraries."""

DEFERRED: dict[str, tuple[str, ...]] = {
    "fontTools.subset": (),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
}
"""Modules WeasyPrint imports at start and rarely uses, with the names it imports from them
(`from m import name` reads the name at once: each gets a stand-in that loads `m` when called)."""


def prepare_engine_import() -> None:
    """Before WeasyPrint is first imported: its libraries opened by name, fontTools' rarely
    used modules loaded at first use. Nothing changes once WeasyPrint is imported.

    The stand-ins go straight into `sys.modules`, not through a finder: a module found there
    is imported without its parent packages, and `fontTools.varLib`, the instancer's, costs as
    much as the two modules. So a stand-in is its package's attribute only if the package was
    imported first: WeasyPrint's `from m import name` needs no more (a test holds it to that).
    """
    if "weasyprint" in sys.modules:
        return
    for name, imported_names in DEFERRED.items():
        if name not in sys.modules:
            sys.modules[name] = _Deferred(name, imported_names)
            package, _, child = name.rpartition(".")
            if package in sys.modules:
                setattr(sys.modules[package], child, sys.modules[name])
    if sys.platform == "linux" and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


class _Deferred(types.ModuleType):
    """A module's stand-in: its first attribute asked for imports the real module."""

    def __init__(self, name: str, imported_names: tuple[str, ...]) -> None:
        super().__init__(name)
        for imported in imported_names:
            setattr(self, imported, _forward(name, imported))

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            # The import system asks a module for `__path__` (is it a package?) on every
            # `from m import name`: that question must not load it.
            raise AttributeError(attribute)
        return getattr(_real_module(self.__name__), attribute)


def _real_module(name: str) -> types.ModuleType:
    """The module `name`, imported now if a stand-in holds its place."""
    module = sys.modules.get(name)
    if module is None or isinstance(module, _Deferred):
        sys.modules.pop(name, None)
        module = importlib.import_module(name)
    return module


def _forward(module: str, name: str) -> Callable[..., Any]:
    def forward(*args: Any, **named: Any) -> Any:
        return getattr(_real_module(module), name)(*args, **named)

    forward.__name__ = forward.__qualname__ = name
    return forward


def _not_searched(name: str) -> None:
    del name


class _QuickLoader:
    """Runs the bindings' module with the search answering at once; again with it if need be.
    (Plain classes, not `importlib.abc`'s: importing that costs every command's start.)"""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        created: types.ModuleType | None = self._loader.create_module(spec)
        return created

    def exec_module(self, module: types.ModuleType) -> None:
        import ctypes.util

        search = ctypes.util.find_library
        ctypes.util.find_library = _not_searched
        try:
            self._loader.exec_module(module)
            return
        except OSError:
            pass  # a library known to the search only: run again with it
        finally:
            ctypes.util.find_library = search
        self._loader.exec_module(module)


class _Finder:
    """Finds `weasyprint.text.ffi` as the next finder does, and has `_QuickLoader` run it."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != BINDINGS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: importlib.machinery.ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = cast("importlib.abc.Loader", _QuickLoader(spec.loader))
                return spec
        return None
