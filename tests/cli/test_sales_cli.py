"""`floorboard sales` (KPI-3): the report function's numbers with names, revenue in
currency units and never added across currencies, partner sales by partner id, the
floor found or said to be missing, mistakes refused, and a reader that stops early."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from core.kpi.sales import sales_report
from core.model import Agent, Channel, EventKind, Interaction, Outcome, Queue, Sale
from core.reports.floor_source import floor_of_store
from core.simulation.sales import PARTNER_PRODUCT
from core.store import Store
from desktop.cli import main
from tests.conftest import REPO
from tests.core.kpi.call_streams import HOUR, MIDNIGHT, Floor, S
from tests.report_floor import write_config

MIN = 60 * S
NINE = MIDNIGHT + 9 * HOUR
DAY_ARGS = ("--from", "2026-11-02", "--to", "2026-11-03")
DAY = (MIDNIGHT, MIDNIGHT + 24 * HOUR)
CARE, SALES_EN, SALES_UK = 1, 2, 3
NAMES = {1: "Olga", 2: "Ivan", 3: "Petro"}


def _chat(f: Floor, agent: int, t: int, minutes: int, outcome: Outcome, number: str | None,
          queue: int = SALES_EN) -> int:
    return f.taken(agent, t, minutes * MIN, outcome, number, Channel.CHAT, queued_ms=10 * S,
                   queue=queue)


@pytest.fixture(scope="module")
def hand(tmp_path_factory) -> Path:
    """A day whose KPI-3 is worked out by hand, in euros and hryvnias, with no floor
    known for the database (so the care queue's sale counts too).

    Olga: a sale to a known client (a), no sale then a sale to a new one (b, c).
    Ivan: a sale without a number (d), a prank (e, not a sales conversation), a sale
    in hryvnias to a new client (j). Petro: a sale in hryvnias on the care queue (k)
    and a sale with no sales line to Olga's client (l)."""
    f = Floor()
    f.contact(MIDNIGHT - HOUR, "+447700900111")  # yesterday: a known client
    a = _chat(f, 1, NINE, 10, Outcome.SALE, "+447700900111")
    _chat(f, 1, NINE + HOUR, 20, Outcome.NO_SALE, "+447700900222")
    c = _chat(f, 1, NINE + 2 * HOUR, 5, Outcome.SALE, "+447700900222")
    d = _chat(f, 2, NINE, 15, Outcome.SALE, None, SALES_UK)
    _chat(f, 2, NINE + HOUR, 8, Outcome.PRANK, "+380671234567", SALES_UK)
    j = _chat(f, 2, NINE + 3 * HOUR, 12, Outcome.SALE, "+380501112233", SALES_UK)
    k = f.taken(3, NINE + 4 * HOUR, 4 * MIN, Outcome.SALE, "+447700900666", queue=CARE)
    _chat(f, 3, NINE + 5 * HOUR, 6, Outcome.SALE, "+447700900222")
    ev = f.events()
    ends = dict(zip(ev["interaction_id"][ev["kind"] == EventKind.ENDED].tolist(),
                    ev["ts_ms"][ev["kind"] == EventKind.ENDED].tolist(), strict=True))

    def sale(iid: int, agent: int, cents: int, currency: str, partner: str | None = None
             ) -> Sale:
        return Sale(iid, agent, ends[iid], cents, currency,
                    PARTNER_PRODUCT if partner else "basic", partner)

    path = tmp_path_factory.mktemp("hand") / "floor.sqlite"
    with Store.open(path) as store:
        store.add_queues([Queue(CARE, "care-en-phone", Channel.PHONE, "care", "en", 20),
                          Queue(SALES_EN, "sales-en-chat", Channel.CHAT, "sales", "en", 15),
                          Queue(SALES_UK, "sales-uk-chat", Channel.CHAT, "sales", "uk", 15)])
        store.add_agents([Agent(1, "Olga", ("en",), (), {}, "early", team="A"),
                          Agent(2, "Ivan", ("uk",), (), {}, "late", team="A"),
                          Agent(3, "Petro", ("en",), (), {}, "early", team="B")])
        store.add_interactions([Interaction(i, Channel(ch), dr, "en", q, 0, n or "", t, nt)
                                for i, ch, dr, q, n, nt, t in f.items])
        store.append(f.events())
        store.add_sales([sale(a, 1, 5000, "EUR"), sale(c, 1, 3000, "EUR", "P-1"),
                         sale(d, 2, 12000, "EUR"), sale(d, 2, 1000, "EUR", "P-1"),
                         sale(j, 2, 150000, "UAH"), sale(j, 2, 20000, "UAH", "P-2"),
                         sale(k, 3, 2000, "UAH", "P-2")])
    write_config(path.parent)
    return path


#: The hand-built day's floor: the care queue is not sales work.
HAND_FLOOR = """\
[floor]
name = "Three agents"
languages = ["en", "uk"]
skills = ["care", "sales"]
groups = ["A", "B"]

[[queues]]
name = "care-en-phone"
channel = "phone"
skill = "care"
language = "en"

[[queues]]
name = "sales-en-chat"
channel = "chat"
skill = "sales"
work = "sales"
language = "en"

[[queues]]
name = "sales-uk-chat"
channel = "chat"
skill = "sales"
work = "sales"
language = "uk"

[[agents]]
name = "Olga"
shift = "early"
languages = ["en"]
skills = { sales = 3, care = 3 }
capacity = { phone = 1, chat = 2 }
group = "A"
blend = "blended"

[[agents]]
name = "Ivan"
shift = "late"
languages = ["uk"]
skills = { sales = 3 }
capacity = { chat = 2 }
group = "A"
blend = "blended"

[[agents]]
name = "Petro"
shift = "early"
languages = ["en"]
skills = { sales = 3, care = 3 }
capacity = { phone = 1, chat = 2 }
group = "B"
blend = "blended"
"""


def run(capsys, db: Path, *args: str) -> tuple[int, str, str]:
    """`floorboard ARGS --db DB --config ...` in this process: exit code, out, err."""
    try:
        code = main([*args, "--db", str(db), "--config", str(db.parent / "config.toml")])
    except SystemExit as exc:  # argparse refusing an argument
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, db: Path, *args: str) -> dict:
    code, out, err = run(capsys, db, "sales", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def _csv(capsys, db: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, db, "sales", *args, "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# -- the simulated day -------------------------------------------------------------

def test_the_simulated_day_is_the_report_s_numbers(capsys, sim) -> None:
    db, simulation = sim
    assert (simulation.start_ms, simulation.end_ms) == DAY
    doc = _json(capsys, db, *DAY_ARGS)
    rows = _csv(capsys, db, *DAY_ARGS)
    with Store.open(db) as store:
        assert floor_of_store(store).floor == simulation.floor
        report = sales_report(store, *DAY, floor=simulation.floor)
        names = {a.id: a.name for a in store.agent_rows()}
    t, rev = report.table, report.revenue
    assert t.sales.sum() == simulation.summary.sales > 0
    assert "normal_day_28" in doc["floor"] and doc["currencies"] == ["EUR"]
    assert doc["groups"] == _json_numbers(rows)
    assert [r["agent"] for r in rows] == [names[a] for a in t.key.tolist()]
    for col in ("conversations", "sales", "new_conversations", "new_sales",
                "existing_conversations", "existing_sales", "clients"):
        assert [int(r[col]) for r in rows] == getattr(t, col).tolist(), col
    for col, measure in (("conversion_pct", t.conversion),
                         ("new_conversion_pct", t.conversion_new),
                         ("existing_conversion_pct", t.conversion_existing)):
        assert [r[col] for r in rows] == [f"{round(100 * x, 1)}" for x in measure], col
    assert [r["talk_per_client_min"] for r in rows] == [
        f"{round(s / 60, 1)}" for s in t.talk_per_client_s]
    eur = rev.revenue("EUR")
    assert [r["revenue_EUR"] for r in rows] == [f"{Decimal(eur.get(a, 0)) / 100:.2f}"
                                                for a in t.key.tolist()]
    total = doc["totals"]
    assert (total["conversations"], total["sales"]) == (t.conversations.sum(), t.sales.sum())
    assert round(total["revenue_EUR"] * 100) == sum(eur.values()) == (
        simulation.summary.revenue_cents)
    assert {p["partner"]: p["sales"] for p in doc["partner_sales"]} == rev.partner_sales()
    assert set(rev.partner_sales()) == set(simulation.scenario.sales.partners)
    for p in doc["partner_sales"]:
        mine = rev.partner_id == p["partner"]
        assert round(p["revenue"] * 100) == rev.revenue_cents[mine].sum()
    # Named on the command line, the same floor gives the same report.
    named = _json(capsys, db, *DAY_ARGS, "--floor", "normal_day_28")
    assert named["floor"] == "the floor of scenario normal_day_28"
    assert {**named, "floor": doc["floor"]} == doc


def _json_numbers(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """CSV rows read back as the JSON has them."""
    def value(k: str, v: str) -> object:
        if k == "agent":
            return v
        if v == "":
            return None
        return int(v) if v.lstrip("-").isdigit() else float(v)
    return [{k: value(k, v) for k, v in r.items()} for r in rows]


@pytest.mark.parametrize("by", ["team", "shift", "queue", "language"])
def test_each_grouping_is_the_report_s(capsys, sim, by) -> None:
    db, simulation = sim
    rows = _csv(capsys, db, *DAY_ARGS, "--by", by)
    with Store.open(db) as store:
        t = sales_report(store, *DAY, by, simulation.floor).table
        queue_name = {q.id: q.name for q in store.queue_rows()}
    keys = [queue_name[k] for k in t.key.tolist()] if by == "queue" else t.key.tolist()
    assert [r[by] for r in rows] == keys and len(rows) > 1
    assert [int(r["sales"]) for r in rows] == t.sales.tolist()
    assert [int(r["clients"]) for r in rows] == t.clients.tolist()


# -- a day worked out by hand ------------------------------------------------------

def test_conversion_revenue_per_currency_and_partner_sales(capsys, hand) -> None:
    doc = _json(capsys, hand, *DAY_ARGS)
    assert doc["floor"] is None and doc["currencies"] == ["EUR", "UAH"]
    assert doc["groups"] == [
        {"agent": "Olga", "conversations": 3, "sales": 2, "conversion_pct": 66.7,
         "new_conversations": 1, "new_sales": 0, "new_conversion_pct": 0.0,
         "existing_conversations": 2, "existing_sales": 2, "existing_conversion_pct": 100.0,
         "revenue_EUR": 80.0, "revenue_UAH": 0.0, "clients": 2,
         "talk_per_client_min": 17.5},
        {"agent": "Ivan", "conversations": 2, "sales": 2, "conversion_pct": 100.0,
         "new_conversations": 1, "new_sales": 1, "new_conversion_pct": 100.0,
         "existing_conversations": 0, "existing_sales": 0, "existing_conversion_pct": None,
         "revenue_EUR": 130.0, "revenue_UAH": 1700.0, "clients": 2,
         "talk_per_client_min": 13.5},
        {"agent": "Petro", "conversations": 2, "sales": 2, "conversion_pct": 100.0,
         "new_conversations": 1, "new_sales": 1, "new_conversion_pct": 100.0,
         "existing_conversations": 1, "existing_sales": 1, "existing_conversion_pct": 100.0,
         "revenue_EUR": 0.0, "revenue_UAH": 20.0, "clients": 2,
         "talk_per_client_min": 5.0}]
    # The range's clients: four numbers and one without (a client of their own), for
    # 72 minutes. Olga's and Petro's shared client is one: not the groups' sum.
    assert doc["totals"] == {
        "conversations": 7, "sales": 6, "conversion_pct": 85.7, "new_conversations": 3,
        "new_sales": 2, "new_conversion_pct": 66.7, "existing_conversations": 3,
        "existing_sales": 3, "existing_conversion_pct": 100.0, "revenue_EUR": 210.0,
        "revenue_UAH": 1720.0, "clients": 5, "talk_per_client_min": 14.4}
    assert doc["partner_sales"] == [
        {"partner": "P-1", "currency": "EUR", "sales": 2, "revenue": 40.0},
        {"partner": "P-2", "currency": "UAH", "sales": 2, "revenue": 220.0}]
    assert doc["sales_without_lines"] == 1
    # CSV: money with its two decimals.
    rows = _csv(capsys, hand, *DAY_ARGS)
    assert [(r["revenue_EUR"], r["revenue_UAH"]) for r in rows] == [
        ("80.00", "0.00"), ("130.00", "1700.00"), ("0.00", "20.00")]


def test_the_table_shows_money_partners_and_the_missing_floor(capsys, hand) -> None:
    code, out, err = run(capsys, hand, "sales", *DAY_ARGS)
    assert code == 0 and err == ""
    text = " ".join(out.split())
    assert "│ Ivan │ 2 │ 2 │ 100.0 │ 1 │ 100.0 │ 0 │ - │ 130.00 │ 1,700.00 │ 13.5 │" in text
    assert "│ total │ 7 │ 6 │ 85.7 │ 3 │ 66.7 │ 3 │ 100.0 │ 210.00 │ 1,720.00 │ 14.4 │" in text
    header = " ".join(out.splitlines()[2:4])
    assert header.count("revenue") == 2 and "EUR" in header and "UAH" in header
    assert "- P-1: 2 sales, 40.00 EUR - P-2: 2 sales, 220.00 UAH" in text
    assert "No floor for this database, so its sales queues are not known: a " \
           "conversation on any queue that ended in a sale or no sale counts." in text
    assert "1 sale with no sales line" in text
    assert "never a target" in text
    # Talk per client is context: nothing in the output asks anyone to hurry.
    for word in ("rush", "too long", "faster", "exceed", "over target", "aht"):
        assert word not in text.lower(), word


def test_groups_by_team_queue_and_language(capsys, hand) -> None:
    assert [(r["team"], r["conversations"], r["clients"])
            for r in _csv(capsys, hand, *DAY_ARGS, "--by", "team")] == [
        ("A", "5", "4"), ("B", "2", "2")]
    assert [(r["queue"], r["sales"], r["revenue_EUR"], r["revenue_UAH"])
            for r in _csv(capsys, hand, *DAY_ARGS, "--by", "queue")] == [
        ("care-en-phone", "1", "0.00", "20.00"), ("sales-en-chat", "3", "80.00", "0.00"),
        ("sales-uk-chat", "2", "130.00", "1700.00")]
    assert [(r["language"], r["conversations"])
            for r in _csv(capsys, hand, *DAY_ARGS, "--by", "language")] == [
        ("en", "5"), ("uk", "2")]


def test_with_the_floor_only_its_sales_queues_count(capsys, hand, tmp_path) -> None:
    floor = tmp_path / "floor.toml"
    floor.write_text(HAND_FLOOR)
    doc = _json(capsys, hand, *DAY_ARGS, "--floor", str(floor))
    assert doc["floor"] == f"floor file {floor}"
    # Petro's sale on the care queue (k) is no longer a sales conversation.
    assert [(g["agent"], g["conversations"], g["revenue_UAH"]) for g in doc["groups"]] == [
        ("Olga", 3, 0.0), ("Ivan", 2, 1700.0), ("Petro", 1, 0.0)]
    assert (doc["totals"]["conversations"], doc["totals"]["revenue_UAH"]) == (6, 1700.0)
    assert doc["partner_sales"][1] == {"partner": "P-2", "currency": "UAH", "sales": 1,
                                       "revenue": 200.0}
    code, out, _ = run(capsys, hand, "sales", *DAY_ARGS, "--floor", str(floor))
    assert code == 0
    assert f"Sales conversations: those on the sales queues of floor file {floor}." in (
        " ".join(out.split()))


def test_ranges_without_sales_or_partners_and_an_empty_database(capsys, hand,
                                                                tmp_path) -> None:
    code, out, _ = run(capsys, hand, "sales", "--from", "2026-11-02T00:00", "--to",
                       "2026-11-02T09:00")
    assert code == 0 and "No sales conversation ended in this range." in out
    code, out, _ = run(capsys, hand, "sales", "--from", "2026-11-02T09:00", "--to",
                       "2026-11-02T09:11")  # only a: our own product
    text = " ".join(out.split())
    assert code == 0 and "│ Olga │ 1 │ 1 │ 100.0 │" in text and "│ 50.00 │" in text
    assert "No featured partner's service was sold in this range." in text
    assert "Featured partners' sales" not in out
    empty = tmp_path / "empty.sqlite"
    Store.open(empty).close()
    write_config(tmp_path)
    doc = _json(capsys, empty)
    assert (doc["from"], doc["groups"], doc["partner_sales"]) == (None, [], [])
    code, out, _ = run(capsys, empty, "sales")
    assert code == 0 and "The database holds no events." in out


# -- mistakes and readers ----------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (("--by", "mood"), "--by 'mood': one of agent, team, shift, language, queue"),
    (("--by", "channel"), "--by 'channel': one of agent,"),
    (("--from", "yesterday"), "--from 'yesterday': give a date"),
    (("--from", "2026-11-03", "--to", "2026-11-02"),
     "--from 2026-11-03 is not before --to 2026-11-02"),
    (("--floor", "load_1k"), "--floor: the floor of scenario load_1k is not this "
     "database's floor: its queue 1 is 'q1', 'care-en-phone' in the database"),
    (("--floor", "no_such_day"), "--floor no_such_day: "),
    (("--format", "xml"), "invalid choice: 'xml'"),
])
def test_mistakes_exit_2_saying_what_to_give(capsys, hand, args, message) -> None:
    code, out, err = run(capsys, hand, "sales", *args)
    assert code == 2 and message in err and out == ""


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_reader_that_stops_early_is_no_error(sim, fmt) -> None:
    """`floorboard sales | head -1`: head is gone before we write."""
    db, _ = sim
    p = subprocess.Popen([sys.executable, "-m", "desktop.cli", "sales", "--format", fmt,
                          "--db", str(db), "--config", str(db.parent / "config.toml")],
                         cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=120) == 0, err
    assert err == ""
