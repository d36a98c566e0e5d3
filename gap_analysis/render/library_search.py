"""WeasyPrint's shared libraries loaded by their file names, without ctypes' search programs.

WeasyPrint opens each library (GObject, Pango, HarfBuzz, fontconfig...) by trying a list of
names, Windows' and macOS' first (`libgobject-2.0-0`, `gobject-2.0-0`, then
`libgobject-2.0.so.0`...). For every name the dynamic loader cannot open, cffi asks
`ctypes.util.find_library`, which on Linux runs `ldconfig`, then `gcc`, then `ld` to search:
54 programs for one import of WeasyPrint (the optional `harfbuzz-vector` alone, absent here,
18), 0.3 s of every build's start (import 0.95 s -> 0.65 s, measured on this machine). On
Linux the loader itself finds every name that search would find (`LD_LIBRARY_PATH`, its
cache, the default folders), and WeasyPrint's lists hold each library's file name, so while
`weasyprint.text.ffi` runs, `find_library` answers "not found" without searching. Should
that leave a library unopened (no file name of WeasyPrint's list known to the loader), the
module runs again with the real search: it never fails where WeasyPrint alone would not.
"""

from __future__ import annotations

import ctypes.util
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

BINDINGS = "weasyprint.text.ffi"
"""The module that opens WeasyPrint's shared libraries."""


def _not_searched(name: str) -> None:
    del name


class _QuickLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
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


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != BINDINGS:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec: importlib.machinery.ModuleSpec | None = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _QuickLoader(spec.loader)
                return spec
        return None


def libraries_opened_by_name() -> None:
    """From now on, WeasyPrint's bindings (when first imported) open libraries by file name."""
    if sys.platform != "linux" or BINDINGS in sys.modules:
        return
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
