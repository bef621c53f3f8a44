"""Service-level targets: the floor gives each queue its own; the config file's
[targets] may set one per channel for every queue of it (docs/kpi.md)."""

from __future__ import annotations

from collections.abc import Mapping

from core.model import Channel
from core.store import Store


def queue_targets_s(store: Store, targets: Mapping[Channel, int] | None = None
                    ) -> dict[int, int]:
    """Each stored queue's target in seconds: its channel's in ``targets`` if set,
    else the queue's own."""
    targets = targets or {}
    return {q.id: targets.get(q.channel, q.sla_target_s) for q in store.queue_rows()}
