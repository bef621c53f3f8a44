"""The compiled router core."""

from core_ext import compiled

RouterCore = compiled("_router").RouterCore

__all__ = ["RouterCore"]
