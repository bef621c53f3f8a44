"""Chat staffing with concurrency: an agent holds up to ``capacity`` chats at once
(the floor file's capacity), and each chat takes longer the more are open — its
handle time times ``slowdown`` for every other chat open beside it.

The model (docs/wfm.md): an agent who holds k chats is k chat slots, each chat
lasting h * slowdown^(k-1), the time it takes with all k open. That is the agent at
full concurrency, which is where a queue forms, so it errs towards enough. Erlang C
(or A, with patience) then staffs slots, and agents = slots / k rounded up. With a
strong slowdown fewer chats at once can take fewer agents (3 chats at 1.5x each
carry no more than 2 at 1.5x), so every k up to the capacity is tried and the one
needing fewest agents kept (the fewer chats on a tie).

The simulator does not slow chats down with concurrency (core/simulation/arrivals.py
draws each contact's handle time up front and core_ext/_sim_loop.pyx ends the chat
that long after it is answered, however many others the agent holds), so the
default slowdown is 1.0.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from core.errors import StaffingError
from core.model import Channel
from core.model.floor_policy import FloorPolicy
from core.wfm.erlang import Numbers, queue_figure_columns, staff_intervals
from core.wfm.model import StaffingColumns
from core.wfm.shrinkage import scheduled_for

#: The simulator's model: a chat takes as long however many others are open.
SIMULATOR_SLOWDOWN = 1.0


@dataclass(frozen=True, slots=True)
class ChatConcurrency:
    capacity: int
    slowdown: float = SIMULATOR_SLOWDOWN

    def __post_init__(self) -> None:
        if not (isinstance(self.capacity, int) and self.capacity >= 1):
            raise StaffingError(f"chat capacity: {self.capacity!r} is not a whole number of "
                                "chats, 1 or more")
        if not (math.isfinite(self.slowdown) and self.slowdown >= 1):
            raise StaffingError(f"chat slowdown: {self.slowdown!r} is not a factor of 1 or "
                                "more (1: a chat takes as long however many are open)")

    @classmethod
    def from_floor(cls, floor: FloorPolicy, language: str | None = None,
                   slowdown: float = SIMULATOR_SLOWDOWN) -> ChatConcurrency:
        """The chat capacity most of the floor's chat agents have (of ``language``,
        if given)."""
        caps = Counter(a.capacity[Channel.CHAT] for a in floor.agents
                       if Channel.CHAT in a.capacity
                       and (language is None or language in a.languages))
        if not caps:
            where = f" in {language!r}" if language else ""
            raise StaffingError(f"chat capacity: no agent of floor {floor.name!r}{where} "
                                "takes chats; give the capacity")
        # Most common; on a tie the smaller, which errs towards enough agents.
        capacity = min(caps, key=lambda c: (-caps[c], c))
        return cls(int(capacity), slowdown)


@dataclass(frozen=True)
class ChatStaffing:
    """Agents per interval (``staffing.agents``, ``staffing.scheduled``), how many
    chats each holds at once to need that few (``chats_at_once``), and the figures of
    the chat queue: service level, P(wait), ASA and abandonment of the chats;
    occupancy of the agents' chat slots."""

    staffing: StaffingColumns
    chats_at_once: np.ndarray  # int64


def staff_chat_intervals(contacts: Numbers, handle_s: Numbers, share: Numbers,
                         answer_s: Numbers, concurrency: ChatConcurrency, *,
                         patience_s: Numbers = math.inf, occupancy_cap: Numbers = 1.0,
                         shrinkage: Numbers = 0.0, interval_s: float = 900.0) -> ChatStaffing:
    """Per interval, the least agents who answer ``share`` of the chats within
    ``answer_s`` holding up to ``concurrency.capacity`` chats each."""
    m = len(np.atleast_1d(np.asarray(contacts, dtype=np.float64)))
    best_agents = np.full(m, np.iinfo(np.int64).max)
    best_k = np.ones(m, np.int64)
    for k in range(1, concurrency.capacity + 1):
        stretched = np.asarray(handle_s, dtype=np.float64) * concurrency.slowdown ** (k - 1)
        slots = staff_intervals(contacts, stretched, share, answer_s, patience_s=patience_s,
                                occupancy_cap=occupancy_cap, interval_s=interval_s).agents
        agents = -(-slots // k)
        better = agents < best_agents
        best_agents = np.where(better, agents, best_agents)
        best_k = np.where(better, k, best_k)
    # The figures at the slots the agents hold: rounding agents up may add slots.
    stretched = (np.broadcast_to(np.asarray(handle_s, dtype=np.float64), (m,))
                 * concurrency.slowdown ** (best_k - 1))
    fig = queue_figure_columns(contacts, stretched, best_agents * best_k, answer_s,
                               patience_s=patience_s, interval_s=interval_s)
    shrink = np.broadcast_to(np.asarray(shrinkage, dtype=np.float64), (m,))
    if np.any((shrink < 0) | (shrink >= 1) | np.isnan(shrink)):
        raise StaffingError("shrinkage: expected a share of paid time of at least 0 and "
                            "below 1")
    load = np.asarray(contacts, dtype=np.float64) * np.asarray(handle_s) / interval_s
    columns = StaffingColumns(np.broadcast_to(load, (m,)).astype(np.float64), best_agents,
                              scheduled_for(best_agents, shrink), fig.service_level,
                              fig.p_wait, fig.asa_s, fig.abandonment, fig.occupancy)
    return ChatStaffing(columns, best_k)
