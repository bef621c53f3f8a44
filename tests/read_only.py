"""Running a command where a folder is truly read-only for it, as a user without
write access would meet it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import REPO


def run_in_read_only_folder(folder: Path, command: Sequence[str]) -> subprocess.CompletedProcess:
    """Run ``command`` (from the repository) while ``folder`` is read-only for it. As
    root, permission bits do not stop writes, so the folder is bind-mounted read-only
    in a private mount namespace; otherwise its mode is made 0555 for the run."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return subprocess.run(list(command), cwd=REPO, capture_output=True, text=True)
        finally:
            folder.chmod(0o755)
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare(1): cannot make a read-only folder")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --make-rprivate / && true"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.decode().strip()}")
    script = (f'mount --make-rprivate / && mount --bind "{folder}" "{folder}" && '
              f'mount -o remount,bind,ro "{folder}" && exec "$@"')
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command], cwd=REPO,
                          capture_output=True, text=True)
