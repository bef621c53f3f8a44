"""The Anonymous Bank reader against an independent pandas reading of the same file
(Technion SEE Center, February 1999: every call of a bank's call center)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.ingest.anonymous_bank import BankFormatError, read_bank_file
from core.model import EventKind
from tests.conftest import SHARED_DATA

FEBRUARY = SHARED_DATA / "anonymous_bank" / "february_1999.tsv"
needs_data = pytest.mark.skipif(not FEBRUARY.exists(), reason="shared/data/anonymous_bank is "
                                "not beside the project (see shared/data/README.md)")


@pytest.fixture(scope="module")
def calls():
    return read_bank_file(FEBRUARY)


@pytest.fixture(scope="module")
def frame():
    import pandas as pd

    d = pd.read_csv(FEBRUARY, sep="\t", dtype=str)
    d.columns = [c.strip() for c in d.columns]
    d["line"] = np.arange(2, len(d) + 2)

    def seconds(col: str) -> pd.Series:
        t = d[col].str.split(":", expand=True).astype(int)
        return t[0] * 3600 + t[1] * 60 + t[2]

    entry, vru_exit = seconds("vru_entry"), seconds("vru_exit")
    d["arrival_hour"] = (np.minimum(entry, vru_exit) // 3600) % 24
    d["queued"] = (d["q_start"] != "0:00:00") | (d["q_exit"] != "0:00:00")
    d["q_time"] = d["q_time"].astype(int)
    d["ser_time"] = d["ser_time"].astype(int)
    return d


def _per_call(calls, kind: EventKind) -> dict[int, int]:
    e = calls.events[calls.events["kind"] == int(kind)]
    return dict(zip(e["interaction_id"].tolist(), e["ts_ms"].tolist(), strict=True))


@needs_data
def test_every_line_is_a_call_a_phantom_or_kept_aside(calls, frame) -> None:
    assert calls.lines == len(frame) == 33_344
    assert calls.phantom == (frame["outcome"] == "PHANTOM").sum() == 278
    assert not calls.rejected, [str(r) for r in calls.rejected[:5]]
    assert len(calls.interaction_ids) == len(frame) - calls.phantom
    assert len(calls.agents) == frame.loc[frame["server"] != "NO_SERVER", "server"].nunique()


@needs_data
def test_calls_by_type_and_outcome(calls, frame) -> None:
    real = frame[frame["outcome"] != "PHANTOM"]
    want = real.groupby(["type", "outcome"]).size().to_dict()
    queue_type = {q.id: q.name.removeprefix("bank-") for q in calls.queues}
    type_of = dict(zip(calls.interaction_ids.tolist(),
                       [queue_type[q] for q in calls.queue_ids.tolist()], strict=True))
    got: dict[tuple[str, str], int] = {}
    for kind, outcome in ((EventKind.ENDED, "AGENT"), (EventKind.ABANDONED, "HANG")):
        for iid in _per_call(calls, kind):
            key = (type_of[iid], outcome)
            got[key] = got.get(key, 0) + 1
    assert got == want


@needs_data
def test_waits_service_and_abandonment_by_hour(calls, frame) -> None:
    enq = _per_call(calls, EventKind.ENQUEUED)
    acc = _per_call(calls, EventKind.ACCEPTED)
    end = _per_call(calls, EventKind.ENDED)
    abandoned = _per_call(calls, EventKind.ABANDONED)
    real = frame[frame["outcome"] != "PHANTOM"].set_index("line")
    served = real[real["outcome"] == "AGENT"]
    # Waiting and service, call by call, are the bank's own q_time and ser_time.
    assert {i: (acc[i] - enq[i]) // 1000 for i in acc} == served["q_time"].to_dict()
    assert {i: (end[i] - acc[i]) // 1000 for i in end} == served["ser_time"].to_dict()
    # Abandoned while waiting for an agent (not in the VRU), by hour of arrival.
    hung = real[(real["outcome"] == "HANG") & real["queued"]]
    want = hung.groupby("arrival_hour").size().to_dict()
    arrived = _per_call(calls, EventKind.ARRIVED)
    import datetime as dt
    import zoneinfo

    tz = zoneinfo.ZoneInfo("Asia/Jerusalem")
    got: dict[int, int] = {}
    for i in abandoned:
        if i in enq:
            h = dt.datetime.fromtimestamp(arrived[i] / 1000, tz).hour
            got[h] = got.get(h, 0) + 1
    assert got == want
    assert sum(want.values()) == 3_963


HEADER = ("vru+line\tcall_id\tcustomer_id\tpriority\ttype\tdate\tvru_entry\tvru_exit\t"
          "vru_time\tq_start\tq_exit\tq_time\toutcome\tser_start\tser_exit\tser_time\tserver")
GOOD = "AA0101\t1\t0\t0\tPS\t990201\t7:02:47\t7:02:56\t9\t0:00:00\t0:00:00\t0\tAGENT\t" \
       "7:02:55\t7:05:41\t166\tDORIT"


def _file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "calls.tsv"
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode("ascii"))
    return path


@pytest.mark.parametrize("bad, field, reason", [
    (GOOD.replace("\tPS\t", "\tXX\t"), "type", "'XX' is not one of PS, PE"),
    (GOOD.replace("7:02:47", "7:2:47"), "vru_entry", "not a time H:MM:SS: '7:2:47'"),
    (GOOD.replace("990201", "990230"), "date", "not a date YYMMDD: '990230'"),
    (GOOD.replace("\t166\t", "\tabc\t"), "ser_time", "not a whole number: 'abc'"),
    (GOOD.replace("\t0\tAGENT", "\t12\tAGENT"), "q_time", "12 s for a call that never"),
    (GOOD.rsplit("\t", 1)[0], "(line)", "16 fields, expected 17"),
])
def test_bad_lines_are_kept_aside_with_line_and_field(tmp_path, bad, field, reason) -> None:
    calls = read_bank_file(_file(tmp_path, GOOD, bad, GOOD.replace("\t1\t", "\t2\t", 1)))
    assert calls.lines == 3 and len(calls.interaction_ids) == 2  # the good ones stay
    [rejected] = calls.rejected
    assert (rejected.line, rejected.field) == (3, field)
    assert reason in rejected.reason and rejected.text == bad
    assert str(rejected).startswith(f"{tmp_path / 'calls.tsv'}, line 3, field {field}: ")


def test_a_call_seen_twice_is_kept_aside(tmp_path) -> None:
    calls = read_bank_file(_file(tmp_path, GOOD, GOOD))
    [rejected] = calls.rejected
    assert (rejected.line, rejected.field) == (3, "call_id")
    assert "already on line 2" in rejected.reason


def test_another_format_is_refused_naming_the_file(tmp_path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("date,u,Day,Month,calls\n1999-01-01,1,1,1,3\n")
    with pytest.raises(BankFormatError, match=r"other.csv, line 1: expected the Anonymous "
                                              r"Bank header"):
        read_bank_file(path)


def test_a_call_queued_at_midnight(tmp_path) -> None:
    line = ("AA0102\t31056\t15696776\t2\tPS\t990215\t23:59:54\t23:59:54\t0\t0:00:00\t"
            "0:00:27\t27\tAGENT\t0:00:26\t0:01:33\t67\tAVNI")
    calls = read_bank_file(_file(tmp_path, line))
    ts = {int(k): int(t) for k, t in zip(calls.events["kind"], calls.events["ts_ms"],
                                         strict=True)}
    assert ts[EventKind.ENQUEUED] - ts[EventKind.ARRIVED] == 6_000  # 23:59:54 -> 00:00:00
    assert ts[EventKind.ACCEPTED] - ts[EventKind.ENQUEUED] == 27_000
    assert ts[EventKind.ENDED] - ts[EventKind.ACCEPTED] == 67_000


@needs_data
def test_batch_kpis_on_the_bank_match_pandas_on_the_raw_file(calls, frame) -> None:
    """Calls by type and outcome, waits, service times, abandonment and service level,
    by month and by hour, computed by the batch engine from our events and by pandas
    from the file's own columns."""
    from core.kpi.batch import KpiSettings, contact_kpis
    from core.kpi.contacts import contact_facts

    real = frame[frame["outcome"] != "PHANTOM"].copy()
    offered = real[(real["outcome"] == "AGENT") | real["queued"]].copy()

    def seconds(col: str):
        t = offered[col].str.split(":", expand=True).astype(int)
        return t[0] * 3600 + t[1] * 60 + t[2]

    # Where each wait ended, on the file's clock: queue start (or VRU exit) plus q_time.
    start = seconds("q_start").where(offered["queued"], seconds("vru_exit"))
    offered["hour"] = ((start + offered["q_time"]) // 3600) % 24
    offered["served"] = offered["outcome"] == "AGENT"
    offered["in_target"] = offered["served"] & (offered["q_time"] <= 20)
    offered["short"] = ~offered["served"] & (offered["q_time"] < 5)
    settings = KpiSettings(timezone="Asia/Jerusalem",
                           language={q.id: q.language for q in calls.queues})
    facts = contact_facts(calls.events)
    type_of = {q.id: q.name.removeprefix("bank-") for q in calls.queues}
    for by, column in ((("queue", "interval"), "type"), (("interval",), "hour")):
        interval = "month" if column == "type" else "hour"
        got = contact_kpis(facts, by, interval, settings)
        keys = ([type_of[q] for q in got.keys["queue"].tolist()] if column == "type" else
                ((got.keys["interval"] // 3_600_000) % 24).tolist())
        if column == "type":  # one month: February 1999
            assert set(got.keys["interval"].tolist()) == {917_827_200_000}
        want = offered.groupby(column).agg(
            offered=("served", "size"), answered=("served", "sum"),
            in_target=("in_target", "sum"), short=("short", "sum"))
        want["abandoned"] = want["offered"] - want["answered"]
        want["wait"] = offered[offered["served"]].groupby(column)["q_time"].sum() * 1000
        want["talk"] = offered[offered["served"]].groupby(column)["ser_time"].sum() * 1000
        if column == "hour":
            # A conversation counts in the hour it ended: compare talk by day's total.
            assert got.talk_ms.sum() == want["talk"].sum()
        # The engine's rows are (type, month) or each hour of each day: add them up
        # by type, or by hour of the day.
        import pandas as pd

        ours = pd.DataFrame({
            "key": keys, "offered": got.offered, "answered": got.answered,
            "in_target": got.answered_in_target, "short": got.short_abandoned,
            "abandoned": got.abandoned, "wait": got.wait_answered_ms, "talk": got.talk_ms,
        }).groupby("key").sum()
        compare = ["offered", "answered", "in_target", "short", "abandoned", "wait"]
        if column == "type":
            compare.append("talk")
        pd.testing.assert_frame_equal(ours[compare], want[compare].astype(np.int64),
                                      check_names=False, check_index_type=False)
    # The figures the bank's analysts would quote for the month.
    month = contact_kpis(facts, (), "month", settings)
    print(f"\nAnonymous Bank, Feb 1999: {month.offered[0]:,} calls offered to agents, "
          f"service level (20 s) {month.service_level[0]:.1%}, ASA {month.asa_s[0]:.1f} s, "
          f"abandonment {month.abandon_rate[0]:.1%}, talk {month.talk_s[0]:.0f} s")
