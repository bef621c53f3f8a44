"""`floorboard kpi` over a simulated week: the rows are the batch engine's numbers
with names, a range counts only what was resolved in it, mistakes are refused."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from core.config.scenario import load_scenario
from core.kpi.batch import contact_kpis
from core.kpi.contacts import contact_facts
from core.kpi.report import settings_from_store
from core.simulation.engine import Simulation
from core.store import Store
from tests.desktop.test_cli import floorboard

TZ = "Europe/Kyiv"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("kpi") / "floor.sqlite"
    with Store.open(path) as store:
        Simulation(dataclasses.replace(load_scenario("normal_day_28"), days=3), store).run()
    (path.parent / "config.toml").write_text(f'[floor]\ntimezone = "{TZ}"\n')
    return path


def _kpi(db: Path, *args: str) -> str:
    r = floorboard("kpi", "--db", str(db), "--config", str(db.parent / "config.toml"), *args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_json_rows_are_the_engine_s_numbers_with_names(db) -> None:
    rows = json.loads(_kpi(db, "--by", "channel", "--format", "json"))
    with Store.open(db) as store:
        table = contact_kpis(contact_facts(store.read_columns()), ("channel",), "hour",
                             settings_from_store(store, TZ))
    assert [r["channel"] for r in rows][:2] == ["phone", "chat"]
    assert [r["offered"] for r in rows] == table.offered.tolist()
    assert [r["answered"] for r in rows] == table.answered.tolist()
    phone = rows[0]
    assert phone["service_level_pct"] == round(100 * table.service_level[0], 1)


def test_a_range_counts_what_was_resolved_in_it(db) -> None:
    whole = json.loads(_kpi(db, "--by", "interval", "--interval", "day", "--format", "json"))
    day2 = json.loads(_kpi(db, "--by", "interval", "--interval", "day", "--from",
                           "2026-11-03", "--to", "2026-11-04", "--format", "json"))
    assert [r["interval"] for r in day2] == ["2026-11-03"]
    assert day2[0] == next(r for r in whole if r["interval"] == "2026-11-03")


def test_csv_by_agent_and_hour_opens_as_a_table(db) -> None:
    rows = list(csv.DictReader(io.StringIO(_kpi(db, "--by", "agent,interval", "--format",
                                                 "csv"))))
    assert rows and {"agent", "interval", "offered", "service_level_pct"} <= set(rows[0])
    assert "Olena" in {r["agent"] for r in rows}


@pytest.mark.parametrize("args, message", [
    (("--by", "colour"), "--by 'colour': one or more of channel"),
    (("--from", "yesterday"), "--from 'yesterday': give a date"),
])
def test_mistakes_are_refused_saying_what_to_give(db, args, message) -> None:
    r = floorboard("kpi", "--db", str(db), *args)
    assert r.returncode != 0 and message in r.stderr
