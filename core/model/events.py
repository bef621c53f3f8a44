"""Events, the facts of the floor, and their columnar form for kernels and fast
appends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.model.codes import NONE, Channel, EventKind


@dataclass(frozen=True, slots=True)
class Event:
    """One fact on the floor. ``seq`` is assigned by the store (0 until stored)."""

    ts_ms: int
    kind: EventKind
    interaction_id: int | None = None
    agent_id: int | None = None
    queue_id: int | None = None
    channel: Channel | None = None
    value: int | None = None
    detail: Mapping[str, Any] | None = field(default=None, compare=True)
    seq: int = 0


#: Columnar form of events for kernels and fast appends. NONE (-1) marks a NULL.
EVENT_DTYPE = np.dtype(
    [
        ("seq", "<i8"),
        ("ts_ms", "<i8"),
        ("kind", "<i2"),
        ("interaction_id", "<i8"),
        ("agent_id", "<i4"),
        ("queue_id", "<i4"),
        ("channel", "<i2"),
        ("value", "<i8"),
    ]
)


def _code(v: int | None) -> int:
    return NONE if v is None else int(v)


def events_to_array(events: Sequence[Event]) -> np.ndarray:
    """Columnar form of ``events`` (details are not columnar; they travel separately)."""
    out = np.empty(len(events), dtype=EVENT_DTYPE)
    for i, e in enumerate(events):
        out[i] = (
            e.seq,
            e.ts_ms,
            int(e.kind),
            _code(e.interaction_id),
            _code(e.agent_id),
            _code(e.queue_id),
            _code(e.channel),
            _code(e.value),
        )
    return out


def _opt(v: int) -> int | None:
    return None if v == NONE else int(v)


def array_to_events(
    arr: np.ndarray, details: Sequence[Mapping[str, Any] | None] | None = None
) -> list[Event]:
    """Back from columnar form to ``Event`` objects."""
    out: list[Event] = []
    for i, row in enumerate(arr):
        ch = _opt(row["channel"])
        out.append(
            Event(
                ts_ms=int(row["ts_ms"]),
                kind=EventKind(int(row["kind"])),
                interaction_id=_opt(row["interaction_id"]),
                agent_id=_opt(row["agent_id"]),
                queue_id=_opt(row["queue_id"]),
                channel=None if ch is None else Channel(ch),
                value=_opt(row["value"]),
                detail=None if details is None else details[i],
                seq=int(row["seq"]),
            )
        )
    return out
