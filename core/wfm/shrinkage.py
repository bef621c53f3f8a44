"""Shrinkage: the share of paid time in which a scheduled agent takes no contacts
(breaks, training, sickness), and what to schedule so that enough agents are left
taking contacts. Defaults from a scenario: its break plan over its shifts, and its
sick days."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import StaffingError
from core.model.scenario import BreakPlan, Scenario
from core.wfm.inputs import least_count

#: breaks.py plans no pause in a shift's first or last quarter hour, so a shift too
#: short for its breaks and both edges gets none (minutes).
_EDGE_MIN = 15.0


@dataclass(frozen=True, slots=True)
class Shrinkage:
    """Shares of paid time lost to each cause. They compound: an agent off sick takes
    no breaks, and training falls in the time left after breaks."""

    breaks: float = 0.0
    training: float = 0.0
    sickness: float = 0.0

    def __post_init__(self) -> None:
        for name in ("breaks", "training", "sickness"):
            v = getattr(self, name)
            if not 0 <= v < 1:
                raise StaffingError(f"shrinkage {name}: {v!r} is not a share of paid time "
                                    "of at least 0 and below 1")

    @property
    def total(self) -> float:
        return 1 - (1 - self.breaks) * (1 - self.training) * (1 - self.sickness)

    @classmethod
    def from_scenario(cls, scenario: Scenario, training: float = 0.0) -> Shrinkage:
        """The scenario's breaks over its agents' shifts (each agent's paid time its
        shift's length) and its sick days (each agent off with ``sick_rate`` each
        day, as the simulator draws them)."""
        return cls(breaks=break_share(scenario), training=training,
                   sickness=scenario.sick_rate)


def _break_minutes(plan: BreakPlan) -> float:
    return plan.short * plan.short_min + plan.meal * plan.meal_min


def break_share(scenario: Scenario) -> float:
    """Break minutes over paid minutes, over every agent of the floor."""
    plan = scenario.breaks
    if plan is None:
        return 0.0
    taken = _break_minutes(plan)
    paid = away = 0.0
    for agent in scenario.floor.agents:
        start, end = scenario.shifts.get(agent.shift, (0.0, 24.0))
        minutes = (end - start) * 60
        paid += minutes
        if minutes >= 2 * _EDGE_MIN + taken:
            away += taken
    return away / paid if paid else 0.0


def scheduled_for(agents: np.ndarray, shrinkage: np.ndarray | float) -> np.ndarray:
    """The least number to schedule so that, after ``shrinkage``, ``agents`` are
    left taking contacts: the least N with N (1 - shrinkage) >= agents."""
    agents = np.asarray(agents, dtype=np.int64)
    keep = 1 - np.broadcast_to(np.asarray(shrinkage, dtype=np.float64), agents.shape)
    return least_count(agents.astype(np.float64), keep)
