"""All of Floorboard's SQL lives in this package."""

from core.store.store import (
    AgentRow,
    AuditEntry,
    QueueRow,
    SeqRange,
    Store,
    StoredComplaint,
    StoredFloor,
    StoreStats,
    TimeSpan,
)

__all__ = ["AgentRow", "AuditEntry", "QueueRow", "SeqRange", "Store", "StoreStats",
           "StoredComplaint", "StoredFloor", "TimeSpan"]
