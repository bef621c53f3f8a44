"""`floorboard calls`, `outbound` and `missed`: the report functions' numbers with
names, flags with their evidence in words, the floor found or said to be missing,
mistakes refused, and a reader that stops early."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.kpi.calls import call_report
from core.kpi.missed_calls import MissedCallSettings, missed_calls_from_store
from core.kpi.outbound import outbound_report
from core.model import (
    Agent,
    AgentSkill,
    AgentState,
    Channel,
    Interaction,
    Outcome,
    Queue,
)
from core.reports.floor_source import floor_of_store
from core.store import Store
from desktop.cli import main
from tests.conftest import REPO
from tests.core.kpi.call_streams import HOUR, MIDNIGHT, Floor, S
from tests.report_floor import TZ, write_config

MIN = 60 * S
#: The hand-built day, on the floor's clock and in UTC ms.
DAY_ARGS = ("--from", "2026-11-02", "--to", "2026-11-03")
DAY = (MIDNIGHT, MIDNIGHT + 24 * HOUR)
NAMES = {1: "Olga", 2: "Ivan", 3: "Petro", 4: "Anna"}


def _hand_built_day() -> tuple[Floor, list[int]]:
    """Four outbound agents of one team and shift. Olga hangs up 20 of her 25 dials
    after 3 s; the others let 2 ring short. Anna dials 40 times: the team's calls
    are far apart. Before the dials, three calls are missed in the 08:00 hour, one
    for each cause, and one more while everyone is busy. Returns Olga's short dials."""
    f = Floor()
    for a in NAMES:
        f.login(MIDNIGHT + 8 * HOUR, a)
    # 08:20 everyone is free, and the call is never offered: a system fault.
    f.missed(MIDNIGHT + 8 * HOUR + 20 * MIN, MIDNIGHT + 8 * HOUR + 20 * MIN + 30 * S)
    for a in NAMES:
        f.state(MIDNIGHT + 8 * HOUR + 30 * MIN, a, AgentState.BUSY)
    # 08:35 and 08:36 everyone is busy: understaffing.
    for m in (35, 36):
        f.missed(MIDNIGHT + 8 * HOUR + m * MIN, MIDNIGHT + 8 * HOUR + m * MIN + 40 * S)
    # 08:45 Olga is away: absence.
    f.state(MIDNIGHT + 8 * HOUR + 40 * MIN, 1, AgentState.AWAY)
    f.missed(MIDNIGHT + 8 * HOUR + 45 * MIN, MIDNIGHT + 8 * HOUR + 45 * MIN + 40 * S)
    for a in NAMES:
        f.state(MIDNIGHT + 8 * HOUR + 50 * MIN, a, AgentState.AVAILABLE)
    short = []
    for a, dials in ((1, 25), (2, 25), (3, 25), (4, 40)):
        quick = 20 if a == 1 else 2
        for i in range(dials):
            t = MIDNIGHT + 9 * HOUR + i * 5 * MIN + a * S
            number = f"+4420794{a}{i:04d}"
            if i < quick:
                iid = f.dial(a, t, 3 * S, number=number)
                if a == 1:
                    short.append(iid)
            else:
                f.dial(a, t, 90 * S, Outcome.SALE if i % 5 == 0 else Outcome.NO_SALE,
                       number=number)
    for a in NAMES:
        f.logout(MIDNIGHT + 17 * HOUR, a)
    return f, short


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> tuple[Path, list[int]]:
    path = tmp_path_factory.mktemp("hand") / "floor.sqlite"
    f, short = _hand_built_day()
    with Store.open(path) as store:
        store.add_queues([Queue(1, "care-en-phone", Channel.PHONE, "care", "en", 20),
                          Queue(9, "sales-en-dial", Channel.OUTBOUND_CALL, "sales", "en", 60)])
        store.add_agents([Agent(a, name, ("en",), (AgentSkill("sales", 3),),
                                {Channel.PHONE: 1}, "late", team="outbound")
                          for a, name in NAMES.items()])
        store.add_interactions([Interaction(i, Channel(ch), d, "en", q, 0, n or "", t, nt)
                                for i, ch, d, q, n, nt, t in f.items])
        store.append(f.events())
    write_config(path.parent)
    return path, short


def run(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    """`floorboard ARGS --db DB --config ...` in this process: exit code, out, err."""
    try:
        code = main([*args, "--db", str(db), "--config", str(db.parent / "config.toml")])
    except SystemExit as exc:  # argparse refusing an argument
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, db: Path, *args: str) -> dict:
    code, out, err = run(capsys, db, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def _csv(capsys, db: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, db, *args, "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# -- calls -------------------------------------------------------------------------

def test_calls_are_the_report_s_numbers_with_the_floor_s_skills(capsys, sim) -> None:
    db, simulation = sim
    doc = _json(capsys, db, "calls", *DAY_ARGS)
    with Store.open(db) as store:
        report = call_report(store, simulation.start_ms, simulation.end_ms,
                             simulation.floor.agents)
        names = {a.id: a.name for a in store.agent_rows()}
    t = report.table
    rows = doc["agents"]
    assert [r["agent"] for r in rows] == [names[a] for a in t.agent_id.tolist()]
    for col in ("calls", "inbound", "outbound", "outbound_new", "to_mobile", "to_landline",
                "to_internal", "unique_numbers", "navigation", "negotiation"):
        assert [r[col] for r in rows] == getattr(t, col).tolist(), col
    assert "normal_day_28" in doc["floor"]
    # The seeds' floor has comparable agents far apart: each flag names them all.
    assert len(doc["spread_flags"]) == len(report.spread) > 0
    for got, flag in zip(doc["spread_flags"], report.spread, strict=True):
        assert (got["measure"], got["skills"]) == (flag.measure, list(flag.skills))
        for a, v in zip(flag.agent_ids, flag.values, strict=True):
            assert f"{names[a]} ({v:,.0f})" in got["evidence"]
    assert _csv(capsys, db, "calls", *DAY_ARGS)[0]["calls"] == str(rows[0]["calls"])


def test_calls_without_a_floor_compare_by_team_and_shift_and_say_so(capsys, hand) -> None:
    db, _ = hand
    code, out, _ = run(capsys, db, "calls", *DAY_ARGS)
    assert code == 0
    text = " ".join(out.split())
    assert "same team and shift (no floor for this database" in text
    # Anna took 40 calls, the others 25: 37.5% apart, above 25%.
    assert ("outbound team, late shift (skills not known: compared by team and shift): "
            "calls taken differ by 38% between comparable agents (flagged above 25%): "
            "lowest Olga (25), highest Anna (40); all: Anna (40), Olga (25), Ivan (25), "
            "Petro (25).") in text
    rows = _csv(capsys, db, "calls", *DAY_ARGS)
    assert [r["flags"] != "" for r in rows] == [True, False, False, True]


# -- outbound ----------------------------------------------------------------------

def test_a_saboteur_is_flagged_with_evidence_a_manager_can_check(capsys, hand) -> None:
    db, short = hand
    code, out, _ = run(capsys, db, "outbound", *DAY_ARGS)
    assert code == 0
    text = " ".join(out.split())
    examples = ", ".join(str(i) for i in short[:5])
    assert ("Olga: 20 of 25 dials (80%) ended in under 8 s, before the callee could "
            "answer; peers' median 8% (3 peers with 20 or more ended dials), flagged from "
            f"23%. Reached 20% of dials, peers' median 92%. E.g. interactions {examples}."
            ) in text
    doc = _json(capsys, db, "outbound", *DAY_ARGS)
    [flag] = doc["sabotage_flags"]
    assert (flag["agent"], flag["short_dials"], flag["example_interactions"]) == (
        "Olga", 20, short[:5])
    with Store.open(db) as store:
        report = outbound_report(store, *DAY)
    t = report.table
    rows = doc["agents"]
    assert [r["agent"] for r in rows] == [NAMES[a] for a in t.agent_id.tolist()]
    for col in ("dials", "ended", "reached", "sales", "meetings", "target", "short_dials"):
        assert [r[col] for r in rows] == getattr(t, col).tolist(), col
    assert [r["short_pct"] for r in rows] == [round(100 * x, 1) for x in t.short_share]
    assert [r["flags"][:5] for r in _csv(capsys, db, "outbound", *DAY_ARGS)] == [
        "Olga:", "", "", ""]


def test_outbound_of_the_simulated_day_is_the_report_s(capsys, sim) -> None:
    db, simulation = sim
    rows = _csv(capsys, db, "outbound", *DAY_ARGS)
    with Store.open(db) as store:
        report = outbound_report(store, simulation.start_ms, simulation.end_ms)
        names = {a.id: a.name for a in store.agent_rows()}
    assert len(rows) > 1
    assert [int(r["dials"]) for r in rows] == report.table.dials.tolist()
    assert [r["agent"] for r in rows if r["flags"]] == [names[f.agent_id]
                                                        for f in report.sabotage]


# -- missed ------------------------------------------------------------------------

def test_missed_calls_use_the_floor_found_for_the_database(capsys, sim) -> None:
    db, simulation = sim
    doc = _json(capsys, db, "missed", *DAY_ARGS)
    with Store.open(db) as store:
        assert floor_of_store(store).floor == simulation.floor
        missed = missed_calls_from_store(store, simulation.start_ms, simulation.end_ms,
                                         MissedCallSettings(timezone=TZ), simulation.floor)
    hours = missed.by_hour()
    assert len(missed) > 0
    assert [r["missed"] for r in doc["hours"]] == hours.missed.tolist()
    for col in ("abandoned", "voicemail", "absence", "understaffing", "system_fault"):
        assert [r[col] for r in doc["hours"]] == getattr(hours, col).tolist(), col
    assert doc["totals"]["missed"] == len(missed) == len(doc["calls"])
    assert doc["agents_counted"] == "queue's agents" and doc["floor"]
    # Named on the command line, the same floor gives the same causes.
    assert _json(capsys, db, "missed", *DAY_ARGS, "--floor", "normal_day_28")["hours"] == \
        doc["hours"]


def test_missed_calls_by_hour_with_their_causes_and_no_floor_said(capsys, hand) -> None:
    db, _ = hand
    code, out, _ = run(capsys, db, "missed", *DAY_ARGS)
    assert code == 0
    text = " ".join(out.split())
    assert "No floor for this database: every agent counts for every queue, so the " \
           "causes are less certain" in text
    assert "│ 2026-11-02 08:00 │ 4 │ 4 │ 0 │ 0 │ 1 │ 2 │ 1 │ understaffing │" in text
    assert "│ total │ 4 │ 4 │ 0 │ 0 │ 1 │ 2 │ 1 │ │" in text
    assert "never offered): 4 agents available, 0 busy, 0 away" in text
    rows = _csv(capsys, db, "missed", *DAY_ARGS)
    assert [(r["hour"], r["likely_cause"], r["agents_counted"]) for r in rows] == [
        ("2026-11-02 08:00", "understaffing", "every agent (no floor)")]
    with Store.open(db) as store:
        missed = missed_calls_from_store(store, *DAY, MissedCallSettings(timezone=TZ))
    doc = _json(capsys, db, "missed", *DAY_ARGS)
    assert doc["floor"] is None
    assert [c["interaction"] for c in doc["calls"]] == missed.interaction_id.tolist()
    assert [c["cause"] for c in doc["calls"]] == [
        "system fault", "understaffing", "understaffing", "absence"]


# -- mistakes and readers ----------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("calls", "--from", "yesterday"), "--from 'yesterday': give a date"),
    (("outbound", "--from", "2026-11-03", "--to", "2026-11-02"),
     "--from 2026-11-03 is not before --to 2026-11-02"),
    (("missed", "--from", "2030-01-01"), "--from 2030-01-01: the database's last event"),
    (("missed", "--floor", "load_1k"), "--floor: the floor of scenario load_1k is not this "
     "database's floor: its queue 1 is 'q1', 'care-en-phone' in the database"),
    (("calls", "--floor", "no_such_day"), "--floor no_such_day: "),
    (("kpi", "--from", "2026-11-03", "--to", "2026-11-03"), "is not before --to"),
    (("missed", "--format", "xml"), "invalid choice: 'xml'"),
])
def test_mistakes_exit_2_saying_what_to_give(capsys, hand, args, message) -> None:
    code, out, err = run(capsys, hand[0], *args)
    assert code == 2 and message in err and out == ""


@pytest.mark.parametrize("command, fmt", [("kpi", "table"), ("calls", "table"),
                                         ("outbound", "table"), ("missed", "table"),
                                         ("kpi", "csv"), ("missed", "json")])
def test_a_reader_that_stops_early_is_no_error(sim, command, fmt) -> None:
    """`floorboard missed | head -1`: head is gone before we write."""
    db, _ = sim
    p = subprocess.Popen([sys.executable, "-m", "desktop.cli", command, "--format", fmt,
                          "--db", str(db), "--config", str(db.parent / "config.toml")],
                         cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0, err
    assert err == ""
