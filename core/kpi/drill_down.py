"""Drill-down: the contacts behind one row of a KPI report, chosen by the batch
engine's own rules (a contact counts where its wait ended, its conversation where it
ended; docs/kpi.md), so that a row's contacts add up to the row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.kpi.batch import DIMENSIONS, KpiSettings
from core.kpi.contacts import ContactFacts
from core.kpi.intervals import local_interval
from core.model import Channel
from core_ext import kpi_layout


@dataclass(frozen=True)
class RowContacts:
    """Positions in the facts of the row's contacts, in the order they were offered;
    ``counted``: its wait ended in the row (offered, answered, abandoned ...),
    ``talked``: its conversation ended in the row (talk, AHT, transfers ...). A contact
    may be both, or either one (a chat answered at 09:59 and ended at 10:03)."""

    index: np.ndarray
    counted: np.ndarray
    talked: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


def _codes(d: str, facts: ContactFacts, settings: KpiSettings) -> np.ndarray:
    """Each contact's key in dimension d as the batch table keeps it (ids for channel,
    queue and agent; for language, team and shift an index into the labels; -1: none)."""
    if d == "channel":
        return facts.channel.astype(np.int64)
    if d == "queue":
        return facts.queue_id.astype(np.int64)
    if d == "agent":
        return facts.agent_id.astype(np.int64)
    labels = {name: i for i, name in enumerate(settings.labels(d))}
    of: Mapping[int, str] = getattr(settings, d)
    ident = facts.queue_id if d == "language" else facts.agent_id
    hi = max(int(ident.max(initial=-1)), max(of, default=-1))
    table = np.full(hi + 2, -1, dtype=np.int64)  # at id + 1: id -1 is none
    for i, name in of.items():
        if i >= 0:
            table[i + 1] = labels[name]
    return table[ident.astype(np.int64) + 1]


def row_contacts(facts: ContactFacts, settings: KpiSettings, by: Sequence[str],
                 interval: str, key: Mapping[str, int], since_ms: int,
                 until_ms: int) -> RowContacts:
    """The contacts of the row whose keys are ``key`` (one per dimension of ``by``, as
    in ``KpiTable.keys``) in a report of [since_ms, until_ms)."""
    for d in by:
        if d not in DIMENSIONS:
            raise ValueError(f"cannot group by {d!r}: one of {', '.join(DIMENSIONS)}")
        if d not in key:
            raise ValueError(f"the row has no {d}")
    r, e = facts.resolved_ms, facts.ended_ms
    counted = ((facts.offered_ms >= 0) & (r >= since_ms) & (r < until_ms)
               & (facts.channel != int(Channel.OUTBOUND_CALL)))
    talked = (facts.how == kpi_layout.HOW_ANSWERED) & (e >= r) & (e >= since_ms) & (e < until_ms)
    for d in by:
        want = int(key[d])
        if d == "interval":
            at_r = np.full(len(facts), -1, np.int64)
            at_e = at_r.copy()
            at_r[counted] = local_interval(r[counted], interval, settings.timezone)
            at_e[talked] = local_interval(e[talked], interval, settings.timezone)
            counted &= at_r == want
            talked &= at_e == want
        else:
            same = _codes(d, facts, settings) == want
            counted &= same
            talked &= same
    index = np.flatnonzero(counted | talked)
    order = np.argsort(facts.offered_ms[index], kind="stable")
    index = index[order]
    return RowContacts(index=index, counted=counted[index], talked=talked[index])
