"""Peers for the batch KPI benchmark: the same measures (docs/kpi.md) in DuckDB SQL
over the same event arrays, and in pandas. Written for the benchmark's workload
(benchmarks/kpi_workload.py: UTC, one contact at a time per agent), not as general
readers of the definitions: the tests' reference is tests/core/kpi/reference.py."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

# Default targets (ms) by channel, as the engine's: phone 20 s, chat 15 s, e-mail 4 h.
_TARGET = "CASE channel WHEN 1 THEN 20000 WHEN 2 THEN 15000 ELSE 14400000 END"
_SHORT_MS = 5000
_FIRST_CONTACT = (1, 2, 3, 8, 10)
#: The agents' time columns, by AgentState code.
_STATE_COLUMNS = {1: "available", 2: "busy", 3: "wrap_up", 4: "away", 5: "break_"}
COLUMNS = ("offered", "answered", "in_target", "abandoned", "short", "voicemail",
           "wait_answered", "longest", "talked", "talk", "acw", "transferred", "transfers",
           "first_contact", "inbound", *_STATE_COLUMNS.values())

CONTACTS_SQL = """
CREATE OR REPLACE TEMP TABLE contacts AS
SELECT interaction_id,
       min(ts_ms) FILTER (WHERE kind = 2) AS offered,
       arg_min(queue_id, seq) FILTER (WHERE kind = 2) AS queue,
       arg_min(channel, seq) FILTER (WHERE channel >= 0) AS channel,
       min(ts_ms) FILTER (WHERE kind IN (4, 10, 11)) AS resolved,
       arg_min(kind, seq) FILTER (WHERE kind IN (4, 10, 11)) AS how,
       arg_min(agent_id, seq) FILTER (WHERE kind IN (4, 10, 11)) AS agent,
       max(ts_ms) FILTER (WHERE kind = 9) AS ended,
       arg_max(value, seq) FILTER (WHERE kind = 9) AS outcome,
       arg_max(agent_id, seq) FILTER (WHERE kind = 9) AS end_agent,
       count(*) FILTER (WHERE kind = 7) AS transfers
FROM events WHERE interaction_id >= 0 GROUP BY interaction_id;
CREATE OR REPLACE TEMP TABLE spells AS
SELECT agent_id AS agent, ts_ms AS t0,
       coalesce(lead(ts_ms) OVER (PARTITION BY agent_id ORDER BY ts_ms, seq),
                (SELECT max(ts_ms) FROM events)) AS t1,
       CASE kind WHEN 12 THEN value WHEN 14 THEN 1 ELSE 6 END AS state
FROM events WHERE kind IN (12, 14, 15) AND agent_id >= 0;
CREATE OR REPLACE TEMP TABLE acw AS
SELECT c.interaction_id, s.t1 - s.t0 AS acw
FROM contacts c JOIN spells s ON s.agent = c.end_agent AND s.t0 = c.ended AND s.state = 3;
"""


def measures_sql(key: str, interval_ms: int) -> str:
    """Measures by (key, interval); key is 'agent' or 'queue'."""
    k = "CASE WHEN how = 4 THEN agent ELSE -1 END" if key == "agent" else "queue"
    states = ", ".join(f"sum(o) FILTER (WHERE state = {code}) AS {name}"
                       for code, name in _STATE_COLUMNS.items())
    agent_time = f"""
, slots AS (
  SELECT agent, state, t0, t1, unnest(range(t0 // 900000, (t1 - 1) // 900000 + 1)) AS slot
  FROM spells WHERE t1 > t0 AND state BETWEEN 1 AND 5),
s AS (
  SELECT agent AS k, slot * 900000 // {interval_ms} * {interval_ms} AS iv, {states}
  FROM (SELECT agent, state, slot,
               least(t1, (slot + 1) * 900000) - greatest(t0, slot * 900000) AS o FROM slots)
  GROUP BY ALL)""" if key == "agent" else """
, s AS (SELECT NULL::BIGINT AS k, NULL::BIGINT AS iv, """ + ", ".join(
        f"NULL::BIGINT AS {n}" for n in _STATE_COLUMNS.values()) + " WHERE false)"
    fc = ", ".join(str(x) for x in _FIRST_CONTACT)
    return f"""
WITH waits AS (
  SELECT {k} AS k, resolved // {interval_ms} * {interval_ms} AS iv, how,
         resolved - offered AS wait, {_TARGET} AS target
  FROM contacts WHERE offered IS NOT NULL AND resolved IS NOT NULL),
talks AS (
  SELECT {k} AS k, ended // {interval_ms} * {interval_ms} AS iv, ended - resolved AS talk,
         coalesce(acw.acw, 0) AS acw, transfers, outcome, channel
  FROM contacts LEFT JOIN acw USING (interaction_id) WHERE how = 4 AND ended >= resolved),
a AS (
  SELECT k, iv, count(*) AS offered, count(*) FILTER (WHERE how = 4) AS answered,
         count(*) FILTER (WHERE how = 4 AND wait <= target) AS in_target,
         count(*) FILTER (WHERE how = 10) AS abandoned,
         count(*) FILTER (WHERE how = 10 AND wait < {_SHORT_MS}) AS short,
         count(*) FILTER (WHERE how = 11) AS voicemail,
         coalesce(sum(wait) FILTER (WHERE how = 4), 0) AS wait_answered,
         max(wait) AS longest
  FROM waits GROUP BY k, iv),
t AS (SELECT k, iv, count(*) AS talked, sum(talk) AS talk, sum(acw) AS acw,
             count(*) FILTER (WHERE transfers > 0) AS transferred,
             sum(transfers) AS transfers,
             count(*) FILTER (WHERE transfers = 0 AND outcome IN ({fc}) AND channel <> 7)
               AS first_contact,
             count(*) FILTER (WHERE channel <> 7) AS inbound
      FROM talks GROUP BY k, iv){agent_time},
keys AS (SELECT k, iv FROM a UNION SELECT k, iv FROM t UNION SELECT k, iv FROM s)
SELECT keys.k, keys.iv,
       coalesce(offered, 0) AS offered, coalesce(answered, 0) AS answered,
       coalesce(in_target, 0) AS in_target, coalesce(abandoned, 0) AS abandoned,
       coalesce(short, 0) AS short, coalesce(voicemail, 0) AS voicemail,
       coalesce(wait_answered, 0) AS wait_answered, coalesce(longest, -1) AS longest,
       coalesce(talked, 0) AS talked, coalesce(talk, 0) AS talk, coalesce(acw, 0) AS acw,
       coalesce(transferred, 0) AS transferred, coalesce(transfers, 0) AS transfers,
       coalesce(first_contact, 0) AS first_contact, coalesce(inbound, 0) AS inbound,
       {", ".join(f"coalesce({n}, 0) AS {n}" for n in _STATE_COLUMNS.values())}
FROM keys LEFT JOIN a USING (k, iv) LEFT JOIN t USING (k, iv) LEFT JOIN s USING (k, iv)
ORDER BY k, iv
"""


def duckdb_kpis(events: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(agent, hour) and (queue, 15 min) measures, one thread, from the arrays."""
    con = duckdb.connect()
    con.execute("SET threads = 1")
    frame = pd.DataFrame({c: events[c] for c in ("seq", "ts_ms", "kind", "interaction_id",
                                                 "agent_id", "queue_id", "channel", "value")})
    con.register("events", frame)
    con.execute(CONTACTS_SQL)
    by_agent = con.execute(measures_sql("agent", 3_600_000)).df()
    by_queue = con.execute(measures_sql("queue", 900_000)).df()
    con.close()
    return by_agent, by_queue


def pandas_kpis(events: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    e = pd.DataFrame({c: events[c] for c in ("ts_ms", "kind", "interaction_id", "agent_id",
                                             "queue_id", "channel", "value")})
    ce = e[e["interaction_id"] >= 0]
    enq = ce[ce["kind"] == 2].groupby("interaction_id").first()
    ends = ce[ce["kind"].isin([4, 10, 11])].groupby("interaction_id").first()
    last = ce[ce["kind"] == 9].groupby("interaction_id").last()
    c = pd.DataFrame({"offered": enq["ts_ms"], "queue": enq["queue_id"],
                      "channel": enq["channel"]}).join(
        ends[["ts_ms", "kind", "agent_id"]].rename(
            columns={"ts_ms": "resolved", "kind": "how", "agent_id": "agent"}), how="outer")
    c["ended"], c["outcome"], c["end_agent"] = last["ts_ms"], last["value"], last["agent_id"]
    c["transfers"] = ce[ce["kind"] == 7].groupby("interaction_id").size()
    c["transfers"] = c["transfers"].fillna(0)
    c["agent"] = c["agent"].where(c["how"] == 4, -1)
    # The agents' spells: each state until the agent's next one, or the last event.
    st = e[e["kind"].isin([12, 14, 15]) & (e["agent_id"] >= 0)]
    st = st.assign(state=np.where(st["kind"] == 12, st["value"],
                                  np.where(st["kind"] == 14, 1, 6)))
    st = st.sort_values(["agent_id", "ts_ms"], kind="stable")
    nxt = st.groupby("agent_id")["ts_ms"].shift(-1).fillna(e["ts_ms"].max())
    spells = pd.DataFrame({"agent": st["agent_id"].to_numpy(), "t0": st["ts_ms"].to_numpy(),
                           "t1": nxt.to_numpy().astype(np.int64),
                           "state": st["state"].to_numpy()})
    wraps = spells[spells["state"] == 3]
    acw = c.reset_index().merge(wraps, left_on=["end_agent", "ended"],
                                right_on=["agent", "t0"], suffixes=("", "_w"))
    c["acw"] = pd.Series((acw["t1"] - acw["t0"]).to_numpy(),
                         index=acw["interaction_id"].to_numpy())
    c["acw"] = c["acw"].fillna(0)
    w = c.dropna(subset=["offered", "resolved"]).copy()
    w["wait"] = w["resolved"] - w["offered"]
    target = w["channel"].map({1: 20_000, 2: 15_000}).fillna(14_400_000)
    w["answered"] = w["how"] == 4
    w["in_target"] = w["answered"] & (w["wait"] <= target)
    w["abandoned"] = w["how"] == 10
    w["short"] = w["abandoned"] & (w["wait"] < _SHORT_MS)
    w["voicemail"] = w["how"] == 11
    w["wait_answered"] = w["wait"].where(w["answered"], 0)
    talks = c[(c["how"] == 4) & (c["ended"] >= c["resolved"])].copy()
    talks["talk"] = talks["ended"] - talks["resolved"]
    talks["transferred"] = talks["transfers"] > 0
    talks["inbound"] = talks["channel"] != 7  # dials are KPI-4's
    talks["first_contact"] = ((talks["transfers"] == 0) & talks["outcome"].isin(_FIRST_CONTACT)
                              & talks["inbound"])
    # Spells cut at quarter hours.
    sp = spells[(spells["t1"] > spells["t0"]) & spells["state"].between(1, 5)]
    first, last_slot = sp["t0"] // 900_000, (sp["t1"] - 1) // 900_000
    reps = (last_slot - first + 1).to_numpy()
    cut = sp.loc[sp.index.repeat(reps)].reset_index(drop=True)
    cut["slot"] = np.repeat(first.to_numpy(), reps) + (
        np.arange(len(cut)) - np.repeat(np.cumsum(reps) - reps, reps))
    cut["o"] = (np.minimum(cut["t1"], (cut["slot"] + 1) * 900_000)
                - np.maximum(cut["t0"], cut["slot"] * 900_000))
    out = []
    for key, size in (("agent", 3_600_000), ("queue", 900_000)):
        w["iv"] = w["resolved"] // size * size
        talks["iv"] = talks["ended"] // size * size
        a = w.groupby([key, "iv"]).agg(
            offered=("wait", "size"), answered=("answered", "sum"),
            in_target=("in_target", "sum"), abandoned=("abandoned", "sum"),
            short=("short", "sum"), voicemail=("voicemail", "sum"),
            wait_answered=("wait_answered", "sum"), longest=("wait", "max"))
        t = talks.groupby([key, "iv"]).agg(
            talked=("talk", "size"), talk=("talk", "sum"), acw=("acw", "sum"),
            transferred=("transferred", "sum"), transfers=("transfers", "sum"),
            first_contact=("first_contact", "sum"), inbound=("inbound", "sum"))
        frame = a.join(t, how="outer")
        if key == "agent":
            cut["iv"] = cut["slot"] * 900_000 // size * size
            s = cut.pivot_table(index=["agent", "iv"], columns="state", values="o",
                                aggfunc="sum")
            s = s.rename(columns=_STATE_COLUMNS).reindex(columns=list(
                _STATE_COLUMNS.values()))
            frame = frame.join(s, how="outer")
        else:
            for name in _STATE_COLUMNS.values():
                frame[name] = 0
        out.append(frame.fillna({"longest": -1}).fillna(0))
    return out[0], out[1]
