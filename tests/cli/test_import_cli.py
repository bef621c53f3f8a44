"""`floorboard import anonymous-bank FILE` as a user runs it: the summary, a second
import refused, and `floorboard kpi` over the imported calls."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from core.ingest.anonymous_bank import read_bank_file
from core.kpi.batch import KpiSettings, contact_kpis
from core.kpi.contacts import contact_facts
from core.reports.kpi_rows import display_rows
from core.store import Store
from tests.cli.test_cli import floorboard
from tests.conftest import SHARED_DATA
from tests.core.ingest.test_bank_import import bank_file

FEBRUARY = SHARED_DATA / "anonymous_bank" / "february_1999.tsv"
TZ = "Asia/Jerusalem"


def _config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(f'[floor]\ntimezone = "{TZ}"\n')
    return path


def _import(db: Path, file: Path, config: Path) -> subprocess.CompletedProcess:
    return floorboard("import", "anonymous-bank", str(file), "--db", str(db),
                      "--config", str(config))


def test_import_prints_a_summary_and_refuses_the_same_file_again(tmp_path) -> None:
    db, file, config = tmp_path / "floor.sqlite", bank_file(tmp_path), _config(tmp_path)
    r = _import(db, file, config)
    assert r.returncode == 0, r.stderr
    assert "11 lines read: 6 calls imported, 1 phantom (not calls, skipped), 4 rejected" \
        in r.stdout
    assert "table rejected_lines (import_id 1) or view v_rejected_lines" in r.stdout
    assert "line 9, field vru_entry: not a time H:MM:SS: '25:00:00'" in r.stdout
    assert "1999-02-01 07:02:47 to 1999-02-02 23:59:50 (Asia/Jerusalem)" in r.stdout
    assert "floor.timezone" not in r.stdout  # the floor runs on the file's clock here
    again = _import(db, file, config)
    assert again.returncode == 2
    assert f"{file}: already imported, as import #1" in again.stderr
    assert "Traceback" not in again.stderr and again.stdout == ""
    info = floorboard("info", "--db", str(db))
    assert "interactions:   6" in info.stdout


def test_a_missing_file_is_refused_and_no_database_is_created(tmp_path) -> None:
    db = tmp_path / "floor.sqlite"
    r = _import(db, tmp_path / "februray.tsv", _config(tmp_path))
    assert r.returncode == 2 and "februray.tsv: no such file" in r.stderr
    assert "Traceback" not in r.stderr and not db.exists()


def test_an_unknown_format_is_refused(tmp_path) -> None:
    r = floorboard("import", "queue-log", str(bank_file(tmp_path)), "--db",
                   str(tmp_path / "floor.sqlite"))
    assert r.returncode == 2 and "invalid choice: 'queue-log'" in r.stderr
    assert not (tmp_path / "floor.sqlite").exists()


def _kpi_matches_the_batch_engine(tmp_path: Path, file: Path) -> None:
    db, config = tmp_path / "floor.sqlite", _config(tmp_path)
    r = _import(db, file, config)
    assert r.returncode == 0, r.stderr
    calls = read_bank_file(file)
    settings = KpiSettings(target_ms={q.id: q.sla_target_s * 1000 for q in calls.queues},
                           language={q.id: q.language for q in calls.queues}, timezone=TZ)
    for by, interval in (("queue,interval", "day"), ("interval", "hour"), ("agent", "month")):
        k = floorboard("kpi", "--db", str(db), "--config", str(config), "--by", by,
                       "--interval", interval, "--format", "json")
        assert k.returncode == 0, k.stderr
        table = contact_kpis(contact_facts(calls.events), tuple(by.split(",")), interval,
                             settings, percentiles=True)
        with Store.open(db) as store:  # for names only: the numbers are the reader's
            want = display_rows(table, settings, store)
        assert json.loads(k.stdout) == want and len(want) > 1


def test_kpi_over_the_imported_calls_is_the_batch_engine_s_over_the_file(tmp_path) -> None:
    _kpi_matches_the_batch_engine(tmp_path, bank_file(tmp_path))


@pytest.mark.skipif(not FEBRUARY.exists(), reason="shared/data/anonymous_bank is not beside "
                    "the project (see shared/data/README.md)")
def test_kpi_over_the_imported_february_is_the_batch_engine_s(tmp_path) -> None:
    _kpi_matches_the_batch_engine(tmp_path, FEBRUARY)
