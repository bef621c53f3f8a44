"""All of Floorboard's SQL lives in this package."""

from core.store.store import SeqRange, Store, StoreStats

__all__ = ["SeqRange", "Store", "StoreStats"]
