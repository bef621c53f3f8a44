"""Erlang C and Erlang A staffing per interval: the figures of a queue for n agents
and the least n that meets a service-level target, with an occupancy cap and
shrinkage. Scalars for one interval, columns for many (one kernel call for a week
of intervals). Definitions and sources: docs/wfm.md.

Erlang C (M/M/n) assumes customers who wait for ever; Erlang A (M/M/n+M) gives them
exponential patience with mean ``patience_s`` (inf: Erlang C)."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np

from core.errors import StaffingError
from core.wfm.inputs import check_target_share, column, least_count, require
from core.wfm.model import QueueFigures, ServiceTarget, Staffing, StaffingColumns
from core.wfm.shrinkage import scheduled_for
from core_ext import erlang_kernels as kernels

log = logging.getLogger(__name__)

Numbers = float | Sequence[float] | np.ndarray

#: Erlang A sums its queue place by place; beyond this many it would take seconds.
MAX_QUEUE_PLACES = 5e7


def offered_load(contacts: Numbers, handle_s: Numbers, interval_s: float = 900.0) -> np.ndarray:
    """Erlangs: contacts per interval times their mean handle time, over the interval."""
    return np.asarray(contacts, dtype=np.float64) * np.asarray(handle_s) / interval_s


def _inputs(contacts, handle_s, answer_s, patience_s, interval_s, n=None):
    if not (isinstance(interval_s, int | float) and math.isfinite(interval_s)
            and interval_s > 0):
        raise StaffingError(f"interval_s: {interval_s!r} is not a length of interval in "
                            "seconds above 0")
    contacts = np.atleast_1d(column("contacts", contacts, n))
    n = len(contacts)
    handle_s = column("handle_s", handle_s, n)
    answer_s = column("answer_s", answer_s, n)
    patience_s = column("patience_s", patience_s, n)
    require("contacts", contacts, (contacts < 0) | ~np.isfinite(contacts),
            "a count of contacts, 0 or more")
    require("handle_s", handle_s, (handle_s <= 0) | ~np.isfinite(handle_s),
            "a mean handle time in seconds above 0")
    require("answer_s", answer_s, (answer_s < 0) | ~np.isfinite(answer_s),
            "a time to answer in seconds, 0 or more")
    require("patience_s", patience_s, patience_s <= 0,
            "a mean patience in seconds above 0 (inf: customers who never hang up)")
    load = contacts * handle_s / interval_s
    nu = np.where(np.isfinite(patience_s), handle_s / patience_s, 0.0)
    return load, handle_s, answer_s / handle_s, nu, patience_s


def _check_queue(patience_s: np.ndarray, load: np.ndarray, nu: np.ndarray,
                 lowest: np.ndarray) -> None:
    """Refuse Erlang A where it would sum a queue too long to sum: with fewer agents
    than Erlangs it grows until patience balances the excess, (load - n) / nu places."""
    places = np.maximum(load - lowest, 0) / np.where(nu > 0, nu, 1.0)
    require("patience_s", patience_s, (nu > 0) & (places > MAX_QUEUE_PLACES),
            f"short enough to model abandonment here: so patient a queue would reach "
            f"{MAX_QUEUE_PLACES:g} waiting; give inf for Erlang C")


def _agents(agents, n=None) -> np.ndarray:
    arr = column("agents", agents, n)
    require("agents", arr, (arr < 0) | (arr != np.floor(arr)) | ~np.isfinite(arr),
            "a whole number of agents, 0 or more")
    return arr.astype(np.int64)


def _figures(load, nu, agents, tau, handle_s):
    """Figures per interval: Erlang C where nu is 0 (no patience), Erlang A elsewhere."""
    m = len(load)
    sl, pwait, asa, pab, occ = (np.zeros(m) for _ in range(5))
    c = nu == 0
    if c.any():
        sl[c], pwait[c], asa[c], occ[c] = kernels.erlang_c_figures(
            load[c], agents[c], tau[c])
    a = ~c
    if a.any():
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
    load, handle, tau, nu, patience = _inputs(contacts, handle_s, answer_s, patience_s,
                                              interval_s,
                                              np.size(agents) if np.ndim(agents) else None)
    n = _agents(agents, len(load))
    _check_queue(patience, load, nu, n)
    sl, pwait, asa, pab, occ = _figures(load, nu, n, tau, handle)
    return StaffingColumns(load, n, n.copy(), sl, pwait, asa, pab, occ)


def staff_intervals(contacts: Numbers, handle_s: Numbers, share: Numbers, answer_s: Numbers,
                    *, patience_s: Numbers = math.inf, occupancy_cap: Numbers = 1.0,
                    shrinkage: Numbers = 0.0, interval_s: float = 900.0) -> StaffingColumns:
    """Per interval, the least number of agents whose service level (``share``
    answered within ``answer_s``) is met with occupancy at most ``occupancy_cap``,
    what to schedule for it after ``shrinkage``, and the figures at that number.
    Erlang C where ``patience_s`` is inf, Erlang A elsewhere. An interval with no
    contacts needs nobody."""
    n = np.size(contacts) if np.ndim(contacts) else None
    load, handle, tau, nu, patience = _inputs(contacts, handle_s, answer_s, patience_s,
                                              interval_s, n)
    m = len(load)
    share = column("service level target", share, m)
    cap = column("occupancy_cap", occupancy_cap, m)
    shrink = column("shrinkage", shrinkage, m)
    check_target_share(share, load)
    require("occupancy_cap", cap, (cap <= 0) | (cap > 1), "a share above 0 and at most 1")
    require("shrinkage", shrink, (shrink < 0) | (shrink >= 1),
            "a share of paid time of at least 0 and below 1")
    _check_queue(patience, load, nu, np.maximum(np.floor(share * load), 1))
    agents = np.zeros(m, np.int64)
    c = nu == 0
    if c.any():
        least = least_count(load[c], cap[c])
        agents[c] = kernels.erlang_c_staffing(load[c], tau[c], share[c], least)
    a = ~c
    if a.any():
        # The kernel compares its own occupancy (carried load / n) with the cap; the
        # tolerance keeps float noise from costing an agent there too.
        agents[a] = kernels.erlang_a_staffing(load[a], nu[a], tau[a], share[a],
                                              cap[a] * (1 + 1e-12))
    sl, pwait, asa, pab, occ = _figures(load, nu, agents, tau, handle)
    return StaffingColumns(load, agents, scheduled_for(agents, shrink), sl, pwait, asa,
                           pab, occ)


def staff_interval(contacts: float, handle_s: float, target: ServiceTarget, *,
                   patience_s: float = math.inf, shrinkage: float = 0.0,
                   interval_s: float = 900.0) -> Staffing:
    """staff_intervals for one interval."""
    return staff_intervals([contacts], [handle_s], [target.share], [target.answer_s],
                           patience_s=[patience_s], occupancy_cap=[target.occupancy_cap],
                           shrinkage=[shrinkage], interval_s=interval_s).row(0)
