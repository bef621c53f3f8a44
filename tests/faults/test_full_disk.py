"""Issue 16, item 3: a full disk during `simulate`: each flush lands whole or not at
all (it once left 9,399 interactions with 0 events), the user reads that the disk is
full and what to do (not "cannot rollback - no transaction is active"), and once
there is space again the next run carries on to the same day an uninterrupted run
stores."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.faults.whole import assert_whole

#: The tmpfs, and what is left of it for the database once the filler is written:
#: 3 MB, where the first flush (50,000 events, days of normal_day_28) fits and a later one not.
DISK_MB, FILLER_MB = 6, 3


def _small_disk_namespace() -> None:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("a small disk needs root and unshare(1) to mount a tmpfs")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --make-rprivate /"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"no private mount namespace here: {probe.stderr.strip()}")


def test_a_full_disk_stops_simulate_whole_with_a_clear_message(tmp_path: Path) -> None:
    _small_disk_namespace()
    reference = tmp_path / "reference.sqlite"
    subprocess.run([sys.executable, "-m", "desktop.cli", "simulate", "normal_day_28",
                    "--fast", "--days", "7", "--db", str(reference)], cwd=REPO,
                   check=True, capture_output=True)
    disk = tmp_path / "disk"
    disk.mkdir()
    script = (f'mount --make-rprivate / && mount -t tmpfs -o size={DISK_MB}m tmpfs "{disk}"'
              ' && exec "$@"')
    r = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", sys.executable, "-m",
                        "tests.faults.full_disk_child", str(disk), str(FILLER_MB)],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got["full_rc"] == 2, got["full_err"]
    assert "Traceback" not in got["full_err"] and "no transaction" not in got["full_err"]
    assert "the disk holding the database is full" in got["full_err"]
    # Some days were stored before the disk filled: they are kept, whole.
    assert got["after_full"]["events"] > 0
    assert got["again_rc"] == 0, got["again_err"]
    assert "Carrying on at" in got["again_out"]
    assert got["after_again"]["interactions"] == assert_whole(reference)["interactions"]
