"""The peer for event append: what a developer writes without Floorboard's codec —
Python tuples and ``executemany``, one transaction per batch, same schema and
durability settings (WAL, synchronous=FULL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import apsw

INSERT = (
    "INSERT INTO events (seq, ts_ms, kind, interaction_id, agent_id, queue_id, channel,"
    " value, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def append_apsw(path: Path, batches: list[list[tuple]]) -> None:
    conn = apsw.Connection(str(path))
    conn.pragma("journal_mode", "wal")
    conn.pragma("synchronous", "FULL")
    for rows in batches:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT, rows)
        conn.execute("COMMIT")
    conn.close()


def append_sqlite3(path: Path, batches: list[list[tuple]]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = wal")
    conn.execute("PRAGMA synchronous = FULL")
    for rows in batches:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(INSERT, rows)
        conn.execute("COMMIT")
    conn.close()
