"""Colour thresholds of the wallboard: service level against its target."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.Enum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # nothing to judge yet (no contact offered)


@dataclass(frozen=True)
class Thresholds:
    """A service level at or above ``green`` is green, at or above ``amber`` amber,
    below it red (fractions of contacts answered within target)."""

    green: float = 0.80
    amber: float = 0.60

    def __post_init__(self) -> None:
        if not 0 <= self.amber <= self.green <= 1:
            raise ValueError(f"thresholds must satisfy 0 <= amber ({self.amber}) <= green "
                             f"({self.green}) <= 1")

    def level(self, service_level: float | None) -> Level:
        if service_level is None:
            return Level.NONE
        if service_level >= self.green:
            return Level.GREEN
        return Level.AMBER if service_level >= self.amber else Level.RED
