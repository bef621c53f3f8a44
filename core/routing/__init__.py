"""Routing policy and the router (ROUTE-1..7)."""

from core.routing.policy import (
    BlendPolicy,
    FloorPolicy,
    OverflowStep,
    QueuePolicy,
    Strategy,
)
from core.routing.router import Rejection, Router

__all__ = ["BlendPolicy", "FloorPolicy", "OverflowStep", "QueuePolicy", "Rejection", "Router",
           "Strategy"]
