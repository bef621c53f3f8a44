"""Run inside a private mount namespace where FOLDER is a small tmpfs (see
test_full_disk.py): simulate until the disk is full, check, free space, carry on.
Prints one JSON line of what happened."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.faults.whole import assert_whole

SCENARIO, DAYS = "normal_day_28", "7"


def simulate(db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop.cli", "simulate", SCENARIO,
                           "--fast", "--days", DAYS, "--db", str(db)],
                          capture_output=True, text=True, timeout=300)


def main(folder: Path, filler_mb: int) -> None:
    filler = folder / "filler"
    filler.write_bytes(b"\0" * (filler_mb << 20))
    db = folder / "floor.sqlite"
    full = simulate(db)
    after_full = assert_whole(db)
    filler.unlink()
    again = simulate(db)
    print(json.dumps({"full_rc": full.returncode, "full_err": full.stderr,
                      "after_full": after_full, "again_rc": again.returncode,
                      "again_err": again.stderr, "again_out": again.stdout,
                      "after_again": assert_whole(db)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
