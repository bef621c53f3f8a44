"""The router (ROUTE-1..7); the policy it follows is a spec in core.model.floor_policy."""

from core.routing.router import Rejection, Router

__all__ = ["Rejection", "Router"]
