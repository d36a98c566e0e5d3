"""WeasyPrint's libraries opened by file name (`render.library_search`), in fresh interpreters."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
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


def test_weasyprint_opens_its_libraries_without_running_a_search_program() -> None:
    assert (
        _programs_run(COUNT_PROGRAMS + "import gap_analysis.render\nimport weasyprint\n" + REPORT)
        == 0
    )


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
