"""Existing clients (triage) are looked up in a cache of the interactions filled when
asked (schema 9), not in an index on every stored interaction: the counts must be
those of the interactions themselves, however the stores and the look-ups interleave."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.model import Channel, Direction, Interaction
from core.store import Store
from core.store.escalation import EscalationStore
from core.store.export import export_snapshot

NUMBERS = ["+380671234567", "+380671234568", "+447700900123", None]


def _interaction(iid: int, number: str | None, arrived_ms: int) -> Interaction:
    return Interaction(iid, Channel.PHONE, Direction.INBOUND, "uk", None, 0, number,
                       arrived_ms)


def _brute_force(store: Store, number: str, before_ms: int, besides: int | None) -> int:
    return sum(1 for iid, n, at in store.connection.execute(
        "SELECT id, customer_number, arrived_ms FROM interactions")
        if n == number and at < before_ms and iid != besides)


batch = st.lists(st.tuples(st.sampled_from(NUMBERS), st.integers(0, 10_000)), max_size=12)
asks = st.lists(st.tuples(st.sampled_from(NUMBERS[:3]), st.integers(0, 10_001),
                          st.one_of(st.none(), st.integers(1, 60))), max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(batch, asks), min_size=1, max_size=5))
def test_counts_are_those_of_the_interactions_across_catch_ups(steps) -> None:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "f.sqlite") as s:
        db = EscalationStore(s)
        next_id = 1
        for rows, questions in steps:
            s.add_interactions([_interaction(next_id + k, n, at)
                                for k, (n, at) in enumerate(rows)])
            next_id += len(rows)
            for number, before, besides in questions:
                assert db.earlier_contacts(number, before, besides) == _brute_force(
                    s, number, before, besides)


def test_an_interaction_below_a_stored_id_is_refused(store) -> None:
    store.add_interactions([_interaction(5, NUMBERS[0], 1)])
    with pytest.raises(ValueError, match="interaction id 3 is not above the stored ones"):
        store.add_interactions([_interaction(3, NUMBERS[0], 2)])


def test_no_index_entry_is_written_per_stored_interaction(store) -> None:
    """The cost the 10,000-agent day paid (issue 15): nothing keyed by number is
    written while interactions are stored; the cache fills when triage asks."""
    indexes = [r[0] for r in store.connection.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'interactions'"
        " AND sql IS NOT NULL")]
    assert indexes == []
    store.add_interactions([_interaction(k, NUMBERS[0], k) for k in range(1, 11)])
    assert store.connection.execute("SELECT count(*) FROM customer_contacts").get == 0
    assert EscalationStore(store).earlier_contacts(NUMBERS[0], 100, None) == 10
    assert store.connection.execute("SELECT count(*) FROM customer_contacts").get == 10


def test_the_export_leaves_the_cache_empty_and_it_refills(store, tmp_path) -> None:
    store.add_interactions([_interaction(k, NUMBERS[0], k) for k in range(1, 4)])
    EscalationStore(store).earlier_contacts(NUMBERS[0], 100, None)
    out = tmp_path / "export.sqlite"
    export_snapshot(store, out, pseudonymize_key=b"k" * 32, region="UA")
    with Store.open(out) as exported:
        c = exported.connection
        assert c.execute("SELECT count(*) FROM customer_contacts").get == 0
        assert c.execute("SELECT interaction_id FROM customer_contacts_upto").get == 0
        pseudonym = c.execute("SELECT customer_number FROM interactions LIMIT 1").get
        assert EscalationStore(exported).earlier_contacts(pseudonym, 100, None) == 3
