"""STORE-1/2: the event store, its schema, migrations and analyst views."""

from __future__ import annotations

import dataclasses

import apsw
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.model import (
    EVENT_DTYPE,
    LOOKUP_ENUMS,
    AgentState,
    Channel,
    Event,
    EventKind,
    NumberType,
    Sale,
    Vocabulary,
    events_to_array,
    interactions_to_array,
)
from core.store import Store
from core.store.migrations import LATEST_VERSION, MIGRATIONS
from core.store.schema import APPLICATION_ID
from tests import floor_data
from tests.core.store.block_map import check_block_map


def _events(n: int, t0: int = 1000) -> list[Event]:
    return [
        Event(t0 + i, EventKind.OFFERED, interaction_id=i, agent_id=i % 7,
              queue_id=None if i % 3 else 2, channel=Channel.CHAT, value=None,
              detail={"i": i, "ünï": "código"} if i % 5 == 0 else None)
        for i in range(n)
    ]


def test_append_numbers_events_densely_and_reads_them_back(store: Store) -> None:
    first = store.append(_events(250))
    second = store.append(_events(3, t0=9000))
    assert (first.first, first.last, first.count) == (1, 250, 250)
    assert (second.first, second.last) == (251, 253)
    loaded = store.load_events()
    assert [e.seq for e in loaded] == list(range(1, 254))
    expected = _events(250) + _events(3, t0=9000)
    for got, want in zip(loaded, expected, strict=True):
        assert got == Event(**{**_as_dict(want), "seq": got.seq})
    assert store.load_events(since_seq=250) == loaded[250:]
    assert store.load_events(since_seq=10, limit=5) == loaded[10:15]


def _as_dict(e: Event) -> dict:
    return {f: getattr(e, f) for f in Event.__slots__}


def test_columnar_reader_matches_event_objects(store: Store) -> None:
    store.append(_events(1234))
    cols = store.read_columns()
    assert cols.dtype == EVENT_DTYPE
    np.testing.assert_array_equal(cols, events_to_array(store.load_events()))
    np.testing.assert_array_equal(store.read_columns(since_seq=1200), cols[1200:])
    assert len(store.read_columns(since_seq=5, limit=10)) == 10


def test_append_array_fills_in_seq_and_keeps_nulls(store: Store) -> None:
    store.append(_events(2))
    arr = events_to_array(_events(10))
    r = store.append(arr)
    assert arr["seq"].tolist() == list(range(3, 13)) == list(range(r.first, r.last + 1))
    row = store.connection.execute(
        "SELECT interaction_id, queue_id, value FROM events WHERE seq = 4"
    ).fetchone()
    assert row == (1, None, None)  # -1 in the array is NULL in SQL


def test_empty_append_is_a_no_op(store: Store) -> None:
    store.append(_events(4))
    r = store.append([])
    assert r.count == 0 and store.last_seq() == 4


@pytest.mark.parametrize(
    "mutate, error, text",
    [
        (lambda a: a.astype([("x", "<i8")]), TypeError, "dtype"),
        (lambda a: a.__setitem__("kind", 99) or a, ValueError, "unknown kind 99"),
        (lambda a: a.__setitem__("ts_ms", -5) or a, ValueError, "negative ts_ms"),
    ],
)
def test_bad_arrays_are_refused_whole(store: Store, mutate, error, text) -> None:
    arr = events_to_array(_events(5))
    with pytest.raises(error, match=text):
        store.append(mutate(arr))
    assert store.last_seq() == 0


def test_details_must_match_the_batch(store: Store) -> None:
    with pytest.raises(ValueError, match="details has 1 entries for 5 events"):
        store.append(events_to_array(_events(5)), details=[None])


@pytest.mark.parametrize("sql", ["UPDATE events SET value = 1", "DELETE FROM events",
                                 "UPDATE audit SET actor = 'x'", "DELETE FROM audit"])
def test_events_and_audit_are_append_only(store: Store, sql: str) -> None:
    store.append(_events(3))
    store.audit("manager", "login")
    with pytest.raises(apsw.ConstraintError, match="append-only"):
        store.connection.execute(sql)


def test_new_database_is_wal_synchronous_and_versioned(store: Store) -> None:
    c = store.connection
    assert c.pragma("journal_mode") == "wal"
    assert c.pragma("synchronous") == 2  # FULL
    assert c.pragma("application_id") == APPLICATION_ID
    assert c.pragma("user_version") == LATEST_VERSION == len(MIGRATIONS)
    recorded = c.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert recorded == [(i + 1, name) for i, (name, _) in enumerate(MIGRATIONS)]


def test_lookup_tables_hold_every_enum_member(store: Store) -> None:
    # Adding an enum member without a migration that inserts it fails here.
    for table, enum_type in LOOKUP_ENUMS.items():
        rows = store.connection.execute(f"SELECT code, name FROM {table} ORDER BY code")
        assert rows.fetchall() == [(int(m), m.name) for m in sorted(enum_type)]


def test_reopen_keeps_events_and_does_not_migrate_again(db_path) -> None:
    with Store.open(db_path) as s:
        s.append(_events(7))
    with Store.open(db_path) as s:
        assert s.last_seq() == 7
        n = s.connection.execute("SELECT count(*) FROM schema_migrations").get
        assert n == LATEST_VERSION


def test_interactions_get_their_number_type(populated_store: Store) -> None:
    rows = dict(populated_store.connection.execute(
        "SELECT customer_number, customer_number_type FROM interactions"
    ).fetchall())
    assert rows["+380 67 123 4567"] == NumberType.MOBILE
    assert rows["020 7946 0018"] == NumberType.LANDLINE
    assert rows["2041"] == NumberType.INTERNAL
    assert rows[None] == NumberType.UNKNOWN  # withheld number


def test_views_give_analysts_names_and_milestones(populated_store: Store) -> None:
    c = populated_store.connection
    by_id = {r[0]: r for r in c.execute(
        "SELECT interaction_id, channel, queue, wait_s, outcome, customer_number_type"
        " FROM v_interactions"
    )}
    assert len(by_id) == len(floor_data.NUMBERS)
    assert by_id[1][1:] == ("CHAT", "sales-uk-chat", 8.0, "RESOLVED", "MOBILE")
    assert by_id[4][4] == "ABANDONED" and by_id[4][3] is None
    states = c.execute(
        "SELECT agent, state, duration_s FROM v_agent_states WHERE agent_id = 1 ORDER BY from_ms"
    ).fetchall()
    assert states[0][:2] == ("Olena", "AVAILABLE")
    assert states[1][1] == "BUSY" and states[1][2] == pytest.approx(192.0)
    assert states[-1][2] is None  # the current state has no end yet
    kinds = {r[0] for r in c.execute("SELECT DISTINCT kind FROM v_events")}
    assert {"ARRIVED", "ACCEPTED", "ENDED", "AGENT_STATE", "ABANDONED"} <= kinds
    value_names = {r[0] for r in c.execute(
        "SELECT value_name FROM v_events WHERE kind IN ('AGENT_STATE', 'ENDED')")}
    assert {"AVAILABLE", "BUSY", "SALE", "RESOLVED"} <= value_names
    agents = c.execute("SELECT name, languages, skills FROM v_agents ORDER BY agent_id").fetchall()
    assert agents[0] == ("Olena", "uk,ru,en", "care:3,sales:5")


def test_stats_and_audit(populated_store: Store) -> None:
    s = populated_store.stats()
    assert (s.agents, s.queues, s.interactions) == (2, 3, len(floor_data.NUMBERS))
    assert s.events == len(floor_data.events()) and s.last_ts_ms is not None
    i = populated_store.audit("manager", "toggle", "playbook.sms", {"on": True})
    entry = populated_store.audit_entries(since_id=i - 1)[0]
    assert (entry.actor, entry.action, entry.subject, entry.detail) == (
        "manager", "toggle", "playbook.sms", {"on": True})


def test_queue_rows_give_channels(populated_store: Store) -> None:
    rows = populated_store.queue_rows()
    assert rows and all(type(q.channel) is Channel for q in rows)
    assert [q.id for q in rows] == sorted(q.id for q in rows)


def test_agent_state_codes_are_stable() -> None:
    # Codes are part of the file format: renumbering breaks every stored database.
    assert [int(s) for s in AgentState] == [1, 2, 3, 4, 5, 6]
    assert int(EventKind.AGENT_STATE) == 12


def test_a_version_1_database_is_migrated_on_open(db_path) -> None:
    import apsw as _apsw

    from core.store import migrations

    conn = _apsw.Connection(str(db_path))
    conn.execute("BEGIN")
    migrations.MIGRATIONS[0][1](conn)
    conn.execute("INSERT INTO schema_migrations VALUES (1, 'initial', 0)")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    assert conn.execute("SELECT count(*) FROM event_kinds WHERE name = 'BLOCKED'").get == 0
    conn.close()
    with Store.open(db_path) as s:
        c = s.connection
        assert c.execute("SELECT name FROM event_kinds WHERE code = 16").get == "BLOCKED"
        assert c.pragma("user_version") == LATEST_VERSION
        names = [r[0] for r in c.execute("SELECT name FROM schema_migrations ORDER BY version")]
        assert names == [name for name, _ in MIGRATIONS]


def test_columnar_interactions_store_the_same_rows(tmp_path) -> None:
    items = [dataclasses.replace(it, number_type=NumberType.MOBILE if i % 2 else
                                 NumberType.UNKNOWN)
             for i, it in enumerate(floor_data.interactions())]
    vocab = Vocabulary(tuple(dict.fromkeys(it.language for it in items)), ())
    rows = {}
    for how in ("objects", "columns"):
        with Store.open(tmp_path / f"{how}.sqlite") as s:
            s.add_queues(floor_data.QUEUES)
            if how == "objects":
                s.add_interactions(items)
            else:
                s.add_interaction_array(interactions_to_array(items, vocab), vocab.languages,
                                        [it.customer_number or None for it in items])
            rows[how] = s.connection.execute("SELECT * FROM interactions ORDER BY id").fetchall()
    assert rows["objects"] == rows["columns"] and len(rows["columns"]) == len(items)


def test_columnar_interactions_refuse_bad_input_whole(store: Store) -> None:
    store.add_queues(floor_data.QUEUES)
    items = floor_data.interactions()
    vocab = Vocabulary(tuple(dict.fromkeys(it.language for it in items)), ())
    arr = interactions_to_array(items, vocab)
    numbers = [None] * len(items)
    with pytest.raises(TypeError, match="expected"):
        store.add_interaction_array(np.zeros(2, dtype=EVENT_DTYPE), vocab.languages, [None] * 2)
    with pytest.raises(ValueError, match="numbers for"):
        store.add_interaction_array(arr, vocab.languages, numbers[:-1])
    with pytest.raises(ValueError, match="language index"):
        store.add_interaction_array(arr, vocab.languages[:1], numbers)
    assert store.max_interaction_id() == 0


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_time_ranges_read_exactly_the_events_in_them(tmp_path_factory, data) -> None:
    # Batches of any size (across block borders), times mostly rising with some late
    # reports, as a live source sends them; every range must read what a full scan does.
    path = tmp_path_factory.mktemp("blocks") / "floor.sqlite"
    with Store.open(path) as s:
        t = 0
        for n in data.draw(st.lists(st.integers(1, 3000), min_size=1, max_size=6)):
            steps = data.draw(st.lists(st.integers(-5_000, 20_000), min_size=n, max_size=n))
            arr = np.zeros(n, dtype=EVENT_DTYPE)
            arr["ts_ms"] = np.maximum(0, t + np.cumsum(steps))
            arr["kind"] = int(EventKind.ARRIVED)
            t = int(arr["ts_ms"].max())
            s.append(arr)
        check_block_map(s.connection)
        every = s.read_columns()
        for _ in range(5):
            lo = data.draw(st.integers(0, t + 1))
            hi = data.draw(st.integers(lo, t + 2))
            inside = every[(every["ts_ms"] >= lo) & (every["ts_ms"] < hi)]
            np.testing.assert_array_equal(s.read_time_range(lo, hi), inside)
            span = s.seq_range(lo, hi)
            assert all(span.first <= x <= span.last for x in inside["seq"].tolist())


def test_version_2_database_gets_the_time_map_for_its_events(db_path) -> None:
    from core.store import migrations

    conn = apsw.Connection(str(db_path))
    conn.execute("BEGIN")
    for number, (name, step) in enumerate(migrations.MIGRATIONS[:2], start=1):
        step(conn)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (number, name))
    conn.execute("PRAGMA user_version = 2")
    conn.executemany("INSERT INTO events (seq, ts_ms, kind) VALUES (?, ?, 1)",
                     [(i, 50_000 - i if i % 100 == 0 else i) for i in range(1, 10_001)])
    conn.execute("COMMIT")
    conn.close()
    with Store.open(db_path) as s:
        check_block_map(s.connection)
        indexes = s.connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events'"
        ).fetchall()
        assert indexes == []
        assert s.append(_events(10, t0=60_000)).first == 10_001
        check_block_map(s.connection)
        assert len(s.read_time_range(49_000, 49_950)) == 10  # the late ones, seq 100..1000



def _kept(before: dict[str, list], after: dict[str, list]) -> None:
    """Every row is still there; lookup tables may have gained members (new enums)."""
    from core.model import LOOKUP_ENUMS

    for name, rows in before.items():
        if name in LOOKUP_ENUMS:
            assert set(rows) <= set(after[name]), name
        else:
            assert after[name] == rows, name


def _tables(conn: apsw.Connection) -> dict[str, list]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name != 'schema_migrations'")]
    return {n: conn.execute(f"SELECT * FROM {n}").fetchall() for n in names}


def test_a_version_4_database_gains_imports_and_keeps_its_data(db_path, tmp_path) -> None:
    from core.ingest.bank_import import import_bank_file
    from core.store import migrations
    from tests.core.ingest.test_bank_import import bank_file

    conn = apsw.Connection(str(db_path))
    conn.execute("BEGIN")
    for number, (name, step) in enumerate(migrations.MIGRATIONS[:4], start=1):
        step(conn)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (number, name))
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    floor_data.populate(Store(conn, db_path))  # a floor written at version 4
    Store(conn, db_path).audit("manager", "login")
    before = _tables(conn)
    assert "imports" not in before
    conn.close()
    with Store.open(db_path) as s:
        c = s.connection
        assert c.pragma("user_version") == LATEST_VERSION
        after = _tables(c)
        _kept(before, after)
        assert after["imports"] == after["rejected_lines"] == []
        assert c.execute("SELECT name FROM schema_migrations WHERE version = 5").get == (
            "imports and their rejected lines")
        result = import_bank_file(s, bank_file(tmp_path))
        assert result.record.interaction_id_offset == len(floor_data.NUMBERS)
        assert c.execute("SELECT count(*) FROM v_rejected_lines").get == 4


def test_writes_in_a_transaction_are_stored_all_or_none(store: Store) -> None:
    with pytest.raises(RuntimeError, match="midway"), store.transaction():
        store.add_queues(floor_data.QUEUES)
        store.append(_events(5000))  # across a block border of the time map
        raise RuntimeError("midway")
    assert store.last_seq() == 0 and store.queue_rows() == [] and store.time_span() is None
    assert store.connection.execute("SELECT count(*) FROM event_blocks").get == 0
    with store.transaction():
        store.add_queues(floor_data.QUEUES)
        first = store.append(_events(5000))
        second = store.append(_events(10, t0=9000))
    assert (first.first, second.first, store.last_seq()) == (1, 5001, 5010)
    check_block_map(store.connection)
    assert not store.connection.in_transaction


def _at_version(db_path, version: int) -> apsw.Connection:
    """A database made by the first ``version`` migrations, as released."""
    from core.store import migrations

    conn = apsw.Connection(str(db_path))
    conn.execute("BEGIN")
    for number, (name, step) in enumerate(migrations.MIGRATIONS[:version], start=1):
        step(conn)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (number, name))
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    return conn


SALES = [Sale(2, 1, floor_data.T0 + 300_000, 12_950, "EUR", "premium"),
         Sale(4, 1, floor_data.T0 + 420_000, 4_500, "EUR", "partner service", "P-TRAVEL"),
         Sale(6, 2, floor_data.T0 + 540_000, 0, "UAH", "basic")]


def test_a_version_5_database_gains_sales_and_keeps_its_data(db_path) -> None:
    conn = _at_version(db_path, 5)
    floor_data.populate(Store(conn, db_path))  # a floor written at version 5
    Store(conn, db_path).audit("manager", "login")
    before = _tables(conn)
    assert "sales" not in before
    conn.close()
    with Store.open(db_path) as s:
        c = s.connection
        assert c.pragma("user_version") == LATEST_VERSION
        after = _tables(c)
        _kept(before, after)
        assert after["sales"] == []
        assert c.execute("SELECT name FROM schema_migrations WHERE version = 6").get == (
            "sales with amount, currency, product and partner")
        s.add_sales(SALES)
        rows = c.execute("SELECT agent, channel, queue, product, partner_id, amount, currency"
                         " FROM v_sales ORDER BY sale_id").fetchall()
    assert rows == [("Olena", "EMAIL", "care-pl-email", "premium", None, 129.5, "EUR"),
                    ("Olena", "CHAT", "sales-uk-chat", "partner service", "P-TRAVEL", 45.0,
                     "EUR"),
                    ("Marco", "PHONE", "care-en-phone", "basic", None, 0.0, "UAH")]


def test_sales_read_back_as_columns_by_time(populated_store: Store) -> None:
    store = populated_store
    store.add_sales(SALES)
    cols = store.sales_columns(floor_data.T0 + 400_000, floor_data.T0 + 540_000)
    assert cols["interaction_id"].tolist() == [4]
    assert cols["amount_cents"].dtype == np.int64 and cols["amount_cents"].tolist() == [4500]
    assert cols["partner_id"].tolist() == ["P-TRAVEL"]
    whole = store.sales_columns(0, floor_data.T0 + 10**9)
    assert whole["product"].tolist() == ["premium", "partner service", "basic"]
    assert whole["partner_id"].tolist() == [None, "P-TRAVEL", None]
    empty = store.sales_columns(0, 1)
    assert {k: len(v) for k, v in empty.items()} == dict.fromkeys(whole, 0)


@pytest.mark.parametrize("bad, error", [
    (dataclasses.replace(SALES[0], currency="euro"), "ISO 4217"),
    (dataclasses.replace(SALES[0], currency="eur"), "ISO 4217"),
    (dataclasses.replace(SALES[0], amount_cents=-1), "CHECK constraint"),
    (dataclasses.replace(SALES[0], interaction_id=999), "FOREIGN KEY"),
    (dataclasses.replace(SALES[0], agent_id=99), "FOREIGN KEY"),
])
def test_bad_sales_are_refused_whole(populated_store: Store, bad: Sale, error: str) -> None:
    with pytest.raises((ValueError, apsw.ConstraintError), match=error):
        populated_store.add_sales([SALES[1], bad])
    assert len(populated_store.sales_columns(0, 2**62)["id"]) == 0


def test_a_version_6_database_learns_the_outcome_dropped(db_path) -> None:
    conn = _at_version(db_path, 6)
    # Released migrations are frozen: the first ones know outcomes up to PRANK only.
    assert conn.execute("SELECT max(code) FROM outcomes").get == 10
    conn.close()
    with Store.open(db_path) as s:
        c = s.connection
        assert c.execute("SELECT name FROM outcomes WHERE code = 11").get == "DROPPED"
        assert c.execute("SELECT name FROM schema_migrations WHERE version = 7").get == (
            "outcome DROPPED")


def test_agents_come_back_whole(store: Store) -> None:
    import dataclasses

    from core.config.scenario import load_scenario

    floor = load_scenario("normal_day_28").floor
    store.save_floor(floor, "the floor of scenario normal_day_28")
    # Skills come back by name (the table keeps no order among them).
    want = [dataclasses.replace(a, skills=tuple(sorted(a.skills, key=lambda k: k.skill)))
            for a in sorted(floor.agents, key=lambda a: a.id)]
    assert store.agents() == want
    assert store.agent_languages()[floor.agents[0].id] == floor.agents[0].languages


def test_a_new_database_has_large_pages_and_an_older_one_keeps_its_own(
        tmp_path, monkeypatch) -> None:
    from core.store import database

    new = tmp_path / "new.sqlite"
    with Store.open(new) as store:
        store.append(_events(10))
    with Store.open(new) as store:
        assert store.connection.pragma("page_size") == database.NEW_PAGE_SIZE == 16_384

    # A database made before 16 KB pages: opened now, it keeps its 4 KB pages and
    # takes more events beside the old ones.
    old = tmp_path / "old.sqlite"
    monkeypatch.setattr(database, "NEW_PAGE_SIZE", 4096)
    with Store.open(old) as store:
        store.append(_events(10))
    monkeypatch.undo()
    with Store.open(old) as store:
        assert store.connection.pragma("page_size") == 4096
        store.append(_events(5, t0=9000))
        assert len(store.load_events()) == 15
        assert store.connection.execute("PRAGMA integrity_check").get == "ok"
