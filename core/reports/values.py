"""What every report's rows share: numbers rounded for reading, the engines' local
times as text, agents by name and shares in percent."""

from __future__ import annotations

import math
from collections.abc import Callable

from core.clock import wall_clock
from core.store import Store


def num(x: float, digits: int) -> float | None:
    """Rounded; None for "not defined here" (a rate of nothing). Infinity stays."""
    if math.isnan(x):
        return None
    return x if math.isinf(x) else round(float(x), digits)


def local_text(local_ms: int, fmt: str) -> str:
    """Local wall-clock ms since 1970-01-01 (the engines' interval starts) as text."""
    return wall_clock(local_ms).strftime(fmt)


def agent_names(store: Store) -> Callable[[int], str]:
    """An agent id's stored name ("agent 7" for one the store does not know)."""
    agent_name = {a.id: a.name for a in store.agent_rows()}
    return lambda a: agent_name.get(a, f"agent {a}")


def pct(share: float, threshold: float | None = None) -> str:
    """A share as a whole percent; one decimal where whole would look like the
    threshold itself (a 25.4% spread is flagged above 25%)."""
    if threshold is not None and round(100 * share) == round(100 * threshold):
        return f"{100 * share:.1f}%"
    return f"{100 * share:.0f}%"
