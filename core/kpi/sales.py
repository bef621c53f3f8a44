"""Sales (KPI-3, seeds 000 and 001): conversations, sales and conversion, for new and
for existing clients, revenue, featured partners' sales by partner id, and the time
spent per client, which is shown and never a target (no AHT target for sales).
Definitions in docs/kpi.md, "Sales".

The conversations come from the events (who ended which answered contact, when, and
how), joined by id to the interactions table (number, queue) and to the sales table
(what each sale sold).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from core.clock import DAY_MS
from core.kpi.calls import Interactions, client_numbers
from core.kpi.lookups import find as _find
from core.kpi.lookups import first_rows as _firsts
from core.kpi.lookups import take as _take
from core.kpi.ratios import ratio as _ratio
from core.model import EVENT_DTYPE, Agent, EventKind, Outcome, WorkMode
from core.model.floor_policy import FloorPolicy
from core.phone_numbers import NumberPlan
from core.store import Store

#: Events read before the range: a conversation ending in it may have been answered
#: long before (a chat runs for up to hours); a day holds any of them.
LOOKBACK_MS = DAY_MS
#: Sales rows read either side of the range: a sale is recorded about when its
#: conversation ends, not necessarily at the same millisecond.
SALE_MARGIN_MS = DAY_MS

GROUPINGS = ("agent", "team", "shift", "language", "queue")

#: Client of a conversation: the first with the number, seen before, or no number.
NEW, EXISTING, UNKNOWN = 1, 0, -1


@dataclass(frozen=True)
class SalesSettings:
    #: Queues whose conversations are sales conversations; None: any queue (the
    #: outcome, SALE or NO_SALE, says it was one). See ``sales_queues``.
    sales_queues: frozenset[int] | None = None
    #: How numbers are compared, to tell new clients from known ones.
    numbers: NumberPlan = field(default_factory=NumberPlan)


@dataclass
class SalesConversations:
    """One row per answered sales conversation that ended (SALE or NO_SALE) in the
    range, in the order they ended."""

    interaction_id: np.ndarray  # int64
    agent_id: np.ndarray  # who ended it: the one who sold, or did not
    queue_id: np.ndarray  # -1: unknown
    accepted_ms: np.ndarray
    ended_ms: np.ndarray
    outcome: np.ndarray  # SALE or NO_SALE
    client: np.ndarray  # NEW, EXISTING or UNKNOWN (no number)
    number: np.ndarray  # the client's number, index into ``numbers`` (-1: none)
    numbers: np.ndarray  # distinct normalised numbers (str)

    def __len__(self) -> int:
        return len(self.interaction_id)

    @property
    def talk_ms(self) -> np.ndarray:
        return self.ended_ms - self.accepted_ms

    @property
    def sold(self) -> np.ndarray:
        return self.outcome == Outcome.SALE


@dataclass
class SaleLines:
    """What the conversations' sales sold: one row per stored sale of one of them."""

    interaction_id: np.ndarray
    agent_id: np.ndarray  # the conversation's (who ended it)
    queue_id: np.ndarray
    amount_cents: np.ndarray
    currency: np.ndarray  # objects: str
    partner_id: np.ndarray  # objects: str, or None for our own product
    product: np.ndarray  # objects: str

    def __len__(self) -> int:
        return len(self.interaction_id)


@dataclass
class SalesTable:
    """One row per group (agent, team, shift, language or queue) with a conversation."""

    key: np.ndarray  # agent or queue id (int64), or the team, shift or language (str)
    conversations: np.ndarray
    sales: np.ndarray
    new_conversations: np.ndarray
    new_sales: np.ndarray
    existing_conversations: np.ndarray
    existing_sales: np.ndarray
    talk_ms: np.ndarray  # of all the group's conversations
    clients: np.ndarray  # distinct clients (a conversation without a number: its own)

    def __len__(self) -> int:
        return len(self.key)

    @property
    def conversion(self) -> np.ndarray:
        """Sales / conversations (NaN without conversations)."""
        return _ratio(self.sales, self.conversations)

    @property
    def conversion_new(self) -> np.ndarray:
        return _ratio(self.new_sales, self.new_conversations)

    @property
    def conversion_existing(self) -> np.ndarray:
        return _ratio(self.existing_sales, self.existing_conversations)

    @property
    def talk_per_client_s(self) -> np.ndarray:
        """Seconds of conversation per client: shown, never a target."""
        return _ratio(self.talk_ms, self.clients) / 1000


@dataclass
class RevenueTable:
    """Sales lines summed per group, currency and partner (None: our own products):
    revenue is never added across currencies."""

    key: np.ndarray
    currency: np.ndarray  # objects: str
    partner_id: np.ndarray  # objects: str or None
    sales: np.ndarray  # sales lines
    revenue_cents: np.ndarray

    def __len__(self) -> int:
        return len(self.key)

    def revenue(self, currency: str) -> dict[object, int]:
        """Revenue (cents) in ``currency`` per group, partners' and our own together."""
        out: dict[object, int] = {}
        for k, c, r in zip(self.key.tolist(), self.currency.tolist(),
                           self.revenue_cents.tolist(), strict=True):
            if c == currency:
                out[k] = out.get(k, 0) + r
        return out

    def partner_sales(self) -> dict[str, int]:
        """Featured partners' sales by partner id, over every group and currency."""
        out: dict[str, int] = {}
        for p, n in zip(self.partner_id.tolist(), self.sales.tolist(), strict=True):
            if p is not None:
                out[p] = out.get(p, 0) + n
        return out


@dataclass
class SalesReport:
    table: SalesTable
    revenue: RevenueTable
    conversations: SalesConversations
    lines: SaleLines
    #: Conversations that ended in a sale with no sales row: counted as sales, with
    #: no amount (a source that reports outcomes but not what was sold).
    sales_without_lines: int






def sales_queues(floor: FloorPolicy) -> frozenset[int]:
    """The floor's queues of sales work."""
    return frozenset(q.queue.id for q in floor.queues if q.work == WorkMode.SALES)


def sales_conversations(events: np.ndarray, interactions: Interactions,
                        settings: SalesSettings | None = None, since_ms: int | None = None,
                        until_ms: int | None = None) -> SalesConversations:
    """The answered sales conversations that ended in [since_ms, until_ms) among
    ``events`` (EVENT_DTYPE, in seq order). A conversation's end is its last ENDED,
    whose outcome and agent it takes; it was answered at its first ACCEPTED.
    ``interactions`` must hold every interaction before the range's end, for new
    clients."""
    if events.dtype != EVENT_DTYPE:
        raise TypeError(f"events have dtype {events.dtype}, expected {EVENT_DTYPE}")
    settings = settings or SalesSettings()
    lo = np.iinfo(np.int64).min if since_ms is None else since_ms
    hi = np.iinfo(np.int64).max if until_ms is None else until_ms
    ev = events[(events["interaction_id"] >= 0) & (events["ts_ms"] < hi)]
    ended = ev[ev["kind"] == EventKind.ENDED]
    ended = ended[_firsts(ended["interaction_id"], last=True)[1]]
    ended = ended[(ended["ts_ms"] >= lo) & np.isin(ended["value"], [Outcome.SALE,
                                                                     Outcome.NO_SALE])]
    acc = ev[(ev["kind"] == EventKind.ACCEPTED) & (ev["agent_id"] >= 0)]
    acc_ids, first = _firsts(acc["interaction_id"])
    at = _find(acc_ids, ended["interaction_id"])
    ended, at = ended[at >= 0], at[at >= 0]
    accepted_ms = acc["ts_ms"][first][at].astype(np.int64)

    # The interaction row of each conversation (-1: none stored).
    by_id = np.argsort(interactions.id, kind="stable")
    row = _take(by_id, _find(interactions.id[by_id], ended["interaction_id"]), -1)
    queue = np.where(ended["queue_id"] >= 0, ended["queue_id"],
                     _take(interactions.queue_id, row, -1)).astype(np.int64)
    if settings.sales_queues is not None:
        keep = np.isin(queue, np.fromiter(settings.sales_queues, np.int64))
        ended, accepted_ms, row, queue = ended[keep], accepted_ms[keep], row[keep], queue[keep]

    distinct, code, first_with = client_numbers(interactions, settings.numbers)
    number = _take(code, row, -1)
    is_new = _take(first_with, row, 0) == 1
    client = np.where(number < 0, UNKNOWN, np.where(is_new, NEW, EXISTING)).astype(np.int8)
    order = np.argsort(ended["seq"], kind="stable")
    return SalesConversations(
        interaction_id=ended["interaction_id"][order].astype(np.int64),
        agent_id=ended["agent_id"][order].astype(np.int64), queue_id=queue[order],
        accepted_ms=accepted_ms[order], ended_ms=ended["ts_ms"][order].astype(np.int64),
        outcome=ended["value"][order].astype(np.int64), client=client[order],
        number=number[order].astype(np.int64), numbers=distinct)


def sale_lines(conv: SalesConversations, sales: Mapping[str, np.ndarray]) -> SaleLines:
    """The stored sales (``Store.sales_columns``) of the conversations that ended in a
    sale; each line takes its conversation's agent and queue."""
    sold = np.argsort(conv.interaction_id[conv.sold], kind="stable")
    ids = conv.interaction_id[conv.sold][sold]
    at = _find(ids, np.asarray(sales["interaction_id"], dtype=np.int64))
    mine = at >= 0
    at = at[mine]
    rows = np.flatnonzero(conv.sold)[sold][at]

    def text(name: str) -> np.ndarray:
        out = np.empty(int(mine.sum()), dtype=object)
        out[:] = list(np.asarray(sales[name], dtype=object)[mine])
        return out

    return SaleLines(interaction_id=conv.interaction_id[rows], agent_id=conv.agent_id[rows],
                     queue_id=conv.queue_id[rows],
                     amount_cents=np.asarray(sales["amount_cents"], dtype=np.int64)[mine],
                     currency=text("currency"), partner_id=text("partner_id"),
                     product=text("product"))


def _keys(by: str, agent_id: np.ndarray, queue_id: np.ndarray, agents: Sequence[Agent],
          queue_language: Mapping[int, str] | None) -> np.ndarray:
    if by not in GROUPINGS:
        raise ValueError(f"cannot group sales by {by!r}: one of {', '.join(GROUPINGS)}")
    if by == "agent":
        return agent_id.astype(np.int64)
    if by == "queue":
        return queue_id.astype(np.int64)
    if by == "language":
        if queue_language is None:
            raise ValueError("grouping by language needs each queue's language")
        names = [queue_language.get(q, "") for q in queue_id.tolist()]
    else:
        known = {a.id: getattr(a, by) for a in agents}
        missing = sorted(set(agent_id.tolist()) - set(known))
        if missing:
            raise ValueError(f"grouping by {by} needs agent {missing[0]} among the agents")
        names = [known[a] for a in agent_id.tolist()]
    out = np.empty(len(names), dtype=object)
    out[:] = names
    return out


def sales_table(conv: SalesConversations, by: str = "agent", agents: Sequence[Agent] = (),
                queue_language: Mapping[int, str] | None = None) -> SalesTable:
    """KPI-3 per group: by agent (who ended the conversation), their team or shift
    (from ``agents``), the queue, or the queue's language (``queue_language``)."""
    key = _keys(by, conv.agent_id, conv.queue_id, agents, queue_language)
    keys, slot = np.unique(key, return_inverse=True)
    slot = slot.ravel()

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(slot[mask], minlength=len(keys)).astype(np.int64)

    sold, new, known = conv.sold, conv.client == NEW, conv.client == EXISTING
    # A client per number within the group; a conversation without one is its own.
    client = np.where(conv.number >= 0, conv.number,
                      len(conv.numbers) + np.arange(len(conv))).astype(np.int64)
    pairs = np.unique(np.stack([slot, client], axis=1), axis=0) if len(conv) else np.zeros(
        (0, 2), np.int64)
    return SalesTable(
        key=keys, conversations=count(np.ones(len(conv), bool)), sales=count(sold),
        new_conversations=count(new), new_sales=count(new & sold),
        existing_conversations=count(known), existing_sales=count(known & sold),
        talk_ms=np.bincount(slot, weights=conv.talk_ms, minlength=len(keys)).astype(np.int64),
        clients=np.bincount(pairs[:, 0], minlength=len(keys)).astype(np.int64))


def revenue_table(lines: SaleLines, by: str = "agent", agents: Sequence[Agent] = (),
                  queue_language: Mapping[int, str] | None = None) -> RevenueTable:
    """The sales lines per group, currency and partner."""
    key = _keys(by, lines.agent_id, lines.queue_id, agents, queue_language)
    # "" stands for our own products while sorting: a partner id is never empty.
    sums: dict[tuple, list[int]] = {}
    for k, c, p, cents in zip(key.tolist(), lines.currency.tolist(),
                              lines.partner_id.tolist(), lines.amount_cents.tolist(),
                              strict=True):
        cell = sums.setdefault((k, c, p or ""), [0, 0])
        cell[0] += 1
        cell[1] += cents
    order = sorted(sums)

    def column(i: int, dtype: type = object) -> np.ndarray:
        out = np.empty(len(order), dtype=object)
        out[:] = [o[i] if i < 2 else (o[i] or None) for o in order]
        return out.astype(dtype) if dtype is not object else out

    return RevenueTable(key=column(0, np.int64 if by in ("agent", "queue") else object),
                        currency=column(1), partner_id=column(2),
                        sales=np.array([sums[o][0] for o in order], dtype=np.int64),
                        revenue_cents=np.array([sums[o][1] for o in order], dtype=np.int64))


def sales_kpis(events: np.ndarray, interactions: Interactions,
               sales: Mapping[str, np.ndarray], by: str = "agent",
               agents: Sequence[Agent] = (), queue_language: Mapping[int, str] | None = None,
               settings: SalesSettings | None = None, since_ms: int | None = None,
               until_ms: int | None = None) -> SalesReport:
    """KPI-3 of the sales conversations that ended in [since_ms, until_ms)."""
    conv = sales_conversations(events, interactions, settings, since_ms, until_ms)
    lines = sale_lines(conv, sales)
    with_lines = np.isin(conv.interaction_id[conv.sold], lines.interaction_id)
    return SalesReport(sales_table(conv, by, agents, queue_language),
                       revenue_table(lines, by, agents, queue_language), conv, lines,
                       int((~with_lines).sum()))


def sales_report(store: Store, since_ms: int, until_ms: int, by: str = "agent",
                 floor: FloorPolicy | None = None, agents: Collection[Agent] | None = None,
                 settings: SalesSettings | None = None) -> SalesReport:
    """``sales_kpis`` of [since_ms, until_ms) in the store. With ``floor``, only its
    sales queues count (unless ``settings`` names them). Teams and shifts are the
    stored agents' (a database may hold agents beyond the floor's)."""
    settings = settings or SalesSettings()
    if floor is not None and settings.sales_queues is None:
        settings = SalesSettings(sales_queues=sales_queues(floor), numbers=settings.numbers)
    if agents is None:
        agents = [Agent(a.id, a.name, (), (), {}, a.shift, team=a.team)
                  for a in store.agent_rows()]
    events = store.read_time_range(since_ms - LOOKBACK_MS, until_ms)
    # Every earlier interaction: a client is new only if none ever had the number.
    interactions = Interactions.from_columns(store.interaction_columns(0, until_ms))
    sales = store.sales_columns(since_ms - SALE_MARGIN_MS, until_ms + SALE_MARGIN_MS)
    language = {q.id: q.language for q in store.queue_rows()}
    return sales_kpis(events, interactions, sales, by, list(agents), language, settings,
                      since_ms, until_ms)
