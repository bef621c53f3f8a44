"""The peer for the staffing benchmark: pyworkforce's Erlang C (0.5.1, the release
that installs on Python 3.11), one ErlangC object per interval, the way its README
loops over a day. Its times are in whatever unit the caller uses throughout; seconds
here, so it sees the same loads as ours.

It refuses an interval with no contacts (ValueError); that interval comes back as
-1 here (ours: 0 agents)."""

from __future__ import annotations

import numpy as np
from pyworkforce.queuing import ErlangC


def required_agents(contacts: np.ndarray, handle_s: np.ndarray, share: np.ndarray,
                    answer_s: np.ndarray, interval_s: float) -> np.ndarray:
    out = np.empty(len(contacts), np.int64)
    for i, (c, h, s, t) in enumerate(zip(contacts.tolist(), handle_s.tolist(),
                                         share.tolist(), answer_s.tolist(), strict=True)):
        try:
            erlang = ErlangC(transactions=c, aht=h, asa=t, interval=interval_s)
        except ValueError:
            out[i] = -1
            continue
        out[i] = erlang.required_positions(service_level=s)["raw_positions"]
    return out
