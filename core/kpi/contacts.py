"""Per-contact facts from events: when each contact was offered, answered, abandoned,
sent to voicemail or ended, and by whom (docs/kpi.md)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.model import EVENT_DTYPE
from core_ext import kpi_kernels as K


@dataclass
class ContactFacts:
    """One record per contact (interaction) seen in the events: the columns of
    ``records`` are core_ext.kpi_kernels' F_*; -1: no such moment or id."""

    interaction_id: np.ndarray
    records: np.ndarray  # (n, N_FACTS) int64

    def __len__(self) -> int:
        return len(self.interaction_id)

    def _col(self, c: int) -> np.ndarray:
        return self.records[:, c]

    @property
    def offered_ms(self) -> np.ndarray:
        return self._col(K.F_OFFERED)

    @property
    def resolved_ms(self) -> np.ndarray:
        """When the wait ended (answered, abandoned, voicemail), else -1."""
        return self._col(K.F_RESOLVED)

    @property
    def how(self) -> np.ndarray:
        """How the wait ended: K.HOW_ANSWERED, HOW_ABANDONED, HOW_VOICEMAIL, or -1."""
        return self._col(K.F_HOW)

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
    def ended_ms(self) -> np.ndarray:
        return self._col(K.F_ENDED)

    @property
    def agent_id(self) -> np.ndarray:
        """Who answered."""
        return self._col(K.F_AGENT)

    @property
    def queue_id(self) -> np.ndarray:
        """Where it was first offered."""
        return self._col(K.F_QUEUE)

    @property
    def channel(self) -> np.ndarray:
        return self._col(K.F_CHANNEL)

    @property
    def outcome(self) -> np.ndarray:
        """Of its last ENDED."""
        return self._col(K.F_OUTCOME)

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
    lo, hi = K.id_span(iid)
    fields = (events["agent_id"], events["queue_id"], events["channel"], events["value"])
    if lo < 0:
        ids = np.zeros(0, np.int64)
        records = np.zeros((0, K.N_FACTS), np.int64)
    elif hi - lo < 2 * len(iid) + 1024:
        # Ids of a floor are dense: a row per id in the span, found by its offset;
        # an id that never occurs keeps a row of -1 (never offered: never counted).
        ids = np.arange(lo, hi + 1, dtype=np.int64)
        records = K.contact_facts_by_id(events["ts_ms"], events["kind"], iid, lo, *fields,
                                        hi - lo + 1)
    else:
        ids, slot = np.unique(iid, return_inverse=True)
        slot = slot.ravel()
        if ids[0] < 0:  # events without an interaction
            ids, slot = ids[1:], slot - 1
        records = K.contact_facts(events["ts_ms"], events["kind"], slot, *fields, len(ids))
    return ContactFacts(ids, records)
