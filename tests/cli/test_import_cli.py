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


def _refused(r: subprocess.CompletedProcess, db: Path, *parts: str) -> None:
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    [line] = r.stderr.splitlines()  # one line: what is wrong, and what to do
    assert line.startswith("floorboard: error: ")
    for part in parts:
        assert part in line, line
    assert not db.exists()  # nothing to import: no database made


def test_a_folder_a_pipe_and_a_gzip_file_are_named_as_such(tmp_path) -> None:
    import gzip
    import os

    db, config = tmp_path / "floor.sqlite", _config(tmp_path)
    folder = tmp_path / "exports"
    folder.mkdir()
    _refused(_import(db, folder, config), db, f"{folder}: is a folder (a directory)")
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    _refused(_import(db, fifo, config), db, f"{fifo}: is a named pipe (FIFO)")
    packed = tmp_path / "calls.tsv.gz"
    packed.write_bytes(gzip.compress(bank_file(tmp_path).read_bytes()))
    _refused(_import(db, packed, config), db, "this looks like a gzip file; unpack it first")
    utf16 = tmp_path / "calls-utf16.tsv"
    utf16.write_bytes(bank_file(tmp_path).read_text().encode("utf-16"))
    _refused(_import(db, utf16, config), db, "this looks like UTF-16 text")


def test_a_file_of_one_long_line_is_refused_in_one_line(tmp_path) -> None:
    db, path = tmp_path / "floor.sqlite", tmp_path / "one-line.tsv"
    path.write_bytes(b"x" * 2_000_000)  # past csv's field limit, which raised
    _refused(_import(db, path, _config(tmp_path)), db, "one-line.tsv, line 1: longer than "
             "65,536 characters, not the Anonymous Bank header")


@pytest.mark.slow
def test_a_200_mb_single_line_file_is_refused_in_one_line(tmp_path) -> None:
    db, path = tmp_path / "floor.sqlite", tmp_path / "huge.tsv"
    with path.open("wb") as f:
        block = b"x" * (1 << 20)
        for _ in range(200):
            f.write(block)
    _refused(_import(db, path, _config(tmp_path)), db, "huge.tsv, line 1: longer than")


def test_one_implausible_line_never_blocks_the_next_import(tmp_path) -> None:
    from tests.core.ingest.test_implausible_times import STRAY_2068, month_file

    db, config = tmp_path / "floor.sqlite", _config(tmp_path)
    r = _import(db, month_file(tmp_path, extra=(STRAY_2068,)), config)
    assert r.returncode == 0, r.stderr
    assert "112 calls imported, 0 phantom (not calls, skipped), 1 rejected" in r.stdout
    assert "field date: the call arrives on 2068-02-01" in r.stdout
    assert "to 1999-02-28 09:00:00 (Asia/Jerusalem)" in r.stdout
    march = tmp_path / "march"
    march.mkdir()
    import datetime as dt

    r = _import(db, month_file(march, dt.date(1999, 3, 1)), config)
    assert r.returncode == 0, r.stderr
    assert "as import #2" in r.stdout


def test_a_file_name_that_is_not_utf8_is_printed_not_a_traceback(tmp_path) -> None:
    import os

    db, config = tmp_path / "floor.sqlite", _config(tmp_path)
    name = os.fsdecode(b"calls-\xff.tsv")
    path = tmp_path / name
    path.write_bytes(bank_file(tmp_path).read_bytes())
    r = _import(db, path, config)
    assert r.returncode == 0, r.stderr
    assert "6 calls imported" in r.stdout and "calls-\\xff.tsv" in r.stdout
