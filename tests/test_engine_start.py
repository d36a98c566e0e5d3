"""WeasyPrint's import made cheaper (`render.engine_start`), in fresh interpreters."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

LINUX_ONLY = pytest.mark.skipif(
    sys.platform != "linux", reason="the search is skipped on Linux only"
)

COUNT_PROGRAMS = """
import ctypes.util, subprocess, sys
programs = []
original = subprocess.Popen.__init__
def counted(self, args, *rest, **named):
    programs.append(args)
    original(self, args, *rest, **named)
subprocess.Popen.__init__ = counted
search = ctypes.util.find_library
"""

REPORT = """
from weasyprint.text import ffi
assert ffi.pango is not None and ffi.harfbuzz is not None and ffi.fontconfig is not None
assert ctypes.util.find_library is search, "the search is put back"
print(len(programs))
"""


def _programs_run(script: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1])


@LINUX_ONLY
def test_weasyprint_opens_its_libraries_without_running_a_search_program() -> None:
    assert (
        _programs_run(COUNT_PROGRAMS + "import gap_analysis.render\nimport weasyprint\n" + REPORT)
        == 0
    )


@LINUX_ONLY
def test_the_search_runs_when_the_loader_alone_cannot_open_a_library() -> None:
    """A library the loader cannot open by any of WeasyPrint's names is found as WeasyPrint
    alone finds it: its bindings run again with the search."""
    refuse_unsearched = """
    import cffi
    opened = cffi.FFI.dlopen
    def dlopen(self, name, *rest):
        if ctypes.util.find_library is not search and "gobject" in str(name):
            raise OSError("not found by the loader alone")
        return opened(self, name, *rest)
    cffi.FFI.dlopen = dlopen
    import gap_analysis.render
    import weasyprint
    """
    assert _programs_run(COUNT_PROGRAMS + textwrap.dedent(refuse_unsearched) + REPORT) > 0


DEFERRED = """
import sys
import gap_analysis.render
import weasyprint
from pypdf import PdfReader
import io

def loaded(name):
    return type(sys.modules[name]).__name__ != "_Deferred"

def embedded_fonts(pdf):
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [f["/DescendantFonts"][0]["/FontDescriptor"] for f in pages[0]["/Resources"]["/Font"].values()]

html = weasyprint.HTML(string="<p>Hello, subsetter</p>")
first = html.write_pdf()
print("after a PDF:", loaded("fontTools.subset"), loaded("fontTools.varLib.instancer"))
from weasyprint.pdf import fonts
fonts.harfbuzz_subset = None  # as where HarfBuzz's subsetter is missing: fontTools subsets
second = html.write_pdf()
assert all("/FontFile2" in d or "/FontFile3" in d for d in embedded_fonts(second))
import fontTools.subset
print("without HarfBuzz-Subset:", loaded("fontTools.subset"), fonts.subset.Options is fontTools.subset.Options)
"""


def test_fonttools_subsetter_is_loaded_only_when_weasyprint_needs_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", DEFERRED], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "after a PDF: False False",
        "without HarfBuzz-Subset: True True",
    ], done.stdout + done.stderr


def test_a_stand_in_forwards_to_the_real_module() -> None:
    from gap_analysis.render.engine_start import DEFERRED as deferred
    from gap_analysis.render.engine_start import _Deferred

    stand_in = _Deferred("json", ("dumps",))
    assert stand_in.dumps([1]) == "[1]"  # a name imported at start: a forwarder
    assert stand_in.loads("[2]") == [2]  # any other name: the real module's
    assert not hasattr(stand_in, "__path__")  # the import system's question loads nothing
    assert set(deferred) == {"fontTools.subset", "fontTools.varLib.instancer"}
