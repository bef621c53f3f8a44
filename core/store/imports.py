"""Files imported into the store: when, which (by sha256), what they gave, and the
lines of them that could not be read (schema 5, docs/export.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from core.clock import now_ms
from core.store.store import Store

_IMPORT_COLUMNS = ("id, source, file_name, sha256, imported_at_ms, lines, imported, phantom,"
                   " rejected, interaction_id_offset, first_arrival_ms, last_arrival_ms")


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One import. Its interactions have ids ``interaction_id_offset`` + the number
    the source gave them (for a line-based file: the line's number)."""

    id: int
    source: str
    file_name: str
    sha256: str
    imported_at_ms: int
    lines: int
    imported: int
    phantom: int
    rejected: int
    interaction_id_offset: int
    first_arrival_ms: int | None
    last_arrival_ms: int | None


@dataclass(frozen=True, slots=True)
class RejectedRow:
    import_id: int
    line: int
    field: str
    reason: str
    text: str | None


def find_import(store: Store, sha256: str) -> ImportRecord | None:
    """The import of the file with these bytes, if there was one."""
    row = store.connection.execute(
        f"SELECT {_IMPORT_COLUMNS} FROM imports WHERE sha256 = ?", (sha256,)).fetchone()
    return None if row is None else ImportRecord(*row)


def import_records(store: Store) -> list[ImportRecord]:
    rows = store.connection.execute(f"SELECT {_IMPORT_COLUMNS} FROM imports ORDER BY id")
    return [ImportRecord(*r) for r in rows]


def rejected_rows(store: Store, import_id: int) -> list[RejectedRow]:
    rows = store.connection.execute(
        "SELECT import_id, line, field, reason, text FROM rejected_lines WHERE import_id = ?"
        " ORDER BY line", (import_id,))
    return [RejectedRow(*r) for r in rows]


def record_import(
    store: Store,
    source: str,
    file_name: str,
    sha256: str,
    *,
    lines: int,
    imported: int,
    phantom: int,
    rejected: Iterable[tuple[int, str, str, str]],
    interaction_id_offset: int,
    first_arrival_ms: int | None,
    last_arrival_ms: int | None,
    imported_at_ms: int | None = None,
) -> ImportRecord:
    """Store an import with its rejected lines (line, field, reason, raw text), in one
    transaction (or as part of the caller's ``store.transaction()``)."""
    rejected = list(rejected)
    when = now_ms() if imported_at_ms is None else imported_at_ms
    conn = store.connection
    with conn:
        conn.execute(
            f"INSERT INTO imports ({_IMPORT_COLUMNS}) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            (source, file_name, sha256, when, lines, imported, phantom, len(rejected),
             interaction_id_offset, first_arrival_ms, last_arrival_ms))
        import_id = conn.last_insert_rowid()
        conn.executemany(
            "INSERT INTO rejected_lines (import_id, line, field, reason, text)"
            " VALUES (?, ?, ?, ?, ?)",
            [(import_id, line, field, reason, text) for line, field, reason, text in rejected])
    return ImportRecord(import_id, source, file_name, sha256, when, lines, imported, phantom,
                        len(rejected), interaction_id_offset, first_arrival_ms, last_arrival_ms)


def overlapping_imports(store: Store, source: str, first_arrival_ms: int,
                        last_arrival_ms: int) -> list[ImportRecord]:
    """Earlier imports from ``source`` whose arrivals overlap [first, last]."""
    rows = store.connection.execute(
        f"SELECT {_IMPORT_COLUMNS} FROM imports WHERE source = ? AND first_arrival_ms <= ?"
        " AND last_arrival_ms >= ? ORDER BY id", (source, last_arrival_ms, first_arrival_ms))
    return [ImportRecord(*r) for r in rows]


def import_arrivals(store: Store, record: ImportRecord, from_ms: int, to_ms: int,
                    queue_ids: Iterable[int]) -> np.ndarray:
    """When the calls of import ``record`` on these queues arrived, within [from, to]
    (int64 ms, sorted). Its interactions are those with ids from its offset to the
    next import's (a line-based file's ids are offset + line, its lines + 1 at most)."""
    queues = sorted({int(q) for q in queue_ids})
    if not queues:
        return np.zeros(0, dtype=np.int64)
    conn = store.connection
    next_offset = conn.execute("SELECT min(interaction_id_offset) FROM imports WHERE id > ?",
                               (record.id,)).get
    high = record.interaction_id_offset + record.lines + 1
    if next_offset is not None:
        high = min(high, next_offset)
    rows = conn.execute(
        "SELECT arrived_ms FROM interactions WHERE id > ? AND id <= ? AND arrived_ms >= ?"
        f" AND arrived_ms <= ? AND queue_id IN ({', '.join('?' * len(queues))})"
        " ORDER BY arrived_ms",
        (record.interaction_id_offset, high, from_ms, to_ms, *queues))
    return np.array([r[0] for r in rows], dtype=np.int64)
