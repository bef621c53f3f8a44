"""Per-contact facts from events: when each contact was offered, answered, abandoned,
sent to voicemail or ended, and by whom (docs/kpi.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.model import EVENT_DTYPE
from core_ext.kpi_kernels import contact_facts as _contact_facts_kernel


@dataclass
class ContactFacts:
    """One row per contact (interaction) seen in the events; -1: no such moment/id."""

    interaction_id: np.ndarray
    arrived_ms: np.ndarray
    offered_ms: np.ndarray
    answered_ms: np.ndarray
    abandoned_ms: np.ndarray
    voicemail_ms: np.ndarray
    ended_ms: np.ndarray
    agent_id: np.ndarray  # who answered
    queue_id: np.ndarray  # where it was first offered
    channel: np.ndarray
    outcome: np.ndarray  # of its last ENDED
    transfers: np.ndarray
    blocked: np.ndarray

    def __len__(self) -> int:
        return len(self.interaction_id)

    @property
    def resolved_ms(self) -> np.ndarray:
        """When the wait ended (answered, abandoned, voicemail), else -1."""
        return np.maximum(np.maximum(self.answered_ms, self.abandoned_ms), self.voicemail_ms)

    @property
    def wait_ms(self) -> np.ndarray:
        """From offered to the end of the wait, for offered and resolved contacts (else -1)."""
        r = self.resolved_ms
        return np.where((self.offered_ms >= 0) & (r >= 0), r - self.offered_ms, -1)


def contact_facts(events: np.ndarray) -> ContactFacts:
    """Facts for every interaction with an event in ``events`` (EVENT_DTYPE, in seq
    order). Events of a contact outside the array are not seen: give a range that
    holds its whole life, or accept its facts as of the range."""
    if events.dtype != EVENT_DTYPE:
        raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
    iid = events["interaction_id"]
    has = iid >= 0
    if has.any():
        lo, hi = int(iid[has].min()), int(iid[has].max())
        if hi - lo < 4 * len(iid) + 1024:
            # Ids of a floor are dense: index by id, then keep the ones seen.
            slot = np.where(has, iid - lo, -1)
            seen = np.zeros(hi - lo + 1, dtype=bool)
            seen[slot[has]] = True
            dense = np.cumsum(seen) - 1
            slot = np.where(has, dense[np.maximum(slot, 0)], -1)
            ids = np.flatnonzero(seen) + lo
        else:
            ids, inverse = np.unique(iid[has], return_inverse=True)
            slot = np.full(len(iid), -1, dtype=np.int64)
            slot[has] = inverse
    else:
        ids, slot = np.zeros(0, np.int64), np.full(len(iid), -1, np.int64)
    out = _contact_facts_kernel(
        np.ascontiguousarray(events["ts_ms"]), events["kind"].astype(np.int64),
        slot.astype(np.int64), events["agent_id"].astype(np.int64),
        events["queue_id"].astype(np.int64), events["channel"].astype(np.int64),
        np.ascontiguousarray(events["value"]), len(ids))
    return ContactFacts(ids.astype(np.int64), *out)
