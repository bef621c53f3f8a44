"""Hand-built floors for the call analytics: events and interaction rows written the
way the router and the store write them, so that each test knows its answer."""

from __future__ import annotations

import numpy as np

from core.kpi.calls import Interactions
from core.model import EVENT_DTYPE, AgentState, Channel, Direction, NumberType, Outcome
from core.model import EventKind as K

#: 2026-11-02 00:00 in Kyiv (UTC+2 in November).
MIDNIGHT = 1_793_570_400_000
HOUR = 3_600_000
S = 1_000


class Floor:
    def __init__(self) -> None:
        self.rows: list[tuple[int, int, int, int, int, int, int, int]] = []
        self.items: list[tuple[int, int, int, int, str | None, int, int]] = []
        self.next_id = 1

    def _ev(self, ts: int, kind: K, iid: int = -1, agent: int = -1, queue: int = -1,
            channel: int = -1, value: int = -1) -> None:
        self.rows.append((ts, len(self.rows), int(kind), iid, agent, queue, channel, value))

    def _item(self, channel: Channel, direction: Direction, number: str | None,
              arrived: int, queue: int = 1, number_type: NumberType = NumberType.UNKNOWN
              ) -> int:
        iid = self.next_id
        self.next_id += 1
        self.items.append((iid, int(channel), int(direction), queue, number,
                           int(number_type), arrived))
        return iid

    # -- agents ----------------------------------------------------------------------

    def state(self, t: int, agent: int, state: AgentState) -> None:
        self._ev(t, K.AGENT_STATE, agent=agent, value=int(state))

    def login(self, t: int, agent: int) -> None:
        self._ev(t, K.AGENT_LOGIN, agent=agent)

    def logout(self, t: int, agent: int) -> None:
        self._ev(t, K.AGENT_LOGOUT, agent=agent)

    # -- contacts --------------------------------------------------------------------

    def contact(self, t: int, number: str | None, channel: Channel = Channel.CHAT,
                direction: Direction = Direction.INBOUND) -> int:
        """An interaction row only (a contact no agent took, or before the range)."""
        return self._item(channel, direction, number, t)

    def taken(self, agent: int, t: int, length_ms: int | None, outcome: Outcome,
              number: str | None = None, channel: Channel = Channel.PHONE,
              direction: Direction = Direction.INBOUND, queued_ms: int = 0, queue: int = 1,
              number_type: NumberType = NumberType.UNKNOWN) -> int:
        """A call queued ``queued_ms`` before ``t``, taken at t by ``agent``, ended
        ``length_ms`` later (None: not ended)."""
        ch = int(channel)
        iid = self._item(channel, direction, number, t - queued_ms, queue, number_type)
        self._ev(t - queued_ms, K.ARRIVED, iid, queue=queue, channel=ch)
        self._ev(t - queued_ms, K.ENQUEUED, iid, queue=queue, channel=ch)
        self._ev(t, K.OFFERED, iid, agent, queue, ch)
        self._ev(t, K.ACCEPTED, iid, agent, queue, ch)
        if length_ms is not None:
            self._ev(t + length_ms, K.ENDED, iid, agent, queue, ch, int(outcome))
        return iid

    def dial(self, agent: int, t: int, length_ms: int | None,
             outcome: Outcome = Outcome.NOT_REACHED, number: str | None = None) -> int:
        return self.taken(agent, t, length_ms, outcome, number, Channel.OUTBOUND_CALL,
                          Direction.OUTBOUND, queued_ms=60 * S, queue=9)

    def missed(self, queued: int, at: int, kind: K = K.ABANDONED, queue: int = 1,
               rang: int | None = None, channel: Channel = Channel.PHONE) -> int:
        """A call queued at ``queued`` and lost at ``at`` (ABANDONED, VOICEMAIL); with
        ``rang``, first offered to that agent, who let it ring out."""
        iid = self._item(channel, Direction.INBOUND, "+442079460999", queued, queue)
        ch = int(channel)
        self._ev(queued, K.ARRIVED, iid, queue=queue, channel=ch)
        self._ev(queued, K.ENQUEUED, iid, queue=queue, channel=ch)
        if rang is not None:
            self._ev(queued + S, K.OFFERED, iid, rang, queue, ch)
            self._ev(queued + 16 * S, K.NO_ANSWER, iid, rang, queue, ch)
        self._ev(at, kind, iid, queue=queue, channel=ch)
        return iid

    def blocked(self, t: int, queue: int = 1) -> int:
        iid = self._item(Channel.PHONE, Direction.INBOUND, "+442079460998", t, queue)
        self._ev(t, K.BLOCKED, iid, queue=queue, channel=int(Channel.PHONE))
        return iid

    # -- out -------------------------------------------------------------------------

    def events(self) -> np.ndarray:
        """In the floor's order: by time, ties as written; seq numbered from 1."""
        rows = sorted(self.rows, key=lambda r: (r[0], r[1]))
        out = np.zeros(len(rows), dtype=EVENT_DTYPE)
        for i, (ts, _, kind, iid, agent, queue, channel, value) in enumerate(rows):
            out[i] = (i + 1, ts, kind, iid, agent, queue, channel, value)
        return out

    def columns(self) -> dict[str, np.ndarray]:
        """As ``Store.interaction_columns`` gives them."""
        number = np.empty(len(self.items), dtype=object)
        number[:] = [r[4] for r in self.items]
        cols = list(zip(*self.items, strict=True)) or [()] * 7
        return {"id": np.array(cols[0], np.int64), "channel": np.array(cols[1], np.int16),
                "direction": np.array(cols[2], np.int8),
                "queue_id": np.array(cols[3], np.int32), "customer_number": number,
                "customer_number_type": np.array(cols[5], np.int8),
                "arrived_ms": np.array(cols[6], np.int64)}

    def interactions(self) -> Interactions:
        return Interactions.from_columns(self.columns())
