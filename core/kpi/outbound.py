"""Outbound telemarketing per agent (KPI-4, seed 002): dials, reached calls, sales and
meetings set against a plan, and the sabotage pattern of seed 002: an agent who dials
and hangs up before the callee could answer, far more often than the peers. Rule and
definitions in docs/call-analytics.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from core.kpi.calls import LOOKBACK_MS, Calls, Interactions, agent_calls
from core.kpi.ratios import ratio as _ratio
from core.model import Outcome
from core.phone_numbers import NumberPlan
from core.store import Store


@dataclass(frozen=True)
class OutboundSettings:
    #: A dial that ends sooner than this after the agent took it ended before the
    #: callee could answer (a real ring-out lasts about 25 s).
    short_dial_s: float = 8.0
    #: Ended dials an agent needs before being judged, or counting as a peer: a few
    #: unlucky dials never flag anyone.
    min_dials: int = 20
    #: Peers (other judged agents) needed for a baseline: the share of quick ends
    #: depends on the list dialled, so there is no floor-independent norm.
    min_peers: int = 2
    #: Flagged when the agent's share of short dials is at least
    #: max(peer_ratio x the peers' median share, the median + peer_margin).
    peer_ratio: float = 2.0
    peer_margin: float = 0.15
    #: Short dials named as evidence, the earliest first.
    examples: int = 5
    #: Target calls (outcomes in target_outcomes) planned for the range, per agent;
    #: agents not listed take default_plan (None: no plan, plan % is NaN).
    plan: Mapping[int, float] = field(default_factory=dict)
    default_plan: float | None = None
    #: Sales, and meetings the field managers close (seed 002's two-step sale).
    target_outcomes: frozenset[Outcome] = frozenset({Outcome.SALE, Outcome.MEETING_SET})

    def __post_init__(self) -> None:
        for name in ("short_dial_s", "peer_margin"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be at least 0, not {getattr(self, name)}")
        if self.peer_ratio < 1:
            raise ValueError(f"peer_ratio must be at least 1, not {self.peer_ratio}")
        for name in ("min_dials", "min_peers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        bad = [a for a, p in self.plan.items() if not p > 0]
        if bad or (self.default_plan is not None and not self.default_plan > 0):
            who = f"agent {bad[0]}" if bad else "default_plan"
            raise ValueError(f"plan of {who} must be above 0")


@dataclass
class OutboundTable:
    """One row per agent who dialled in the range."""

    agent_id: np.ndarray
    dials: np.ndarray  # outbound calls taken
    ended: np.ndarray  # dials that ended (their length is known)
    reached: np.ndarray  # ended with an outcome other than NOT_REACHED
    sales: np.ndarray
    meetings: np.ndarray
    target: np.ndarray  # ended with one of the target outcomes
    short_dials: np.ndarray  # ended sooner than short_dial_s
    plan: np.ndarray  # target calls planned; NaN: none

    def __len__(self) -> int:
        return len(self.agent_id)

    @property
    def reach_share(self) -> np.ndarray:
        return _ratio(self.reached, self.ended)

    @property
    def short_share(self) -> np.ndarray:
        return _ratio(self.short_dials, self.ended)

    @property
    def plan_pct(self) -> np.ndarray:
        return 100 * self.target / self.plan


@dataclass(frozen=True)
class SabotageFlag:
    """An agent whose dials end before anyone could answer far more often than the
    peers', with the evidence."""

    agent_id: int
    ended_dials: int
    short_dials: int
    short_share: float
    reach_share: float
    peers: int  # agents the baseline was taken from
    peer_median_short_share: float
    peer_median_reach_share: float
    threshold_share: float  # the share that flags, for this baseline
    short_dial_ms: int
    example_interaction_ids: tuple[int, ...]


@dataclass
class OutboundReport:
    table: OutboundTable
    sabotage: list[SabotageFlag]



def outbound_kpis(calls: Calls, settings: OutboundSettings | None = None) -> OutboundReport:
    """KPI-4 of the outbound calls among ``calls`` (see ``core.kpi.calls.agent_calls``)."""
    settings = settings or OutboundSettings()
    dial = calls.outbound
    agent = calls.agent_id[dial]
    agents, slot = np.unique(agent, return_inverse=True)
    slot = slot.ravel()
    ended_ms, outcome = calls.ended_ms[dial], calls.outcome[dial]
    # A dial cut off when the floor stopped (DROPPED) says nothing of the agent: its
    # length is the stop's, not a hang-up's.
    ended = (ended_ms >= 0) & (outcome != Outcome.DROPPED)
    short_ms = round(settings.short_dial_s * 1000)
    short = ended & (ended_ms - calls.accepted_ms[dial] < short_ms)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(slot[mask], minlength=len(agents)).astype(np.int64)

    plan = np.array([settings.plan.get(a, settings.default_plan) for a in agents.tolist()],
                    dtype=float)
    table = OutboundTable(
        agent_id=agents, dials=count(np.ones(len(agent), bool)), ended=count(ended),
        reached=count(ended & (outcome != Outcome.NOT_REACHED)),
        sales=count(ended & (outcome == Outcome.SALE)),
        meetings=count(ended & (outcome == Outcome.MEETING_SET)),
        target=count(ended & np.isin(outcome, [int(o) for o in settings.target_outcomes])),
        short_dials=count(short), plan=plan)
    short_dials = (agent[short], calls.interaction_id[dial][short])
    return OutboundReport(table, sabotage_flags(table, settings, short_ms, short_dials))


def sabotage_flags(table: OutboundTable, settings: OutboundSettings, short_dial_ms: int,
                   short_dials: tuple[np.ndarray, np.ndarray]) -> list[SabotageFlag]:
    """The rule: an agent with at least min_dials ended dials is flagged when their
    share of short dials is at least max(peer_ratio x m, m + peer_margin), m being the
    median share of the other agents with at least min_dials (min_peers of them or
    more). The agent is left out of their own baseline, and a median, so that one
    saboteur, or two, cannot hide by raising it. ``short_dials``: the agent and the
    interaction id of each short dial, in the order they were taken."""
    short_agent, short_id = short_dials
    judged = np.flatnonzero(table.ended >= settings.min_dials)
    share, reach = table.short_share, table.reach_share
    flags = []
    for i in judged.tolist():
        peers = judged[judged != i]
        if len(peers) < settings.min_peers:
            continue
        m = float(np.median(share[peers]))
        threshold = max(settings.peer_ratio * m, m + settings.peer_margin)
        if share[i] < threshold:
            continue
        aid = int(table.agent_id[i])
        flags.append(SabotageFlag(
            agent_id=aid, ended_dials=int(table.ended[i]),
            short_dials=int(table.short_dials[i]), short_share=float(share[i]),
            reach_share=float(reach[i]), peers=len(peers), peer_median_short_share=m,
            peer_median_reach_share=float(np.median(reach[peers])),
            threshold_share=threshold, short_dial_ms=short_dial_ms,
            example_interaction_ids=tuple(
                short_id[short_agent == aid][:settings.examples].tolist())))
    return flags


def outbound_report(store: Store, since_ms: int, until_ms: int,
                    settings: OutboundSettings | None = None,
                    numbers: NumberPlan | None = None) -> OutboundReport:
    """``outbound_kpis`` of the dials taken in [since_ms, until_ms) in the store."""
    events = store.read_time_range(since_ms - LOOKBACK_MS, until_ms)
    interactions = Interactions.from_columns(
        store.interaction_columns(since_ms - LOOKBACK_MS, until_ms))
    return outbound_kpis(agent_calls(events, interactions, numbers, since_ms, until_ms),
                         settings)
