"""The running version, for the footer and /healthz: read once per process, never per request.

APP_VERSION (set by the deployment, e.g. a release tag) wins; otherwise `git describe` of the checkout
the code runs from; otherwise "dev" (a copy without git, or git not installed).
"""

import functools
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def current():
    if os.environ.get("APP_VERSION"):
        return os.environ["APP_VERSION"][:64]
    try:
        result = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                                text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return "dev"
    return result.stdout.strip()[:64] if result.returncode == 0 and result.stdout.strip() else "dev"
