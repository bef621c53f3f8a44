"""Issue 16, items 2 and 4: `floorboard simulate` killed or stopped at any moment
loses at most its last flush, leaves a whole database, and the next run carries on
where it stopped (so the day holds the contacts of an uninterrupted run, none twice);
a second simulation into the same database is refused while the first runs."""

from __future__ import annotations

import random
import signal
import subprocess
from pathlib import Path

import pytest

from tests.faults.whole import assert_whole, floorboard, wait_for_events

SCENARIO = "normal_day_28"


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    db = tmp_path_factory.mktemp("whole") / "floor.sqlite"
    p = floorboard("simulate", SCENARIO, "--fast", "--db", str(db))
    assert p.wait(120) == 0, p.communicate()
    return assert_whole(db)


def _carry_on(db: Path) -> str:
    p = floorboard("simulate", SCENARIO, "--fast", "--db", str(db))
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    return out


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_a_paced_run_stopped_after_a_few_seconds_keeps_them_and_carries_on(
        tmp_path: Path, sig: signal.Signals, uninterrupted: dict[str, int]) -> None:
    db = tmp_path / "floor.sqlite"
    # A simulated hour a second: the stop comes hours into the day, days before the
    # fast loop's flush size was ever reached (which is what lost them all).
    p = floorboard("simulate", SCENARIO, "--speed", "3600", "--db", str(db))
    wait_for_events(db, p, at_least=100)
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    if sig == signal.SIGKILL:
        assert p.returncode == -signal.SIGKILL
    else:
        assert p.returncode == 0, err
        assert "Stopped (" in out and "Traceback" not in err
    stopped = assert_whole(db)
    assert 100 <= stopped["events"] and 0 < stopped["interactions"]
    assert "Carrying on at" in _carry_on(db)
    assert assert_whole(db)["interactions"] == uninterrupted["interactions"]


@pytest.mark.parametrize("seed", range(3))
def test_a_fast_run_killed_at_a_random_moment_leaves_whole_flushes(
        tmp_path: Path, seed: int, uninterrupted: dict[str, int]) -> None:
    db = tmp_path / "floor.sqlite"
    # Days of a small floor: several flushes of 50,000 events, one of them cut.
    p = floorboard("simulate", SCENARIO, "--fast", "--days", "7", "--db", str(db))
    wait_for_events(db, p)
    rnd = random.Random(seed)
    subprocess.run(["sleep", f"{rnd.uniform(0, 0.5):.3f}"], check=True)
    p.send_signal(rnd.choice([signal.SIGTERM, signal.SIGKILL]))
    p.communicate(timeout=60)
    assert_whole(db)
    _carry_on(db)
    assert_whole(db)


def test_a_second_simulation_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    first = floorboard("simulate", SCENARIO, "--speed", "3600", "--db", str(db))
    try:
        wait_for_events(db, first)
        second = floorboard("simulate", SCENARIO, "--fast", "--db", str(db))
        _, err = second.communicate(timeout=60)
        assert second.returncode == 2 and "Traceback" not in err
        assert "another Floorboard process is writing a floor into this database" in err
        assert f"pid {first.pid}: floorboard simulate {SCENARIO} --speed 3600" in err
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
    assert first.returncode == 0
    assert_whole(db)
    # Gone with the first: the next one may write.
    assert "Carrying on at" in _carry_on(db)


def test_an_import_is_refused_while_a_simulation_writes_and_taken_after(
        tmp_path: Path) -> None:
    from tests.core.ingest.test_bank_import import bank_file

    db, file = tmp_path / "floor.sqlite", bank_file(tmp_path)
    first = floorboard("simulate", SCENARIO, "--speed", "3600", "--db", str(db))
    try:
        wait_for_events(db, first)
        imp = floorboard("import", "anonymous-bank", str(file), "--db", str(db))
        _, err = imp.communicate(timeout=60)
        assert imp.returncode == 2 and "Traceback" not in err
        assert f"pid {first.pid}: floorboard simulate {SCENARIO} --speed 3600" in err
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
    imp = floorboard("import", "anonymous-bank", str(file), "--db", str(db))
    _, err = imp.communicate(timeout=60)
    assert imp.returncode == 0, err
    assert_whole(db)
