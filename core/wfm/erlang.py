"""Erlang C and Erlang A staffing per interval: the figures of a queue for n agents
and the least n that meets a service-level target, with an occupancy cap and
shrinkage. Scalars for one interval, columns for many (one kernel call for a week
of intervals). Definitions and sources: docs/wfm.md.

Erlang C (M/M/n) assumes customers who wait for ever; Erlang A (M/M/n+M) gives them
exponential patience with mean ``patience_s`` (inf: Erlang C)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.errors import StaffingError
from core.wfm.inputs import REL_TOLERANCE, checked, column, least_count, whole_agents
from core.wfm.model import QueueFigures, ServiceTarget, Staffing, StaffingColumns
from core.wfm.shrinkage import scheduled_for
from core_ext import erlang_kernels as kernels

Numbers = float | Sequence[float] | np.ndarray


def offered_load(contacts: Numbers, handle_s: Numbers, interval_s: float = 900.0) -> np.ndarray:
    """Erlangs: contacts per interval times their mean handle time, over the interval."""
    return np.asarray(contacts, dtype=np.float64) * np.asarray(handle_s) / interval_s


def _abandonment_cap(value: Numbers, m: int) -> np.ndarray | None:
    """The cap per interval, or None for no cap anywhere."""
    if np.ndim(value) == 0 and value == 1.0:
        return None
    cap = column("abandonment_cap", value, m)
    bad = np.flatnonzero(~((cap > 0) & (cap <= 1)))
    if len(bad):
        raise StaffingError(f"abandonment_cap of interval {int(bad[0])}: "
                            f"{float(cap[bad[0]]):g} is not a share above 0 and at most 1")
    return cap


def _part(mask: np.ndarray) -> slice | np.ndarray | None:
    """Index of the intervals in ``mask``: all of them without a copy, or none."""
    if mask.all():
        return slice(None)
    return mask if mask.any() else None


def _figures(load, nu, agents, tau, handle_s):
    """Figures per interval: Erlang C where nu is 0 (no patience), Erlang A elsewhere."""
    m = len(load)
    sl, pwait, asa, pab, occ = (np.zeros(m) for _ in range(5))
    if (c := _part(nu == 0)) is not None:
        sl[c], pwait[c], asa[c], occ[c] = kernels.erlang_c_figures(
            load[c], agents[c], tau[c])
    if (a := _part(nu != 0)) is not None:
        sl[a], pwait[a], asa[a], pab[a], occ[a] = kernels.erlang_a_figures(
            load[a], nu[a], agents[a], tau[a])
    return sl, pwait, asa * handle_s, pab, occ


def queue_figures(contacts: float, handle_s: float, agents: int, answer_s: float, *,
                  patience_s: float = math.inf, interval_s: float = 900.0) -> QueueFigures:
    """Service level (answered within ``answer_s``), P(wait), ASA, abandonment and
    occupancy of one interval's queue with ``agents`` agents: Erlang C, or Erlang A
    when ``patience_s`` is finite."""
    col = queue_figure_columns([contacts], [handle_s], [agents], [answer_s],
                               patience_s=[patience_s], interval_s=interval_s)
    return col.row(0).figures


def queue_figure_columns(contacts: Numbers, handle_s: Numbers, agents: Numbers,
                         answer_s: Numbers, *, patience_s: Numbers = math.inf,
                         interval_s: float = 900.0) -> StaffingColumns:
    """queue_figures per interval (``scheduled`` is ``agents``)."""
    n = whole_agents(agents, len(column("contacts", contacts)))
    cols, load, tau, nu = checked(interval_s, contacts, handle_s, answer_s, patience_s,
                                  agents=n)
    sl, pwait, asa, pab, occ = _figures(load, nu, n, tau, cols["handle_s"])
    return StaffingColumns(load, n, n.copy(), sl, pwait, asa, pab, occ)


def staff_intervals(contacts: Numbers, handle_s: Numbers, share: Numbers, answer_s: Numbers,
                    *, patience_s: Numbers = math.inf, occupancy_cap: Numbers = 1.0,
                    abandonment_cap: Numbers = 1.0, shrinkage: Numbers = 0.0,
                    interval_s: float = 900.0) -> StaffingColumns:
    """Per interval, the least number of agents whose service level (``share``
    answered within ``answer_s``) is met with occupancy at most ``occupancy_cap``
    (and, with Erlang A, abandonment at most ``abandonment_cap``; 1: no cap), what
    to schedule for it after ``shrinkage``, and the figures at that number. Erlang C
    where ``patience_s`` is inf, Erlang A elsewhere. An interval with no contacts
    needs nobody."""
    cols, load, tau, nu = checked(interval_s, contacts, handle_s, answer_s, patience_s,
                                  share, occupancy_cap, shrinkage)
    share = cols["service level target"]
    cap = cols["occupancy_cap"]
    shrink = cols["shrinkage"]
    m = len(load)
    abandon_cap = _abandonment_cap(abandonment_cap, m)
    agents = np.zeros(m, np.int64)
    sl, pwait, asa, pab, occ = (np.zeros(m) for _ in range(5))
    if (c := _part(nu == 0)) is not None:
        least = (least_count(load[c], cap[c]) if (cap < 1).any()
                 else np.zeros(len(load[c]), np.int64))
        agents[c], sl[c], pwait[c], asa[c], occ[c] = kernels.erlang_c_staffing(
            load[c], tau[c], share[c], least)
    if (a := _part(nu != 0)) is not None:
        # The kernel compares its own occupancy (carried load / n) with the cap; the
        # tolerance keeps float noise from costing an agent there too.
        lose = np.ones(m) if abandon_cap is None else abandon_cap
        agents[a] = kernels.erlang_a_staffing(load[a], nu[a], tau[a], share[a],
                                              cap[a] * (1 + REL_TOLERANCE), lose[a])
        sl[a], pwait[a], asa[a], pab[a], occ[a] = kernels.erlang_a_figures(
            load[a], nu[a], agents[a], tau[a])
    scheduled = scheduled_for(agents, shrink) if (shrink > 0).any() else agents.copy()
    return StaffingColumns(load, agents, scheduled, sl, pwait, asa * cols["handle_s"], pab,
                           occ)


def staff_interval(contacts: float, handle_s: float, target: ServiceTarget, *,
                   patience_s: float = math.inf, shrinkage: float = 0.0,
                   interval_s: float = 900.0) -> Staffing:
    """staff_intervals for one interval."""
    return staff_intervals([contacts], [handle_s], [target.share], [target.answer_s],
                           patience_s=[patience_s], occupancy_cap=[target.occupancy_cap],
                           abandonment_cap=[target.abandonment_cap], shrinkage=[shrinkage],
                           interval_s=interval_s).row(0)
