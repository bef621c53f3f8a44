"""What staffing answers are made of: a service-level target, the figures of one
queue in one interval, how many agents it takes, and the same for many intervals as
columns. Definitions of every figure: docs/wfm.md."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    """``share`` of the contacts answered within ``answer_s`` seconds (0.8, 20: the
    floor's 80/20), with agents busy at most ``occupancy_cap`` of their time and, where
    customers hang up (Erlang A), at most ``abandonment_cap`` of them hanging up
    (1: no cap)."""

    share: float
    answer_s: float
    occupancy_cap: float = 1.0
    abandonment_cap: float = 1.0


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """One queue in one interval with ``agents`` agents taking its contacts.

    ``asa_s`` is the mean wait of the answered contacts, inf when none is answered or
    the queue grows without end (Erlang C with no more agents than Erlangs);
    ``abandonment`` is 0 in Erlang C, whose customers never hang up."""

    agents: int
    load_erlangs: float
    service_level: float
    p_wait: float
    asa_s: float
    abandonment: float
    occupancy: float


@dataclass(frozen=True, slots=True)
class Staffing:
    """The least number of agents taking contacts that meets the target
    (``agents``), what to schedule for it once shrinkage takes its share
    (``scheduled``), and the queue's figures at ``agents``."""

    agents: int
    scheduled: int
    figures: QueueFigures


@dataclass(frozen=True)
class StaffingColumns:
    """Staffing of many intervals (one row each): the columns of Staffing and
    QueueFigures."""

    load_erlangs: np.ndarray  # float64
    agents: np.ndarray  # int64
    scheduled: np.ndarray  # int64
    service_level: np.ndarray  # float64
    p_wait: np.ndarray  # float64
    asa_s: np.ndarray  # float64
    abandonment: np.ndarray  # float64
    occupancy: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.agents)

    def row(self, i: int) -> Staffing:
        return Staffing(int(self.agents[i]), int(self.scheduled[i]), QueueFigures(
            int(self.agents[i]), float(self.load_erlangs[i]), float(self.service_level[i]),
            float(self.p_wait[i]), float(self.asa_s[i]), float(self.abandonment[i]),
            float(self.occupancy[i])))
