"""Importing the Anonymous Bank file into the store: every good call stored, every bad
line kept in the database where it came from, nothing imported twice."""

from __future__ import annotations

from pathlib import Path

import apsw
import numpy as np
import pytest

from core.errors import IngestError
from core.ingest import bank_import
from core.ingest.anonymous_bank import read_bank_file
from core.ingest.bank_import import TEAM, import_bank_file, summary_lines
from core.kpi.batch import KpiSettings, contact_kpis
from core.kpi.contacts import contact_facts
from core.model import NONE
from core.reports.kpi_rows import kpi_report
from core.store import Store, TimeSpan
from core.store.imports import import_records, rejected_rows
from tests import floor_data
from tests.conftest import SHARED_DATA
from tests.core.ingest.test_anonymous_bank import HEADER

FEBRUARY = SHARED_DATA / "anonymous_bank" / "february_1999.tsv"
TZ = "Asia/Jerusalem"

# Line numbers are the file's: the header is line 1.
GOOD = {
    2: "AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t"
       "7:02:55\t7:05:41\t166\tDORIT",
    4: "AA0101\t3\t15696776\t1\tPS\t990201\t8:10:00\t8:10:12\t12\t8:10:12\t8:10:52\t40\tHANG\t"
       "0:00:00\t0:00:00\t0\tNO_SERVER",
    7: "AA0102\t6\t6.02701E+11\t2\tPE\t990201\t9:30:00\t9:30:20\t20\t9:30:20\t9:30:45\t25\t"
       "AGENT\t9:30:45\t9:35:45\t300\tAVNI",
    10: "AA0103\t8\t0\t0\tNW\t990202\t23:59:50\t0:00:05\t15\t0:00:00\t0:00:00\t0\tHANG\t"
        "0:00:00\t0:00:00\t0\tNO_SERVER",
    11: "AA0101\t9\t33344455\t0\tIN\t990202\t10:00:00\t10:00:08\t8\t10:00:08\t10:00:11\t3\t"
        "AGENT\t10:00:11\t10:02:11\t120\tDORIT",
    12: "AA0103\t10\t0\t0\tNW\t990202\t11:00:00\t11:00:06\t6\t11:00:06\t11:00:09\t3\tHANG\t"
        "0:00:00\t0:00:00\t0\tNO_SERVER",
}
PHANTOM = {6: "AA0102\t5\t0\t0\tPS\t990201\t9:00:00\t9:00:05\t5\t0:00:00\t0:00:00\t0\tPHANTOM\t"
              "0:00:00\t0:00:00\t0\tNO_SERVER"}
#: line: (text, field, part of the reason)
BAD = {
    3: ("AA0101\t2\t15696776\t0\tXX\t990201\t8:00:00\t8:00:10\t10\t8:00:10\t8:00:40\t30\tHANG\t"
        "0:00:00\t0:00:00\t0\tNO_SERVER", "type", "'XX' is not one of"),
    5: (GOOD[2].replace("\t1\t", "\t4\t", 1).rsplit("\t", 1)[0], "(line)",
        "16 fields, expected 17"),
    8: (GOOD[2], "call_id", "already on line 2"),
    9: ("AA0102\t7\t77777777\t0\tNE\t990201\t25:00:00\t25:00:09\t9\t0:00:00\t0:00:00\t0\t"
        "AGENT\t0:00:00\t0:00:00\t0\tAVNI", "vru_entry", "not a time H:MM:SS"),
}
CUSTOMERS = {2: None, 4: "15696776", 7: "6.02701E+11", 10: None, 11: "33344455", 12: None}
PRIORITIES = {2: 0, 4: 1, 7: 2, 10: 0, 11: 0, 12: 0}
QUEUE_NAMES = {2: "bank-PS", 4: "bank-PS", 7: "bank-PE", 10: "bank-NW", 11: "bank-IN",
               12: "bank-NW"}


def bank_file(folder: Path, name: str = "calls.tsv", **replace: str) -> Path:
    """A small file of good, phantom and bad lines; ``replace`` edits its text."""
    lines = {**GOOD, **PHANTOM, **{n: text for n, (text, _, _) in BAD.items()}}
    text = "\r\n".join([HEADER, *(lines[n] for n in sorted(lines))]) + "\r\n"
    for old, new in replace.items():
        text = text.replace(old, new)
    path = folder / name
    path.write_bytes(text.encode("ascii"))
    return path


def _counts(store: Store) -> dict[str, int]:
    c = store.connection
    return {t: c.execute(f"SELECT count(*) FROM {t}").get for t in
            ("events", "interactions", "queues", "agents", "imports", "rejected_lines",
             "audit")}


def _settings(queues) -> KpiSettings:
    return KpiSettings(target_ms={q.id: q.sla_target_s * 1000 for q in queues},
                       language={q.id: q.language for q in queues}, timezone=TZ)


@pytest.fixture
def imported(tmp_path, store):
    path = bank_file(tmp_path)
    return path, import_bank_file(store, path, actor="supervisor")


def test_every_good_call_is_stored_with_its_customer_and_queue(imported, store) -> None:
    _, result = imported
    rows = store.connection.execute(
        "SELECT i.id, i.customer_number, i.priority, q.name, c.name, i.language"
        " FROM interactions i JOIN queues q ON q.id = i.queue_id"
        " JOIN channels c ON c.code = i.channel ORDER BY i.id").fetchall()
    assert [r[0] for r in rows] == sorted(GOOD)  # an empty store: ids are the lines
    assert {r[0]: r[1] for r in rows} == CUSTOMERS
    assert {r[0]: r[2] for r in rows} == PRIORITIES
    assert {r[0]: r[3] for r in rows} == QUEUE_NAMES
    assert {r[4] for r in rows} == {"PHONE"}
    assert {r[0]: r[5] for r in rows}[7] == "en"
    agents = store.connection.execute("SELECT name, team FROM agents ORDER BY id").fetchall()
    assert agents == [("DORIT", TEAM), ("AVNI", TEAM)]
    r = result.record
    assert (r.lines, r.imported, r.phantom, r.rejected) == (11, 6, 1, 4)
    assert r.interaction_id_offset == 0


def test_events_are_the_reader_s_in_time_order(imported, store) -> None:
    path, _ = imported
    calls = read_bank_file(path)
    stored = store.read_columns()
    assert np.all(np.diff(stored["ts_ms"]) >= 0)  # seq order is time order
    for col in ("ts_ms", "kind", "interaction_id", "queue_id", "channel", "value"):
        np.testing.assert_array_equal(stored[col], calls.events[col])
    agents = dict(store.connection.execute("SELECT name, id FROM agents").fetchall())
    want = np.array([NONE, *(agents[a] for a in calls.agents)])[
        np.where(calls.events["agent_id"] == NONE, 0, calls.events["agent_id"])]
    np.testing.assert_array_equal(stored["agent_id"], want)
    assert store.time_span() == TimeSpan(int(calls.events["ts_ms"][0]),
                                         int(calls.events["ts_ms"][-1]))


def test_every_bad_line_is_kept_with_its_line_field_reason_and_text(imported, store) -> None:
    path, result = imported
    rows = rejected_rows(store, result.record.id)
    assert [r.line for r in rows] == sorted(BAD)
    for r in rows:
        text, field, reason = BAD[r.line]
        assert (r.field, r.text) == (field, text)
        assert reason in r.reason
    view = store.connection.execute(
        "SELECT file_name, line, field FROM v_rejected_lines ORDER BY line").fetchall()
    assert view == [(str(path), n, BAD[n][1]) for n in sorted(BAD)]
    [record] = import_records(store)
    assert (record.file_name, record.source) == (str(path), "anonymous-bank")
    assert len(record.sha256) == 64 and record == result.record


def test_the_import_is_audited(imported, store) -> None:
    path, result = imported
    [entry] = [e for e in store.audit_entries() if e.action == "import"]
    assert (entry.actor, entry.action, entry.subject) == ("supervisor", "import", str(path))
    assert entry.detail["import_id"] == result.record.id
    assert (entry.detail["imported"], entry.detail["phantom"],
            entry.detail["rejected"]) == (6, 1, 4)


def test_the_summary_says_what_came_in_and_where_the_rejected_lines_are(imported) -> None:
    _, result = imported
    text = "\n".join(summary_lines(result, "UTC"))
    assert "11 lines read: 6 calls imported, 1 phantom" in text and "4 rejected" in text
    assert "rejected_lines (import_id 1)" in text
    assert "line 3, field type: 'XX' is not one of" in text
    assert "from 1999-02-01 07:02:47 to 1999-02-02 23:59:50 (Asia/Jerusalem)" in text
    assert "floor.timezone" in text  # the floor's clock is not the file's
    assert "floor.timezone" not in "\n".join(summary_lines(result, TZ))


def test_the_same_file_again_is_refused_naming_the_earlier_import(imported, store,
                                                                 tmp_path) -> None:
    path, _ = imported
    before = _counts(store)
    with pytest.raises(IngestError, match=r"already imported, as import #1 on .* from "
                                          r".*calls.tsv \(6 calls, 4 rejected lines\)"):
        import_bank_file(store, path)
    copy = tmp_path / "copy" / "calls.tsv"
    copy.parent.mkdir()
    copy.write_bytes(path.read_bytes())
    with pytest.raises(IngestError, match="already imported, as import #1"):
        import_bank_file(store, copy)
    assert _counts(store) == before


def test_another_version_of_the_file_is_refused_too(imported, store, tmp_path) -> None:
    before = _counts(store)
    # Line endings converted, and the bad type corrected: other bytes, the same calls.
    other = tmp_path / "other"
    other.mkdir()
    fixed = bank_file(other, **{"\r\n": "\n", "\tXX\t": "\tPS\t"})
    with pytest.raises(IngestError, match=r"arrive within those of import #1 from .*calls.tsv"):
        import_bank_file(store, fixed)
    assert _counts(store) == before


def test_a_failed_import_leaves_nothing(tmp_path, store, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bank_import, "record_import", broken)
    before = _counts(store)
    with pytest.raises(RuntimeError, match="disk full"):
        import_bank_file(store, bank_file(tmp_path))
    assert _counts(store) == before  # queues, agents, interactions, events all gone
    assert store.time_span() is None
    monkeypatch.undo()
    assert import_bank_file(store, bank_file(tmp_path)).record.imported == 6


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.tsv", "missing.tsv: no such file"),
    (lambda d: d, "is a folder"),
    (lambda d: (d / "x.csv", (d / "x.csv").write_text("date,u\n1,2\n"))[0],
     "x.csv, line 1: expected the Anonymous Bank header"),
])
def test_unusable_files_are_refused_with_nothing_written(tmp_path, store, make,
                                                         message) -> None:
    before = _counts(store)
    with pytest.raises(IngestError, match=message):
        import_bank_file(store, make(tmp_path))
    assert _counts(store) == before


def test_kpis_of_the_store_are_the_batch_engine_s_over_the_reader_s_events(imported,
                                                                          store) -> None:
    path, _ = imported
    calls = read_bank_file(path)
    for by, interval in ((("queue", "interval"), "day"), (("agent",), "hour")):
        want = contact_kpis(contact_facts(calls.events), by, interval,
                            _settings(calls.queues))
        got, _ = kpi_report(store, by, interval, timezone=TZ)
        assert len(got) == len(want) > 1
        np.testing.assert_array_equal(got.offered, want.offered)
        np.testing.assert_array_equal(got.answered_in_target, want.answered_in_target)
        np.testing.assert_array_equal(got.measures, want.measures)
        if by == ("agent",):  # the reader's agent ids are the store's in an empty store
            np.testing.assert_array_equal(got.keys["agent"], want.keys["agent"])


def test_into_a_store_with_a_floor_ids_continue_after_the_floor_s(tmp_path,
                                                                  populated_store) -> None:
    store = populated_store
    floor_queues, floor_agents = store.queue_rows(), store.agent_rows()
    offset = store.max_interaction_id()
    assert offset == len(floor_data.NUMBERS)
    floor_events = store.read_columns()
    result = import_bank_file(store, bank_file(tmp_path))
    assert result.record.interaction_id_offset == offset
    assert store.queue_rows()[:len(floor_queues)] == floor_queues
    assert store.agent_rows()[:len(floor_agents)] == floor_agents
    ids = [r[0] for r in store.connection.execute(
        "SELECT id FROM interactions WHERE id > ? ORDER BY id", (offset,))]
    assert ids == [offset + line for line in sorted(GOOD)]
    # The calls' queues and agents are the bank's, under their new ids.
    bank = store.read_columns(since_seq=len(floor_events))
    queue_name = {q.id: q.name for q in store.queue_rows()}
    agent_name = {a.id: a.name for a in store.agent_rows()}
    assert {queue_name[q] for q in bank["queue_id"].tolist()} == set(QUEUE_NAMES.values())
    assert {agent_name[a] for a in bank["agent_id"].tolist() if a != NONE} == {"DORIT", "AVNI"}
    # KPIs by queue: the bank's queues give the engine's numbers over the reader's events.
    calls = read_bank_file(result.record.file_name)
    want = contact_kpis(contact_facts(calls.events), ("queue",), "day", _settings(calls.queues))
    got, _ = kpi_report(store, ("queue",), "day", timezone=TZ)
    reader_name = {q.id: q.name for q in calls.queues}
    want_rows = {reader_name[q]: row.tolist()
                 for q, row in zip(want.keys["queue"].tolist(), want.measures, strict=True)}
    got_rows = {queue_name[q]: row.tolist()
                for q, row in zip(got.keys["queue"].tolist(), got.measures, strict=True)
                if queue_name[q].startswith("bank-")}
    assert got_rows == want_rows


def test_a_later_month_reuses_the_queues_and_agents(tmp_path, store) -> None:
    first = import_bank_file(store, bank_file(tmp_path))
    march = tmp_path / "march"
    march.mkdir()
    later = import_bank_file(store, bank_file(march, **{"\t9902": "\t9903"}))
    assert later.queues_added == [] and later.agents_added == 0
    assert len(store.queue_rows()) == len(first.queues_added) == 6  # every call type
    assert [a.name for a in store.agent_rows()] == ["DORIT", "AVNI"]
    assert later.record.interaction_id_offset == max(GOOD)
    assert store.stats().interactions == 2 * len(GOOD)
    assert [r.id for r in import_records(store)] == [1, 2]


@pytest.mark.parametrize("sql", ["UPDATE imports SET lines = 0", "DELETE FROM imports",
                                 "UPDATE rejected_lines SET text = NULL",
                                 "DELETE FROM rejected_lines"])
def test_imports_and_rejected_lines_are_append_only(imported, store, sql) -> None:
    with pytest.raises(apsw.ConstraintError, match="append-only"):
        store.connection.execute(sql)


@pytest.mark.skipif(not FEBRUARY.exists(), reason="shared/data/anonymous_bank is not beside "
                    "the project (see shared/data/README.md)")
def test_the_february_file_imports_whole(store) -> None:
    result = import_bank_file(store, FEBRUARY)
    r = result.record
    assert (r.lines, r.imported, r.phantom, r.rejected) == (33_344, 33_066, 278, 0)
    s = store.stats()
    assert (s.interactions, s.queues) == (33_066, 6)
    assert s.events == len(read_bank_file(FEBRUARY).events)
    assert store.connection.execute("SELECT count(*) FROM rejected_lines").get == 0
    identified = store.connection.execute(
        "SELECT count(*) FROM interactions WHERE customer_number IS NOT NULL").get
    assert 0 < identified < 33_066
