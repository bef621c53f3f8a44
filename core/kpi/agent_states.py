"""The agents' states over time, rebuilt from their events: who was available, busy,
away or logged out at any moment (docs/call-analytics.md).

An agent's state is that of their latest AGENT_STATE, AGENT_LOGIN (available) or
AGENT_LOGOUT (offline) event; before their first event in the array an agent is
offline, so read a lookback before the range (a day holds a shift). Questions about
many moments are answered with sorted interval ends and ``searchsorted``, never by
walking events per moment.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from core.model import EVENT_DTYPE, AgentState, EventKind

#: End of a state the agent is still in.
OPEN_END = np.iinfo(np.int64).max


class Presence(enum.IntEnum):
    """What an AgentState means for a waiting call."""

    OFFLINE = 0
    AVAILABLE = 1  # could take it now
    BUSY = 2  # on a contact or in its wrap-up
    AWAY = 3  # logged in but away or on a break


_PRESENCE = np.full(max(int(s) for s in AgentState) + 1, -1, dtype=np.int8)
for _s, _p in ((AgentState.AVAILABLE, Presence.AVAILABLE), (AgentState.BUSY, Presence.BUSY),
               (AgentState.WRAP_UP, Presence.BUSY), (AgentState.AWAY, Presence.AWAY),
               (AgentState.BREAK, Presence.AWAY), (AgentState.OFFLINE, Presence.OFFLINE)):
    _PRESENCE[int(_s)] = int(_p)

_KINDS = np.array([EventKind.AGENT_STATE, EventKind.AGENT_LOGIN, EventKind.AGENT_LOGOUT],
                  dtype=np.int16)


@dataclass(frozen=True)
class PresenceCounts:
    """Eligible agents per presence at each of some moments."""

    available: np.ndarray
    busy: np.ndarray
    away: np.ndarray

    @property
    def logged_in(self) -> np.ndarray:
        return self.available + self.busy + self.away


@dataclass
class AgentTimeline:
    """Spells of one presence each, per agent in start order: [start_ms, end_ms), none
    empty. Consecutive events of one presence make one spell (a repeated AVAILABLE
    does not restart an agent's availability)."""

    agent_id: np.ndarray  # int64
    start_ms: np.ndarray  # int64
    end_ms: np.ndarray  # int64, OPEN_END: still in it
    presence: np.ndarray  # int8, Presence

    def __len__(self) -> int:
        return len(self.agent_id)

    def _spells(self, presence: Presence, agents: Collection[int] | None
                ) -> tuple[np.ndarray, np.ndarray]:
        mask = self.presence == int(presence)
        if agents is not None:
            mask &= np.isin(self.agent_id, np.fromiter(agents, np.int64, len(agents)))
        return self.start_ms[mask], self.end_ms[mask]

    def counts_at(self, times: np.ndarray, agents: Collection[int] | None = None,
                  settle_ms: int = 0) -> PresenceCounts:
        """How many of ``agents`` (default: all) were in each presence at each moment.
        An agent counts as available only once available for ``settle_ms``; before
        that, as busy (just freed: the router has not had its chance yet)."""
        t = np.asarray(times, dtype=np.int64)
        av_s, av_e = self._spells(Presence.AVAILABLE, agents)
        settled = av_s + settle_ms < av_e
        settling_e = np.minimum(av_s + settle_ms, av_e)
        busy_s, busy_e = self._spells(Presence.BUSY, agents)
        away_s, away_e = self._spells(Presence.AWAY, agents)
        return PresenceCounts(
            available=_covering(av_s[settled] + settle_ms, av_e[settled], t),
            busy=_covering(busy_s, busy_e, t) + _covering(av_s, settling_e, t),
            away=_covering(away_s, away_e, t))

    def available_for(self, from_ms: np.ndarray, to_ms: np.ndarray,
                      agents: Collection[int] | None = None, min_ms: int = 0) -> np.ndarray:
        """Per window [from_ms, to_ms]: the number of spells in which one of ``agents``
        was available for at least ``min_ms`` (and 1 ms) of the window."""
        min_ms = max(min_ms, 1)
        lo = np.asarray(from_ms, dtype=np.int64)
        hi = np.asarray(to_ms, dtype=np.int64) - min_ms
        s, e = self._spells(Presence.AVAILABLE, agents)
        # Overlap >= min_ms  <=>  the closed [s, e - min_ms] meets [lo, hi - min_ms].
        keep = e - min_ms >= s
        s, e = np.sort(s[keep]), np.sort(e[keep] - min_ms)
        n = np.searchsorted(s, hi, side="right") - np.searchsorted(e, lo, side="left")
        return np.where(hi >= lo, n, 0)

    def logged_in_ms(self, since_ms: int, until_ms: int) -> dict[int, int]:
        """Milliseconds each agent spent logged in (any presence but offline) within
        [since_ms, until_ms); agents never logged in then are left out."""
        on = self.presence != int(Presence.OFFLINE)
        overlap = (np.minimum(self.end_ms[on], until_ms)
                   - np.maximum(self.start_ms[on], since_ms))
        agents, spent = self.agent_id[on], np.maximum(overlap, 0)
        ids, slot = np.unique(agents[overlap > 0], return_inverse=True)
        total = np.bincount(slot.ravel(), weights=spent[overlap > 0], minlength=len(ids))
        return {int(a): int(ms) for a, ms in zip(ids.tolist(), total.tolist(), strict=True)}


def _covering(start: np.ndarray, end: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Per moment, the number of [start, end) spells that hold it."""
    return (np.searchsorted(np.sort(start), t, side="right")
            - np.searchsorted(np.sort(end), t, side="right"))


def agent_timeline(events: np.ndarray) -> AgentTimeline:
    """The agents' presence spells from ``events`` (EVENT_DTYPE, in seq order)."""
    if events.dtype != EVENT_DTYPE:
        raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
    sel = np.isin(events["kind"], _KINDS) & (events["agent_id"] >= 0)
    ev = events[sel]
    kind = ev["kind"]
    state = np.where(kind == EventKind.AGENT_LOGIN, int(AgentState.AVAILABLE),
                     np.where(kind == EventKind.AGENT_LOGOUT, int(AgentState.OFFLINE),
                              ev["value"]))
    known = (state >= 0) & (state < len(_PRESENCE))
    known[known] = _PRESENCE[state[known]] >= 0
    if not known.all():
        i = int(np.flatnonzero(~known)[0])
        raise ValueError(f"event seq {int(ev['seq'][i])}: agent {int(ev['agent_id'][i])} "
                         f"reported unknown state {int(state[i])}")
    agent = ev["agent_id"].astype(np.int64)
    ts = ev["ts_ms"].astype(np.int64)
    # By agent, then time; of an agent's events at one moment the last (in seq
    # order) holds, the others never held at all.
    order = np.lexsort((np.arange(len(ev)), ts, agent))
    agent, ts, presence = agent[order], ts[order], _PRESENCE[state[order]]
    held = np.ones(len(agent), dtype=bool)
    held[:-1] = (agent[1:] != agent[:-1]) | (ts[1:] != ts[:-1])
    agent, ts, presence = agent[held], ts[held], presence[held]
    repeat = np.zeros(len(agent), dtype=bool)
    repeat[1:] = (agent[1:] == agent[:-1]) & (presence[1:] == presence[:-1])
    agent, ts, presence = agent[~repeat], ts[~repeat], presence[~repeat]
    end = np.full(len(ts), OPEN_END, dtype=np.int64)
    followed = np.flatnonzero(agent[1:] == agent[:-1])
    end[followed] = ts[followed + 1]
    return AgentTimeline(agent, ts, end, presence)
