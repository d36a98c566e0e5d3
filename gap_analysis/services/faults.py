"""Test hook for crash recovery: end (or hang) the process right after a named step.

Documented in docs/architecture.md. The environment variable
`GAP_ANALYSIS_FAULT=STEP` ends the process abruptly (`os._exit(75)`, no
cleanup, as a crash would) right after STEP; `GAP_ANALYSIS_FAULT=hang:STEP`
makes it wait there instead, so a test can kill it for real (`SIGKILL`);
`GAP_ANALYSIS_FAULT=wait:STEP:FILE` makes it wait there until FILE exists and
then go on, so a test can hold a command at a step while it starts another.
Without the variable the hook does nothing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def fault(step: str) -> None:
    """End (or hang) the process right after `step` when GAP_ANALYSIS_FAULT asks."""
    wanted = os.environ.get("GAP_ANALYSIS_FAULT", "")
    if wanted == step:
        sys.stderr.write(f"fault injected after step '{step}'\n")
        sys.stderr.flush()
        os._exit(75)
    if wanted == f"hang:{step}":
        sys.stderr.write(f"fault injected: hanging after step '{step}'\n")
        sys.stderr.flush()
        while True:
            time.sleep(1)
    if wanted.startswith(f"wait:{step}:"):
        release = Path(wanted.split(":", 2)[2])
        sys.stderr.write(f"fault injected: waiting after step '{step}' for {release}\n")
        sys.stderr.flush()
        while not release.exists():
            time.sleep(0.05)
