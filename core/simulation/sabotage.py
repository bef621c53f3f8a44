"""Seed 002's saboteurs: outbound agents who dial and hang up before the callee
could answer. Whether a dial is cut short depends on who takes it, which the loop
learns only at assignment; the draws it needs are made here, per contact, up front.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.model.scenario import SabotagePlan


def draw_hangups(plan: SabotagePlan | None, agent_ids: Sequence[int], n_contacts: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per agent (floor order) the share of dials they cut short; per contact a
    uniform draw (cut short when below the share of the agent who takes it) and the
    moment, in ms after it was taken, it would be cut. Without saboteurs the
    per-contact arrays are empty: the loop never reads them then."""
    share = np.zeros(len(agent_ids), dtype=np.float64)
    if plan is None or not plan.agent_ids or plan.share <= 0:
        return share, np.zeros(0, np.float64), np.zeros(0, np.int64)
    index = {a: i for i, a in enumerate(agent_ids)}
    share[[index[a] for a in plan.agent_ids]] = plan.share
    u = rng.random(n_contacts)
    lo, hi = plan.after_s
    after_ms = (rng.uniform(lo, hi, n_contacts) * 1000).astype(np.int64)
    return share, u, after_ms
