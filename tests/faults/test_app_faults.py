"""Issue 16's harness for the app's floor thread: the app (a real Qt window,
offscreen) killed or stopped while its simulated floor writes leaves a whole
database; SIGTERM closes it as its close button does; the next start carries on."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.faults.whole import assert_whole, floorboard, read_only, wait_for_events


def _app(db: Path, home: Path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local")}
    return floorboard("run", "--db", str(db), "--speed", "600", env=env)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_the_app_stopped_while_its_floor_writes_keeps_a_whole_database(
        tmp_path: Path, sig: signal.Signals) -> None:
    db = tmp_path / "floor.sqlite"
    app = _app(db, tmp_path)
    wait_for_events(db, app, at_least=200)
    app.send_signal(sig)
    _, err = app.communicate(timeout=60)
    if sig == signal.SIGTERM:
        assert app.returncode == 0, err
        # Closed as the close button closes it: the WAL folded into the file.
        assert not Path(f"{db}-wal").exists()
    first = assert_whole(db)
    with read_only(db) as c:
        last = c.execute("SELECT max(ts_ms) FROM events").fetchone()[0]
    again = _app(db, tmp_path)
    wait_for_events(db, again, at_least=first["events"] + 1)
    again.send_signal(signal.SIGTERM)
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert_whole(db)
    with read_only(db) as c:
        # Carried on after the stop: nothing written into the stopped run's time.
        assert c.execute("SELECT min(seq) FROM events WHERE ts_ms <= ? AND seq > ?",
                         (last, first["events"])).fetchone()[0] is None
