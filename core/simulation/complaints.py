"""Complaints on the simulated floor (SIM-1, seed 000).

Most complaints are mild (a long wait, an agent's tone) or come from time-wasters and
pranksters, who claim anything, the serious kinds included; genuine serious ones from
real customers are rare: the shipped normal day makes two or three a month. Whether
one is valid is for triage to decide (ESC-1), not for the simulator.
"""

from __future__ import annotations

import numpy as np

from core.model import ComplaintCategory as C
from core.model import Outcome
from core.model.scenario import Scenario

_MILD = np.array([C.RUDENESS, C.WAIT_TIME, C.PRODUCT, C.OTHER], dtype=np.int8)
_MILD_P = [0.2, 0.35, 0.3, 0.15]
_SERIOUS = np.array([C.HARM, C.BILLING_ERROR, C.LEGAL_THREAT, C.REPEATED_FAILURE],
                    dtype=np.int8)
_SERIOUS_P = [0.15, 0.45, 0.15, 0.25]
_ANY = np.array([int(c) for c in C], dtype=np.int8)

#: What the agent writes, by category.
NOTES = {
    C.HARM: "Customer says our engineer's visit left the connection box damaged.",
    C.BILLING_ERROR: "Charged twice this month; the bill shows the double charge.",
    C.LEGAL_THREAT: "Customer will take this to a lawyer unless it is fixed this week.",
    C.REPEATED_FAILURE: "Third contact about the same fault; the last two fixes failed.",
    C.RUDENESS: "Unhappy with how an earlier agent spoke to them.",
    C.WAIT_TIME: "Complained about the wait before being answered.",
    C.PRODUCT: "Unhappy with the service's speed and price.",
    C.OTHER: "General complaint, no details given.",
}


def draw_complaints(scenario: Scenario, outcome: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """Per contact, the category of the complaint it raises once served (0: none)."""
    n = len(outcome)
    prank = outcome == Outcome.PRANK
    chance = np.where(prank, scenario.prank_complaint_rate, scenario.complaint_rate)
    complains = (rng.random(n) < chance) & (outcome != Outcome.NOT_REACHED)
    serious = rng.random(n) < scenario.serious_complaint_share
    category = np.where(
        prank, rng.choice(_ANY, n),
        np.where(serious, rng.choice(_SERIOUS, n, p=_SERIOUS_P), rng.choice(_MILD, n, p=_MILD_P)))
    return np.where(complains, category, 0).astype(np.int8)
