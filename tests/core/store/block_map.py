"""A check of the store's time map (event_blocks) against the events themselves."""

from __future__ import annotations

import apsw

from core.store.schema import EVENT_BLOCK


def check_block_map(conn: apsw.Connection) -> None:
    """Every event lies in exactly one block, blocks are aligned, and each block's
    time span is exactly the smallest and largest time of its events."""
    want = conn.execute(
        f"SELECT (seq - 1) / {EVENT_BLOCK} * {EVENT_BLOCK} + 1, max(seq), min(ts_ms), "
        f"max(ts_ms) FROM events GROUP BY (seq - 1) / {EVENT_BLOCK} ORDER BY 1").fetchall()
    got = conn.execute("SELECT first_seq, last_seq, min_ts_ms, max_ts_ms FROM event_blocks "
                       "ORDER BY first_seq").fetchall()
    assert got == want
