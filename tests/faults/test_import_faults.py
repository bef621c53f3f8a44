"""Issue 16's harness for `floorboard import`: killed at any moment it leaves the
database as it was (an import is one transaction), and the same file imports
whole afterwards, not "already imported"."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED_DATA
from tests.faults.whole import assert_whole, floorboard, read_only

FEBRUARY = SHARED_DATA / "anonymous_bank" / "february_1999.tsv"


@pytest.mark.skipif(not FEBRUARY.exists(), reason="shared/data/anonymous_bank is not "
                    "beside the project (see shared/data/README.md)")
@pytest.mark.parametrize("seed", range(3))
def test_an_import_killed_at_a_random_moment_leaves_the_database_as_it_was(
        tmp_path: Path, seed: int) -> None:
    db = tmp_path / "floor.sqlite"
    rnd = random.Random(seed)
    p = floorboard("import", "anonymous-bank", str(FEBRUARY), "--db", str(db))
    deadline = time.monotonic() + 60
    while not db.exists() and p.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(rnd.uniform(0, 1.5))
    p.send_signal(rnd.choice([signal.SIGKILL, signal.SIGTERM]))
    p.communicate(timeout=60)
    killed = assert_whole(db)
    with read_only(db) as c:
        imports = c.execute("SELECT count(*) FROM imports").fetchone()[0]
    # Whole or not at all: either the import landed with all its calls, or nothing.
    assert (imports, killed["interactions"] > 0) in ((0, False), (1, True))
    again = subprocess.run([sys.executable, "-m", "desktop.cli", "import", "anonymous-bank",
                            str(FEBRUARY), "--db", str(db)], cwd=REPO, capture_output=True,
                           text=True, timeout=300)
    if imports:
        assert again.returncode == 2 and "already imported" in again.stderr
    else:
        assert again.returncode == 0, again.stderr
    whole = assert_whole(db)
    assert whole["interactions"] > 0
