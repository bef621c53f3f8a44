"""Per-contact facts from events: when each contact was offered, answered, abandoned,
sent to voicemail or ended, by whom, its transfers and after-call work; and the
agents' time per state, for occupancy (docs/kpi.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from core.kpi.buffers import POOL
from core.model import EVENT_DTYPE
from core_ext import kpi_facts, kpi_layout


@dataclass
class ContactFacts:
    """One row per contact (interaction) seen in the events, as columns; -1 (how: 0):
    no such moment or id. An id in the span that never occurs keeps an empty row
    (never offered: never counted)."""

    interaction_id: np.ndarray
    offered_ms: np.ndarray
    resolved_ms: np.ndarray  # when the wait ended (answered, abandoned, voicemail)
    ended_ms: np.ndarray  # the conversation's last end
    acw_ms: np.ndarray  # after-call work of the answering agent
    agent_id: np.ndarray  # who answered
    queue_id: np.ndarray  # where it was first offered
    channel: np.ndarray
    how: np.ndarray  # kpi_layout.HOW_ANSWERED, HOW_ABANDONED, HOW_VOICEMAIL; 0: still waiting
    outcome: np.ndarray  # of its last ENDED
    transfers: np.ndarray
    #: The events the facts were read from (the agents' state log is read off them
    #: when asked for).
    events: np.ndarray = field(repr=False)
    #: Agents' time per state and UTC quarter hour (kpi_layout R_* columns), the
    #: states open at the end up to last_ms; None when an agent's states were out of
    #: time order (then only the log is right).
    state_slots: np.ndarray | None = field(default=None, repr=False)
    #: The earliest and latest moment of the events read (0, -1: none); the latest
    #: is later when the states open at the end are known to last longer.
    first_ms: int = 0
    last_ms: int = -1
    #: Up to when state_slots holds the states open at the end (the last_ms they
    #: were read with).
    state_slots_until: int = -1

    def __len__(self) -> int:
        return len(self.interaction_id)

    @cached_property
    def _state_log(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ev = self.events
        n = len(ev)
        log = (np.empty(n, np.int64), np.empty(n, np.int32), np.empty(n, np.int8))
        n_log, in_order = kpi_facts.state_log(ev["ts_ms"], ev["kind"], ev["agent_id"],
                                              ev["value"], *log)
        log_ts, log_agent, log_state = (x[:n_log].copy() for x in log)
        if not in_order:  # late reports: back in time order
            order = np.argsort(log_ts, kind="stable")
            log_ts, log_agent, log_state = log_ts[order], log_agent[order], log_state[order]
        return log_ts, log_agent, log_state

    # The agents' states (AGENT_STATE; a login AVAILABLE, a logout OFFLINE) in time
    # order, read when first asked for: the measures need only ``state_slots``.
    @property
    def state_ms(self) -> np.ndarray:
        return self._state_log[0]

    @property
    def state_agent(self) -> np.ndarray:
        return self._state_log[1]

    @property
    def state(self) -> np.ndarray:
        return self._state_log[2]

    @cached_property
    def state_agent_max(self) -> int:
        """The largest agent id with a state (-1: none)."""
        if self.state_slots is not None:
            return int(self.state_slots[:, kpi_layout.R_AGENT].max(initial=-1))
        return int(self.state_agent.max(initial=-1))

    def _when(self, how: int) -> np.ndarray:
        return np.where(self.how == how, self.resolved_ms, -1)

    @property
    def answered_ms(self) -> np.ndarray:
        return self._when(kpi_layout.HOW_ANSWERED)

    @property
    def wait_ms(self) -> np.ndarray:
        """From offered to the end of the wait, for offered and resolved contacts (else -1)."""
        r = self.resolved_ms
        return np.where((self.offered_ms >= 0) & (r >= 0), r - self.offered_ms, -1)


#: Events looked at, at each end of the array, to guess the span of ids and agents.
_GUESS = 65_536


def contact_facts(events: np.ndarray, open_until_ms: int | None = None) -> ContactFacts:
    """Facts for every interaction with an event in ``events`` (EVENT_DTYPE, in seq
    order). Events of a contact outside the array are not seen: give a range that
    holds its whole life, or accept its facts as of the range. The agents' states
    open at the end last until the latest event, or until ``open_until_ms`` if that
    is later (it is known that nothing changed before then)."""
    if events.dtype != EVENT_DTYPE:
        raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
    columns = tuple(events[c] for c in ("ts_ms", "kind", "interaction_id", "agent_id",
                                        "queue_id", "channel", "value"))
    iid, agent = events["interaction_id"], events["agent_id"]
    # Ids of a floor are dense and grow with time: guess their span from both ends
    # of the array (reading it whole just for that costs as much as the facts); the
    # kernel reports what fell outside, and then it runs again on the true span.
    ends = np.concatenate([iid[:_GUESS], iid[-_GUESS:]])
    ends = ends[ends >= 0]
    lo = int(ends.min()) if len(ends) else 0
    hi = int(ends.max()) + 1024 if len(ends) else 0
    n_agents = max(1024, int(np.concatenate([agent[:_GUESS], agent[-_GUESS:]]).max(
        initial=-1)) + 1)
    # Room for a record per agent state change, a tenth of the events (a month's
    # floor has one per 16); the kernel counts what it needs if that is not enough.
    records = POOL.empty((len(events) // 10 + 4096, kpi_layout.R_WIDTH), np.int32)
    open_until = -(2**63) if open_until_ms is None else int(open_until_ms)

    def run(lo: int, slot: np.ndarray, n: int, n_agents: int) -> tuple:
        nonlocal records
        facts = _fact_arrays(n)
        out = kpi_facts.contact_facts(*columns, lo, slot, facts, records, n_agents, open_until)
        if out[0] > len(records) and not out[-1][0]:
            records = POOL.empty((out[0], kpi_layout.R_WIDTH), np.int32)
            facts = _fact_arrays(n)
            out = kpi_facts.contact_facts(*columns, lo, slot, facts, records, n_agents, open_until)
        return (facts, *out)

    out = None
    if hi - lo < 2 * len(iid) + 1024:
        out = run(lo, _NO_SLOTS, hi - lo + 1, n_agents)
        misses = out[-1]
        if misses[0]:
            if misses[2] >= 0:
                lo, hi = min(lo, int(misses[1])), max(hi, int(misses[2]))
            n_agents = max(n_agents, int(misses[3]) + 1)
            out = None
            if hi - lo < 2 * len(iid) + 1024:
                out = run(lo, _NO_SLOTS, hi - lo + 1, n_agents)
    if out is not None:
        ids = kpi_facts.count_up(POOL.empty(len(out[0][0]), np.int64), lo)
    else:  # ids far apart: a row per distinct id
        n_agents = max(n_agents, int(agent.max(initial=-1)) + 1)
        ids, slot = np.unique(iid, return_inverse=True)
        slot = slot.ravel().astype(np.int64)
        if ids[0] < 0:  # events without an interaction
            ids, slot = ids[1:], slot - 1
        out = run(0, slot, len(ids), n_agents)
    facts, n_rec, first, last, misses = out
    assert misses[0] == 0, "the second pass has the true span"
    # Quarter hours past int32 (61,000 years from 1970) do not fit a record.
    fits = len(events) == 0 or (-_SLOTS_FIT <= first and last < _SLOTS_FIT)
    slots = records[:n_rec] if not misses[4] and fits else None
    (offered, resolved, ended, acw, answered_by, queue_of, channel_of, how, outcome,
     transfers) = facts
    empty = not len(events)
    last = max(-1 if empty else int(last), open_until)
    return ContactFacts(
        interaction_id=ids, offered_ms=offered, resolved_ms=resolved, ended_ms=ended,
        acw_ms=acw, agent_id=answered_by, queue_id=queue_of, channel=channel_of, how=how,
        outcome=outcome, transfers=transfers, events=events, state_slots=slots,
        first_ms=0 if empty else int(first), last_ms=last, state_slots_until=last)


_NO_SLOTS = np.zeros(0, np.int64)
_SLOTS_FIT = 2**31 * kpi_layout.SLOT_MS


def _fact_arrays(n: int) -> tuple[np.ndarray, ...]:
    """The kernel's per-contact columns, as before any event. Allocated by numpy, which
    asks for huge pages (first touching them then costs half as much), from the
    buffers kept for the next report (core.kpi.buffers)."""
    return tuple(POOL.full(n, fill, dtype) for dtype, fill in (
        (np.int64, -1), (np.int64, -1), (np.int64, -1), (np.int64, -1), (np.int32, -1),
        (np.int32, -1), (np.int8, -1), (np.int8, 0), (np.int8, -1), (np.int16, 0)))
