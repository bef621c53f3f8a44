"""Per-contact facts from events: when each contact was offered, answered, abandoned,
sent to voicemail or ended, by whom, its transfers and after-call work; and the
agents' state log, for occupancy (docs/kpi.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.model import EVENT_DTYPE
from core_ext import kpi_kernels as K


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
    how: np.ndarray  # K.HOW_ANSWERED, HOW_ABANDONED, HOW_VOICEMAIL; 0: still waiting
    outcome: np.ndarray  # of its last ENDED
    transfers: np.ndarray
    #: Agents' states (AGENT_STATE; a logout is OFFLINE) in time order.
    state_ms: np.ndarray
    state_agent: np.ndarray
    state: np.ndarray
    #: The earliest and latest moment of the events read (0, -1: none).
    first_ms: int = 0
    last_ms: int = -1

    def __len__(self) -> int:
        return len(self.interaction_id)

    def _when(self, how: int) -> np.ndarray:
        return np.where(self.how == how, self.resolved_ms, -1)

    @property
    def answered_ms(self) -> np.ndarray:
        return self._when(K.HOW_ANSWERED)

    @property
    def abandoned_ms(self) -> np.ndarray:
        return self._when(K.HOW_ABANDONED)

    @property
    def voicemail_ms(self) -> np.ndarray:
        return self._when(K.HOW_VOICEMAIL)

    @property
    def wait_ms(self) -> np.ndarray:
        """From offered to the end of the wait, for offered and resolved contacts (else -1)."""
        r = self.resolved_ms
        return np.where((self.offered_ms >= 0) & (r >= 0), r - self.offered_ms, -1)


#: Events looked at, at each end of the array, to guess the span of ids and agents.
_GUESS = 65_536


def contact_facts(events: np.ndarray) -> ContactFacts:
    """Facts for every interaction with an event in ``events`` (EVENT_DTYPE, in seq
    order). Events of a contact outside the array are not seen: give a range that
    holds its whole life, or accept its facts as of the range."""
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
    log = (np.empty(len(events), np.int64), np.empty(len(events), np.int32),
           np.empty(len(events), np.int8))

    def run(lo: int, slot: np.ndarray, n: int, n_agents: int) -> tuple:
        facts = _fact_arrays(n)
        return (facts, *K.contact_facts(*columns, lo, slot, facts, *log, n_agents))

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
        ids = np.arange(lo, lo + len(out[0][0]), dtype=np.int64)
    else:  # ids far apart: a row per distinct id
        n_agents = max(n_agents, int(agent.max(initial=-1)) + 1)
        ids, slot = np.unique(iid, return_inverse=True)
        slot = slot.ravel().astype(np.int64)
        if ids[0] < 0:  # events without an interaction
            ids, slot = ids[1:], slot - 1
        out = run(0, slot, len(ids), n_agents)
    facts, n_log, first, last, misses = out
    assert misses[0] == 0, "the second pass has the true span"
    log_ts, log_agent, log_state = (x[:n_log] for x in log)
    if misses[4]:  # late reports: back in time order
        order = np.argsort(log_ts, kind="stable")
        log_ts, log_agent, log_state = log_ts[order], log_agent[order], log_state[order]
    (offered, resolved, ended, acw, answered_by, queue_of, channel_of, how, outcome,
     transfers) = facts
    empty = not len(events)
    return ContactFacts(
        interaction_id=ids, offered_ms=offered, resolved_ms=resolved, ended_ms=ended,
        acw_ms=acw, agent_id=answered_by, queue_id=queue_of, channel=channel_of, how=how,
        outcome=outcome, transfers=transfers, state_ms=log_ts, state_agent=log_agent,
        state=log_state, first_ms=0 if empty else int(first), last_ms=-1 if empty else int(last))


_NO_SLOTS = np.zeros(0, np.int64)


def _fact_arrays(n: int) -> tuple[np.ndarray, ...]:
    """The kernel's per-contact columns, as before any event (allocated by numpy, which
    asks for huge pages: first touching them then costs half as much)."""
    return (np.full(n, -1, np.int64), np.full(n, -1, np.int64), np.full(n, -1, np.int64),
            np.full(n, -1, np.int64), np.full(n, -1, np.int32), np.full(n, -1, np.int32),
            np.full(n, -1, np.int8), np.zeros(n, np.int8), np.full(n, -1, np.int8),
            np.zeros(n, np.int16))
