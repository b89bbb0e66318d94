"""Installs a test tool from the npm lock file beside it, once, even when several pytest-xdist
workers ask at the same time (a file lock around `npm ci`)."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path


def npm_ci(folder: Path, marker: Path) -> bool:
    """`npm ci` in folder unless `marker` (a file the package installs) exists; False without npm."""
    if marker.exists():
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    with (folder / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=folder,
                check=True,
                capture_output=True,
                timeout=600,
            )
    return marker.exists()
