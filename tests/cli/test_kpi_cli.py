"""`floorboard kpi` over a simulated week: the rows are the batch engine's numbers
with names, a range counts only what was resolved in it, mistakes are refused."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from core.config.scenario import load_scenario
from core.kpi.batch import contact_kpis
from core.kpi.contacts import contact_facts
from core.model import AgentState, Channel, Outcome
from core.reports.kpi_rows import kpi_report, settings_from_store
from core.simulation.engine import Simulation
from core.store import Store
from core_ext import kpi_layout
from tests.cli.test_cli import floorboard
from tests.core.kpi.call_streams import HOUR, MIDNIGHT, Floor, S

TZ = "Europe/Kyiv"
MIN = 60 * S


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


def test_configured_targets_measure_every_queue_of_their_channel(db, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[floor]\ntimezone = "{TZ}"\n[targets]\nphone_s = 5\nchat_s = 60\n')
    r = floorboard("kpi", "--db", str(db), "--config", str(config), "--by", "channel",
                   "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {row["channel"]: row for row in json.loads(r.stdout)}
    default = {row["channel"]: row for row in json.loads(
        _kpi(db, "--by", "channel", "--format", "json"))}
    with Store.open(db) as store:
        facts = contact_facts(store.read_columns())
    phone = (facts.channel == int(Channel.PHONE)) & (facts.how == kpi_layout.HOW_ANSWERED)
    waits = facts.resolved_ms[phone] - facts.offered_ms[phone]
    assert rows["phone"]["answered"] == len(waits)
    in_target = int((waits <= 5_000).sum())
    counted = rows["phone"]["offered"] - rows["phone"]["short_abandoned"]
    assert rows["phone"]["service_level_pct"] == round(100 * in_target / counted, 1)
    assert rows["phone"]["service_level_pct"] < default["phone"]["service_level_pct"]
    assert rows["chat"]["service_level_pct"] > default["chat"]["service_level_pct"]
    assert rows["email"] == default["email"]  # not set: each queue's own


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


def test_the_new_measures_are_the_engine_s(db) -> None:
    rows = json.loads(_kpi(db, "--by", "agent", "--format", "json"))
    with Store.open(db) as store:
        table = contact_kpis(contact_facts(store.read_columns()), ("agent",), "hour",
                             settings_from_store(store, TZ), percentiles=True)

    def pct(x) -> list:
        return [None if np.isnan(v) else round(100 * v, 1) for v in x]

    def s(x) -> list:
        return [None if np.isnan(v) else round(v, 1) for v in x]

    assert table.agent_time
    assert [r["conversations"] for r in rows] == table.talked.tolist()
    assert [r["aht_s"] for r in rows] == s(table.aht_s)
    assert [r["acw_s"] for r in rows] == s(table.acw_s)
    assert [r["transfers"] for r in rows] == table.transfers.tolist()
    assert [r["transfer_pct"] for r in rows] == pct(table.transfer_rate)
    assert [r["fcr_pct"] for r in rows] == pct(table.first_contact_resolution)
    assert [r["p90_answer_s"] for r in rows] == s(table.wait_percentile_s(0.9))
    assert [r["occupancy_pct"] for r in rows] == pct(table.occupancy)
    assert [r["utilisation_pct"] for r in rows] == pct(table.utilisation)
    assert [r["logged_in_s"] for r in rows] == [round(v / 1000, 1) for v in
                                                table.logged_in_ms.tolist()]
    assert any(r["occupancy_pct"] for r in rows) and any(r["p90_answer_s"] for r in rows)
    # An agent's idle time belongs to no channel: no occupancy by channel.
    by_channel = list(csv.DictReader(io.StringIO(_kpi(db, "--format", "csv"))))
    assert {"aht_s", "fcr_pct", "p90_answer_s"} <= set(by_channel[0])
    assert not {"occupancy_pct", "available_s"} & set(by_channel[0])


@pytest.mark.parametrize("by", ["agent,interval", "channel,queue,interval"])
def test_the_table_fits_a_wide_terminal_without_wrapping_names(db, by) -> None:
    out = _kpi(db, "--by", by, "--interval", "15min")
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 160
    # Names whole on one line: rich wraps a column it has to squeeze.
    assert re.search(r"│ (Late sales es-it|care-en-phone) +│", out)
    header = " ".join(lines[1:5])
    assert ("AHT s" in header and "FCR %" in header and "answer s" in header
            and ("pancy %" in header) == by.startswith("agent"))
    assert "AHT: talk and after-call work per conversation" in " ".join(lines[-3:])


def test_a_day_alone_is_that_day_of_the_whole_at_the_edges(tmp_path) -> None:
    """A wrap-up that runs past midnight counts with its call, and an agent idle over a
    quiet night is logged in up to the end of the day asked for."""
    f = Floor()
    day2, day3 = MIDNIGHT + 24 * HOUR, MIDNIGHT + 48 * HOUR
    f.login(MIDNIGHT + 22 * HOUR, 1)
    f.taken(1, day2 - 10 * MIN, 10 * MIN - 10 * S, Outcome.RESOLVED)
    f.state(day2 - 10 * S, 1, AgentState.WRAP_UP)
    f.state(day2 + 30 * S, 1, AgentState.AVAILABLE)
    f.login(day3 + 3 * HOUR, 2)  # the next event, hours after the second day
    with Store.open(tmp_path / "edges.sqlite") as store:
        store.append(f.events())
        _, whole = kpi_report(store, ("interval",), "day", timezone=TZ)
        for start in (MIDNIGHT, day2):
            _, [alone] = kpi_report(store, ("interval",), "day", start, start + 24 * HOUR,
                                    timezone=TZ)
            assert alone == next(r for r in whole if r["interval"] == alone["interval"])
    assert whole[0]["acw_s"] == 40.0 and whole[1]["logged_in_s"] == 86_400.0
