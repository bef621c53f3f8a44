"""The floor a database was filled from is stored when the floor is saved (schema 10's
floor_policies): the simulator saves it, the reports read it back, the command line
and the desktop's reports tab judge comparable agents by it alike, and a database
without one is reported as having no floor. Flags attach to rows by agent id."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from core.config.scenario import SCENARIO_DIR, load_scenario
from core.errors import StoreError
from core.model.floor_policy import OverflowStep
from core.reports.flagged_report import flagged_report
from core.reports.floor_source import floor_of_store
from core.simulation.engine import Simulation
from core.store import Store, migrations
from core.store.floor_policy_json import policy_from_json, policy_to_json
from tests.cli import test_call_report_cli
from tests.cli.test_call_report_cli import DAY, DAY_ARGS, NAMES, _json, run
from tests.report_floor import TZ, write_config

SHIPPED = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
#: The hand-built day of four agents (Olga, Ivan, Petro, Anna) with no floor stored.
hand = test_call_report_cli.hand


def _copy(db: Path, to: Path) -> Path:
    """A database of a module's fixture to change in one test only."""
    to.mkdir(exist_ok=True)
    with Store.open(db) as s:
        s.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(db, to / db.name)
    write_config(to)
    return to / db.name


# -- the document --------------------------------------------------------------------

@pytest.mark.parametrize("scenario", SHIPPED)
def test_every_shipped_floor_comes_back_from_its_json_the_same(scenario: str) -> None:
    floor = load_scenario(scenario).floor
    assert policy_from_json(policy_to_json(floor)) == floor


def test_every_field_of_a_policy_comes_back() -> None:
    floor = load_scenario("normal_day_28").floor
    q = floor.queues[0]
    widened = dataclasses.replace(
        q, groups=("north",), secondary_language="uk", no_answer_s=25, voicemail_after_s=90,
        overflow=(OverflowStep(30, min_proficiency=1, secondary_language=True,
                               groups=("south",), any_language=True),))
    changed = dataclasses.replace(floor, queues=(widened, *floor.queues[1:]))
    back = policy_from_json(policy_to_json(changed))
    assert back == changed and back.queues[0].overflow[0].groups == ("south",)


def test_a_document_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        policy_from_json('{"format": 99}')
    with pytest.raises(ValueError, match="not a floor policy"):
        policy_from_json('{"format": 1}')


# -- saved and read back ---------------------------------------------------------------

def test_a_simulation_stores_its_floor_and_the_reports_read_it(sim) -> None:
    db, simulation = sim
    with Store.open_reader(db) as store:
        stored = store.stored_floor()
        found = floor_of_store(store)
    assert stored.floor == simulation.floor
    assert stored.source == "the floor of scenario normal_day_28"
    assert found.floor == simulation.floor
    assert found.source == ("'Multilingual care & sales floor (28 agents)', the floor of "
                            "scenario normal_day_28 (saved with the database)")


def test_a_simulation_given_no_source_names_its_scenario(store: Store) -> None:
    sc = dataclasses.replace(load_scenario("normal_day_28"), days=1)
    Simulation(sc, store)
    assert store.stored_floor().source == f"the floor of scenario '{sc.name}'"


def test_floorboard_simulate_stores_where_the_floor_came_from(tmp_path: Path) -> None:
    from core.cli.simulate import simulate

    db = tmp_path / "floor.sqlite"
    scenario = tmp_path / "day.toml"
    text = (SCENARIO_DIR / "normal_day_28.toml").read_text()
    scenario.write_text(text.replace('"../floors/', f'"{SCENARIO_DIR.parent}/floors/'))
    assert simulate(str(scenario), db, days=1) == 0
    with Store.open_reader(db) as store:
        assert store.stored_floor().source == f"the floor of scenario file {scenario}"


def test_the_newest_floor_holds_and_the_same_floor_is_kept_once(store: Store) -> None:
    floor = load_scenario("normal_day_28").floor
    store.save_floor(floor, "first")
    store.save_floor(floor, "first")
    rows = store.connection.execute("SELECT count(*) FROM floor_policies").get
    assert rows == 1
    renamed = dataclasses.replace(floor, agents=(
        dataclasses.replace(floor.agents[0], name="Someone else"), *floor.agents[1:]))
    store.save_floor(renamed, "edited")
    stored = store.stored_floor()
    assert (stored.source, stored.floor) == ("edited", renamed)
    assert store.agent_rows()[0].name == "Someone else"


def test_a_stored_floor_this_version_cannot_read_is_an_error_saying_so(store: Store) -> None:
    store.connection.execute("INSERT INTO floor_policies (saved_ms, source, policy) "
                             "VALUES (1, 'future', '{\"format\": 2}')")
    with pytest.raises(StoreError, match="the stored floor cannot be read"):
        store.stored_floor()


# -- no stored floor ------------------------------------------------------------------

def test_a_database_filled_before_schema_10_has_no_floor(tmp_path: Path, capsys,
                                                         monkeypatch) -> None:
    """Its queues and agents are exactly a shipped scenario's, as an older `floorboard
    simulate` left them: nothing guesses the floor from them."""
    db = tmp_path / "floor.sqlite"
    sc = dataclasses.replace(load_scenario("normal_day_28"), days=1)
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:-1])
        m.setattr(migrations, "LATEST_VERSION", migrations.LATEST_VERSION - 1)
        with Store.open(db) as old:
            old.add_queues([q.queue for q in sc.floor.queues])
            old.add_agents(sc.floor.agents)
    with Store.open(db) as store:
        Simulation(sc, store).run()
        # What a schema-9 run leaves: the floor's rows, and no policy.
        store.connection.execute("DELETE FROM floor_policies")
        assert store.stored_floor() is None and floor_of_store(store) is None
    write_config(tmp_path)
    code, out, _ = run(capsys, db, "missed", *DAY_ARGS)
    assert code == 0
    assert "No floor for this database: every agent counts for every queue" in \
        " ".join(out.split())
    assert _json(capsys, db, "calls", *DAY_ARGS)["floor"] is None
    assert _json(capsys, db, "sales", *DAY_ARGS)["floor"] is None


def test_an_import_without_a_floor_stores_none(hand) -> None:
    db, _ = hand
    with Store.open_reader(db) as store:
        assert store.stored_floor() is None and floor_of_store(store) is None


# -- the command line and the desktop agree ----------------------------------------------

def _spread_evidence(db: Path) -> tuple[list[str], str | None]:
    with Store.open_reader(db) as store:
        report = flagged_report(store, ("agent",), "day", *DAY, TZ)
    return ([f.evidence for f in report.flags if f.kind == "spread"],
            report.floor.source if report.floor else None)


def test_the_cli_and_the_reports_tab_compare_the_same_agents(capsys, sim) -> None:
    db, _ = sim
    doc = _json(capsys, db, "calls", *DAY_ARGS)
    evidence, source = _spread_evidence(db)
    assert doc["spread_flags"] and "skills" in doc["spread_flags"][0]["evidence"]
    assert evidence == [f["evidence"] for f in doc["spread_flags"]]
    assert source == doc["floor"] is not None


def test_without_a_stored_floor_both_compare_by_team_and_shift(capsys, sim,
                                                                tmp_path: Path) -> None:
    """The agents' skills are still in the agents' tables: the tab used to compare by
    them while the command line could not, so the two disagreed."""
    db = _copy(sim[0], tmp_path / "copy")
    with Store.open(db) as store:
        store.connection.execute("DELETE FROM floor_policies")
        assert any(a.skills for a in store.agents())
    doc = _json(capsys, db, "calls", *DAY_ARGS)
    evidence, source = _spread_evidence(db)
    assert source is None is doc["floor"]
    assert evidence == [f["evidence"] for f in doc["spread_flags"]]
    assert all("skills not known" in e for e in evidence)


# -- flags by agent id ------------------------------------------------------------------

def test_a_flag_marks_its_agent_s_row_not_a_namesake_s(hand, tmp_path: Path) -> None:
    """Olga (1) is flagged; Petro (3), renamed Olga, is not."""
    db = _copy(hand[0], tmp_path / "namesakes")
    with Store.open(db) as store:
        store.connection.execute("UPDATE agents SET name = 'Olga' WHERE id = 3")
        report = flagged_report(store, ("agent",), "day", *DAY, TZ)
    ids = report.table.keys["agent"].tolist()
    flags = {a: r["flags"] for a, r in zip(ids, report.rows, strict=True)}
    assert [r["agent"] for r in report.rows].count(NAMES[1]) == 2
    assert "sabotage" in flags[1] and flags[3] == ""
