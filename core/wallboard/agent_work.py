"""Which contacts each agent is handling now, followed from the events."""

from __future__ import annotations

import numpy as np

from core.model import Channel, EventKind

_TAKEN = int(EventKind.ACCEPTED)
#: A contact leaves its agent when its conversation ends or it is passed on.
_LEFT = (int(EventKind.ENDED), int(EventKind.TRANSFERRED))
_LOGOUT = int(EventKind.AGENT_LOGOUT)


class AgentWork:
    def __init__(self) -> None:
        self._holder: dict[int, int] = {}  # interaction -> agent handling it
        self._channel: dict[int, int] = {}
        self._by_agent: dict[int, set[int]] = {}

    def apply(self, events: np.ndarray) -> None:
        """Take the next events (EVENT_DTYPE, in seq order)."""
        kind = events["kind"]
        rows = np.flatnonzero(np.isin(kind, (_TAKEN, *_LEFT, _LOGOUT)))
        if not len(rows):
            return
        sub = events[rows]
        for k, iid, agent, ch in zip(sub["kind"].tolist(), sub["interaction_id"].tolist(),
                                     sub["agent_id"].tolist(), sub["channel"].tolist(),
                                     strict=True):
            if k == _TAKEN and agent >= 0 and iid >= 0:
                self._drop(iid)
                self._holder[iid] = agent
                self._channel[iid] = ch
                self._by_agent.setdefault(agent, set()).add(iid)
            elif k == _LOGOUT:
                for held in list(self._by_agent.get(agent, ())):
                    self._drop(held)
            elif iid >= 0:
                self._drop(iid)

    def _drop(self, iid: int) -> None:
        agent = self._holder.pop(iid, None)
        self._channel.pop(iid, None)
        if agent is not None:
            self._by_agent[agent].discard(iid)

    def channels(self, agent: int) -> tuple[Channel, ...]:
        """The channels of the contacts the agent is handling, one entry per contact."""
        return tuple(sorted(Channel(self._channel[i]) for i in self._by_agent.get(agent, ())
                            if self._channel[i] in _CHANNELS))


_CHANNELS = {int(c) for c in Channel}
