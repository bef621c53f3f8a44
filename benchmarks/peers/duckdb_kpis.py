"""Peer for the batch KPI benchmark: the same measures (docs/kpi.md) in DuckDB SQL
over the same event arrays, and in pandas."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

# Default targets (ms) by channel, as the engine's: phone 20 s, chat 15 s, e-mail 4 h.
_TARGET = "CASE channel WHEN 1 THEN 20000 WHEN 2 THEN 15000 ELSE 14400000 END"
_SHORT_MS = 5000

CONTACTS_SQL = """
CREATE OR REPLACE TEMP TABLE contacts AS
SELECT interaction_id,
       min(ts_ms) FILTER (WHERE kind = 2) AS offered,
       arg_min(queue_id, seq) FILTER (WHERE kind = 2) AS queue,
       arg_min(channel, seq) FILTER (WHERE channel >= 0) AS channel,
       min(ts_ms) FILTER (WHERE kind IN (4, 10, 11)) AS resolved,
       arg_min(kind, seq) FILTER (WHERE kind IN (4, 10, 11)) AS how,
       arg_min(agent_id, seq) FILTER (WHERE kind IN (4, 10, 11)) AS agent,
       max(ts_ms) FILTER (WHERE kind = 9) AS ended
FROM events WHERE interaction_id >= 0 GROUP BY interaction_id
"""


def measures_sql(key: str, interval_ms: int) -> str:
    """Measures by (key, interval); key is 'agent' or 'queue'."""
    k = "CASE WHEN how = 4 THEN agent ELSE -1 END" if key == "agent" else "queue"
    return f"""
WITH waits AS (
  SELECT {k} AS k, resolved // {interval_ms} * {interval_ms} AS iv, how,
         resolved - offered AS wait, {_TARGET} AS target
  FROM contacts WHERE offered IS NOT NULL AND resolved IS NOT NULL),
talks AS (
  SELECT {k} AS k, ended // {interval_ms} * {interval_ms} AS iv, ended - resolved AS talk
  FROM contacts WHERE how = 4 AND ended >= resolved),
a AS (
  SELECT k, iv, count(*) AS offered, count(*) FILTER (WHERE how = 4) AS answered,
         count(*) FILTER (WHERE how = 4 AND wait <= target) AS in_target,
         count(*) FILTER (WHERE how = 10) AS abandoned,
         count(*) FILTER (WHERE how = 10 AND wait < {_SHORT_MS}) AS short,
         count(*) FILTER (WHERE how = 11) AS voicemail,
         coalesce(sum(wait) FILTER (WHERE how = 4), 0) AS wait_answered,
         max(wait) AS longest
  FROM waits GROUP BY k, iv),
t AS (SELECT k, iv, count(*) AS talked, sum(talk) AS talk FROM talks GROUP BY k, iv)
SELECT coalesce(a.k, t.k) AS k, coalesce(a.iv, t.iv) AS iv,
       coalesce(offered, 0) AS offered, coalesce(answered, 0) AS answered,
       coalesce(in_target, 0) AS in_target, coalesce(abandoned, 0) AS abandoned,
       coalesce(short, 0) AS short, coalesce(voicemail, 0) AS voicemail,
       coalesce(wait_answered, 0) AS wait_answered, coalesce(longest, -1) AS longest,
       coalesce(talked, 0) AS talked, coalesce(talk, 0) AS talk
FROM a FULL OUTER JOIN t ON a.k = t.k AND a.iv = t.iv
ORDER BY k, iv
"""


def duckdb_kpis(events: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(agent, hour) and (queue, 15 min) measures, one thread, from the arrays."""
    con = duckdb.connect()
    con.execute("SET threads = 1")
    frame = pd.DataFrame({c: events[c] for c in ("seq", "ts_ms", "kind", "interaction_id",
                                                 "agent_id", "queue_id", "channel")})
    con.register("events", frame)
    con.execute(CONTACTS_SQL)
    by_agent = con.execute(measures_sql("agent", 3_600_000)).df()
    by_queue = con.execute(measures_sql("queue", 900_000)).df()
    con.close()
    return by_agent, by_queue


def pandas_kpis(events: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    e = pd.DataFrame({c: events[c] for c in ("ts_ms", "kind", "interaction_id", "agent_id",
                                             "queue_id", "channel")})
    e = e[e["interaction_id"] >= 0]
    enq = e[e["kind"] == 2].groupby("interaction_id").first()
    ends = e[e["kind"].isin([4, 10, 11])].groupby("interaction_id").first()
    c = pd.DataFrame({"offered": enq["ts_ms"], "queue": enq["queue_id"],
                      "channel": enq["channel"]}).join(
        ends[["ts_ms", "kind", "agent_id"]].rename(
            columns={"ts_ms": "resolved", "kind": "how", "agent_id": "agent"}), how="outer")
    c["ended"] = e[e["kind"] == 9].groupby("interaction_id")["ts_ms"].last()
    c["agent"] = c["agent"].where(c["how"] == 4, -1)
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
    out = []
    for key, size in (("agent", 3_600_000), ("queue", 900_000)):
        w["iv"] = w["resolved"] // size * size
        talks["iv"] = talks["ended"] // size * size
        a = w.groupby([key, "iv"]).agg(
            offered=("wait", "size"), answered=("answered", "sum"),
            in_target=("in_target", "sum"), abandoned=("abandoned", "sum"),
            short=("short", "sum"), voicemail=("voicemail", "sum"),
            wait_answered=("wait_answered", "sum"), longest=("wait", "max"))
        t = talks.groupby([key, "iv"]).agg(talked=("talk", "size"), talk=("talk", "sum"))
        out.append(a.join(t, how="outer").fillna({"longest": -1}).fillna(0))
    return out[0], out[1]
