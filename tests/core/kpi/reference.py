"""A plain pandas reading of docs/kpi.md, written apart from the engines: the
reference both are checked against."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.model import EventKind as K

DEFAULT_TARGET_MS = {1: 20_000, 2: 15_000, 3: 14_400_000, 4: 14_400_000, 5: 3_600_000,
                     6: 14_400_000, 7: 86_400_000}


def contact_kpis(events: np.ndarray, by: tuple[str, ...], interval: str, timezone: str,
                 language: dict[int, str], short_ms: int = 5_000) -> pd.DataFrame:
    e = pd.DataFrame({c: events[c] for c in ("seq", "ts_ms", "kind", "interaction_id",
                                             "agent_id", "queue_id", "channel")})
    e = e[e["interaction_id"] >= 0].reset_index(drop=True)
    e["order"] = np.arange(len(e))
    g = e.groupby("interaction_id")
    c = pd.DataFrame(index=g.size().index)
    enq = e[e["kind"] == K.ENQUEUED].groupby("interaction_id").first()
    c["offered"] = enq["ts_ms"]
    with_q = e[e["queue_id"] >= 0].groupby("interaction_id").first()
    c["queue"] = enq["queue_id"].combine_first(with_q["queue_id"])
    c["channel"] = e[e["channel"] >= 0].groupby("interaction_id")["channel"].first()
    # The wait ends with the first of these three; only an ACCEPTED answers.
    ends = e[e["kind"].isin([K.ACCEPTED, K.ABANDONED, K.VOICEMAIL])].groupby(
        "interaction_id").first()
    c["end_kind"] = ends["kind"]
    c["resolved"] = ends["ts_ms"]
    c["agent"] = ends["agent_id"].where(ends["kind"] == K.ACCEPTED)
    c["ended"] = e[e["kind"] == K.ENDED].groupby("interaction_id")["ts_ms"].last()
    c = c.fillna({"queue": -1, "channel": -1, "agent": -1})
    c["language"] = c["queue"].map(lambda q: sorted(set(language.values())).index(
        language[q]) if q in language else -1)
    c["answered_ms"] = c["resolved"].where(c["end_kind"] == K.ACCEPTED)

    def local(ts: pd.Series) -> pd.Series:
        t = pd.to_datetime(ts, unit="ms", utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
        floor = {"15min": "15min", "hour": "h", "day": "D"}.get(interval)
        t = t.dt.floor(floor) if floor else t.dt.to_period("M").dt.to_timestamp()
        return (t - pd.Timestamp(0)) // pd.Timedelta(milliseconds=1)

    contacts = c[c["offered"].notna() & c["resolved"].notna()].copy()
    contacts["wait"] = contacts["resolved"] - contacts["offered"]
    contacts["interval"] = local(contacts["resolved"])
    target = contacts["channel"].map(DEFAULT_TARGET_MS)
    contacts["is_answered"] = contacts["end_kind"] == K.ACCEPTED
    contacts["is_abandoned"] = contacts["end_kind"] == K.ABANDONED
    contacts["in_target"] = contacts["is_answered"] & (contacts["wait"] <= target)
    contacts["short"] = contacts["is_abandoned"] & (contacts["wait"] < short_ms)
    contacts["voicemail"] = contacts["end_kind"] == K.VOICEMAIL
    contacts["answered_wait"] = contacts["wait"].where(contacts["is_answered"], 0)
    talks = c[c["answered_ms"].notna() & c["ended"].notna() & (c["ended"] >= c["answered_ms"])]
    talks = talks.assign(talk=talks["ended"] - talks["answered_ms"],
                         interval=local(talks["ended"]))
    keys = list(by)
    if not keys:
        contacts["_all"] = 0
        talks = talks.assign(_all=0)
        keys = ["_all"]
    a = contacts.groupby(keys).agg(
        offered=("wait", "size"), answered=("is_answered", "sum"),
        answered_in_target=("in_target", "sum"), abandoned=("is_abandoned", "sum"),
        short_abandoned=("short", "sum"), voicemail=("voicemail", "sum"),
        wait_answered_ms=("answered_wait", "sum"), longest_wait_ms=("wait", "max"))
    t = talks.groupby(keys).agg(talked=("talk", "size"), talk_ms=("talk", "sum"))
    out = a.join(t, how="outer").fillna({"longest_wait_ms": -1}).fillna(0)
    return out.astype(np.int64).sort_index()
