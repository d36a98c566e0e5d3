"""The `GAP_ANALYSIS_FAULT` test hook: crash, hang or fail a write at a named step.

Tests set the environment variable to prove what a killed or failing command
leaves (documented in docs/architecture.md); without it the hook does nothing:

* `STEP`: end the process abruptly (`os._exit(75)`, no clean-up, as a crash
  would) right after STEP;
* `hang:STEP`: wait there forever, so a test can kill the process for real
  (`SIGKILL`);
* `wait:STEP:FILE`: wait there until FILE exists, then go on (a test holds a
  command at a step while it starts another);
* `enospc:STEP`: fail there as a full disk would (`OSError(ENOSPC)`).

Steps: `locked`, `after-write`, `after-commit`, `after-tag`, `after-build`
(`version cut`); `import-journal`, `import-half`, `import-written`,
`import-committed` (`comment import`); `site-staging`, `site-committed`,
`site-moving` (`site`).
"""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path


def fault(step: str) -> None:
    """End, hang or fail the process at `step` when GAP_ANALYSIS_FAULT asks."""
    wanted = os.environ.get("GAP_ANALYSIS_FAULT", "")
    if not wanted:
        return
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
    if wanted == f"enospc:{step}":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
