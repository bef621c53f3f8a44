"""A plain reading of docs/kpi.md in pandas and loops, written apart from the
engines: the reference both are checked against."""

from __future__ import annotations

import bisect

import numpy as np
import pandas as pd

from core.model import AgentState
from core.model import EventKind as K

DEFAULT_TARGET_MS = {1: 20_000, 2: 15_000, 3: 14_400_000, 4: 14_400_000, 5: 3_600_000,
                     6: 14_400_000, 7: 86_400_000}
OUTBOUND_CALL = 7
#: Outcomes that need no follow-up: resolved in the first contact if not transferred.
FIRST_CONTACT_OUTCOMES = {1, 2, 3, 8, 10}
#: The wait histogram's upper bin edges, in seconds (docs/kpi.md).
WAIT_EDGES_S = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 20, 25, 30, 40, 50, 60, 75, 90, 120,
                150, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800,
                14400, 21600, 28800, 43200, 86400)
STATE_MEASURE = {AgentState.AVAILABLE: "available_ms", AgentState.BUSY: "busy_ms",
                 AgentState.WRAP_UP: "wrap_up_ms", AgentState.AWAY: "away_ms",
                 AgentState.BREAK: "break_ms"}
MEASURES = ("offered", "answered", "answered_in_target", "abandoned", "short_abandoned",
            "voicemail", "wait_answered_ms", "longest_wait_ms", "talked", "talk_ms",
            "acw_ms", "transferred", "transfers", "first_contact_resolved",
            "inbound_conversations", "available_ms", "busy_ms", "wrap_up_ms", "away_ms", "break_ms")


def _local_start(ms: int, interval: str, timezone: str) -> int:
    t = pd.Timestamp(ms, unit="ms", tz="UTC").tz_convert(timezone).tz_localize(None)
    t = t.to_period("M").to_timestamp() if interval == "month" else t.floor(
        {"15min": "15min", "hour": "h", "day": "D"}[interval])
    return (t - pd.Timestamp(0)) // pd.Timedelta(milliseconds=1)


def _acw(e: pd.DataFrame) -> dict[int, int]:
    """Per contact, its after-call work: the wrap-up its agent began at the moment of
    the contact's last end, until the agent's next other state."""
    out: dict[int, int] = {}
    last_end: dict[int, tuple[int, int]] = {}  # agent -> (contact, when)
    contact_end: dict[int, int] = {}  # contact -> when it last ended
    wrap_from: dict[int, int] = {}
    for row in e.itertuples():
        if row.kind == K.ENDED and row.interaction_id >= 0:
            out.pop(row.interaction_id, None)  # a later end: its own wrap-up counts
            contact_end[row.interaction_id] = row.ts_ms
            if row.agent_id >= 0:
                last_end[row.agent_id] = (row.interaction_id, row.ts_ms)
        elif row.kind in (K.AGENT_STATE, K.AGENT_LOGIN, K.AGENT_LOGOUT) and row.agent_id >= 0:
            a = row.agent_id
            if row.kind == K.AGENT_STATE and row.value == AgentState.WRAP_UP:
                wrap_from.setdefault(a, row.ts_ms)
            elif a in wrap_from:
                start = wrap_from.pop(a)
                contact, when = last_end.get(a, (-1, -1))
                # Not if the contact has ended again since (by another agent).
                if (contact >= 0 and when == start and row.ts_ms >= start
                        and contact_end[contact] == when):
                    out[contact] = row.ts_ms - start
    return out


def _state_time(e: pd.DataFrame, keys_of, since: int, end: int, interval: str,
                timezone: str) -> dict[tuple, dict[str, int]]:
    """Per group, each agent's time per state: a state lasts until the agent's next
    one (in time order) or the end; split at quarter hours into local intervals."""
    log = e[e["kind"].isin([K.AGENT_STATE, K.AGENT_LOGIN, K.AGENT_LOGOUT])
            & (e["agent_id"] >= 0)]
    log = log.sort_values(["ts_ms", "seq"], kind="stable")
    out: dict[tuple, dict[str, int]] = {}
    for agent, g in log.groupby("agent_id"):
        times = [*g["ts_ms"].tolist(), end]
        # A login makes the agent available; a logout, offline.
        states = [AgentState(v) if k == K.AGENT_STATE else AgentState.OFFLINE
                  if k == K.AGENT_LOGOUT else AgentState.AVAILABLE
                  for k, v in zip(g["kind"], g["value"], strict=True)]
        for state, t0, t1 in zip(states, times, times[1:], strict=False):
            measure = STATE_MEASURE.get(state)
            t0, t1 = max(t0, since), min(t1, end)
            if measure is None:
                continue
            while t0 < t1:
                nxt = min(t1, (t0 // 900_000 + 1) * 900_000)
                key = keys_of(agent, _local_start(t0, interval, timezone))
                cell = out.setdefault(key, dict.fromkeys(STATE_MEASURE.values(), 0))
                cell[measure] += nxt - t0
                t0 = nxt
    return out


def contact_kpis(events: np.ndarray, by: tuple[str, ...], interval: str, timezone: str,
                 language: dict[int, str], team: dict[int, str] | None = None,
                 shift: dict[int, str] | None = None, short_ms: int = 5_000,
                 percentiles: bool = False, since_ms: int | None = None,
                 until_ms: int | None = None) -> pd.DataFrame:
    team, shift = team or {}, shift or {}
    since = 0 if since_ms is None else since_ms
    until = np.iinfo(np.int64).max if until_ms is None else until_ms
    e = pd.DataFrame({c: events[c] for c in ("seq", "ts_ms", "kind", "interaction_id",
                                             "agent_id", "queue_id", "channel", "value")})
    acw = _acw(e)
    c_ev = e[e["interaction_id"] >= 0].reset_index(drop=True)
    g = c_ev.groupby("interaction_id")
    c = pd.DataFrame(index=g.size().index)
    enq = c_ev[c_ev["kind"] == K.ENQUEUED].groupby("interaction_id").first()
    c["offered"] = enq["ts_ms"]
    with_q = c_ev[c_ev["queue_id"] >= 0].groupby("interaction_id").first()
    c["queue"] = enq["queue_id"].combine_first(with_q["queue_id"])
    c["channel"] = c_ev[c_ev["channel"] >= 0].groupby("interaction_id")["channel"].first()
    # The wait ends with the first of these three; only an ACCEPTED answers.
    ends = c_ev[c_ev["kind"].isin([K.ACCEPTED, K.ABANDONED, K.VOICEMAIL])].groupby(
        "interaction_id").first()
    c["end_kind"] = ends["kind"]
    c["resolved"] = ends["ts_ms"]
    c["agent"] = ends["agent_id"].where(ends["kind"] == K.ACCEPTED)
    last_end = c_ev[c_ev["kind"] == K.ENDED].groupby("interaction_id").last()
    c["ended"] = last_end["ts_ms"]
    c["outcome"] = last_end["value"]
    c["transfers"] = c_ev[c_ev["kind"] == K.TRANSFERRED].groupby("interaction_id").size()
    c = c.fillna({"queue": -1, "channel": -1, "agent": -1, "transfers": 0})
    c["acw"] = [acw.get(i, 0) for i in c.index]
    c["answered_ms"] = c["resolved"].where(c["end_kind"] == K.ACCEPTED)

    def label(names: dict[int, str], ident: int) -> int:
        return sorted(set(names.values())).index(names[ident]) if ident in names else -1

    def keys_of(queue: int, agent: int, channel: int, start: int) -> tuple:
        value = {"channel": channel, "queue": queue, "agent": agent, "interval": start,
                 "language": label(language, queue), "team": label(team, agent),
                 "shift": label(shift, agent)}
        return tuple(value[d] for d in by) if by else (0,)

    cells: dict[tuple, dict[str, int]] = {}

    def cell(key: tuple) -> dict[str, int]:
        return cells.setdefault(key, {**dict.fromkeys(MEASURES, 0), "longest_wait_ms": -1,
                                      "hist": [0] * (len(WAIT_EDGES_S) + 1)})

    for r in c.itertuples():
        q, a, ch = int(r.queue), int(r.agent), int(r.channel)
        # An outbound dial's wait is a campaign's lag: no contact measure counts it.
        if (not np.isnan(r.offered) and not np.isnan(r.resolved) and ch != OUTBOUND_CALL
                and since <= r.resolved < until):
            x = cell(keys_of(q, a, ch, _local_start(int(r.resolved), interval, timezone)))
            wait = int(r.resolved - r.offered)
            x["offered"] += 1
            if r.end_kind == K.ACCEPTED:
                x["answered"] += 1
                x["wait_answered_ms"] += wait
                x["answered_in_target"] += wait <= DEFAULT_TARGET_MS[ch]
                x["hist"][bisect.bisect_left([s * 1000 for s in WAIT_EDGES_S], wait)] += 1
            elif r.end_kind == K.ABANDONED:
                x["abandoned"] += 1
                x["short_abandoned"] += wait < short_ms
            else:
                x["voicemail"] += 1
            x["longest_wait_ms"] = max(x["longest_wait_ms"], wait)
        if (not np.isnan(r.answered_ms) and not np.isnan(r.ended) and r.ended >= r.answered_ms
                and since <= r.ended < until):
            x = cell(keys_of(q, a, ch, _local_start(int(r.ended), interval, timezone)))
            x["talked"] += 1
            x["talk_ms"] += int(r.ended - r.answered_ms)
            x["acw_ms"] += r.acw
            x["transferred"] += r.transfers > 0
            x["transfers"] += int(r.transfers)
            x["first_contact_resolved"] += (r.transfers == 0 and ch != OUTBOUND_CALL
                                            and int(r.outcome) in FIRST_CONTACT_OUTCOMES)
            x["inbound_conversations"] += ch != OUTBOUND_CALL
    # Agents' state time, when every dimension is an agent's or the interval.
    if not {"channel", "queue", "language"} & set(by) and len(e):
        def agent_keys(agent: int, start: int) -> tuple:
            return keys_of(-1, agent, -1, start)

        # A state still open counts up to the latest event, or the range's end.
        end = min(until, int(e["ts_ms"].max()))
        for key, times in _state_time(e, agent_keys, since, end, interval,
                                      timezone).items():
            if sum(times.values()):
                cell(key).update(times)
    rows = [{**dict(zip(by or ("_all",), key, strict=True)),
             **{m: v[m] for m in MEASURES}, **({"wait_hist": tuple(v["hist"])}
                                               if percentiles else {})}
            for key, v in cells.items()]
    frame = pd.DataFrame(rows, columns=[*(by or ("_all",)), *MEASURES,
                                        *(("wait_hist",) if percentiles else ())])
    frame[list(MEASURES)] = frame[list(MEASURES)].astype(np.int64)
    return frame.set_index(list(by or ("_all",))).sort_index()
