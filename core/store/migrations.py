"""Ordered, named migrations. The pending ones run in one transaction with their records.

``PRAGMA user_version`` holds the number of migrations applied; the
``schema_migrations`` table says which and when. Never edit or reorder a released
migration: append a new one.
"""

from __future__ import annotations

from collections.abc import Callable

import apsw

from core.clock import now_ms
from core.model import LOOKUP_ENUMS
from core.store import schema


def _fill_lookups(conn: apsw.Connection, tables: tuple[str, ...],
                  newest: dict[str, int] | None = None) -> None:
    """Lookup rows of these tables for the enum members (up to ``newest[table]``)."""
    for table in tables:
        enum_type = LOOKUP_ENUMS[table]
        limit = (newest or {}).get(table)
        conn.executemany(
            f"INSERT OR IGNORE INTO {table} (code, name) VALUES (?, ?)",
            [(int(m), m.name) for m in enum_type if limit is None or int(m) <= limit],
        )


#: What schema versions were released with: a migration must not change with the code.
_V1_LOOKUPS = ("channels", "directions", "agent_states", "blend_profiles", "work_modes",
               "outcomes", "number_types", "event_kinds")
_V1_NEWEST = {"event_kinds": 15, "outcomes": 10}
_V2_NEWEST = {"event_kinds": 16, "outcomes": 10}
_V4_NEWEST = {"event_kinds": 17, "complaint_categories": 8, "outcomes": 10}
_V7_NEWEST = {"outcomes": 11}


def _v1_initial(conn: apsw.Connection) -> None:
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute(schema.MIGRATIONS_TABLE)
    for table in _V1_LOOKUPS:
        conn.execute(schema.LOOKUP_TABLE.format(name=table))
    _fill_lookups(conn, _V1_LOOKUPS, _V1_NEWEST)
    for sql in schema.V1_TABLES + schema.APPEND_ONLY_TRIGGERS + schema.V1_VIEWS:
        conn.execute(sql)


def _v2_lookup_rows(conn: apsw.Connection) -> None:
    # New enum members (EventKind.BLOCKED) get their lookup rows.
    _fill_lookups(conn, _V1_LOOKUPS, _V2_NEWEST)


def _v3_event_blocks(conn: apsw.Connection) -> None:
    for sql in schema.V3_EVENT_BLOCKS:
        conn.execute(sql)


def _v4_complaints(conn: apsw.Connection) -> None:
    conn.execute(schema.LOOKUP_TABLE.format(name="complaint_categories"))
    _fill_lookups(conn, (*_V1_LOOKUPS, "complaint_categories"), _V4_NEWEST)
    for sql in schema.V4_COMPLAINTS:
        conn.execute(sql)


def _v5_imports(conn: apsw.Connection) -> None:
    for sql in schema.V5_IMPORTS:
        conn.execute(sql)


def _v6_sales(conn: apsw.Connection) -> None:
    for sql in schema.V6_SALES:
        conn.execute(sql)


def _v7_outcome_dropped(conn: apsw.Connection) -> None:
    _fill_lookups(conn, ("outcomes",), _V7_NEWEST)


def _v8_escalation(conn: apsw.Connection) -> None:
    for sql in schema.V8_ESCALATION:
        conn.execute(sql)


def _v9_customer_contacts(conn: apsw.Connection) -> None:
    for sql in schema.V9_CUSTOMER_CONTACTS:
        conn.execute(sql)


def _v10_floor_policies(conn: apsw.Connection) -> None:
    for sql in schema.V10_FLOOR_POLICIES:
        conn.execute(sql)


MIGRATIONS: list[tuple[str, Callable[[apsw.Connection], None]]] = [
    ("initial", _v1_initial),
    ("event kind BLOCKED", _v2_lookup_rows),
    ("event time map instead of per-row event indexes", _v3_event_blocks),
    ("complaints", _v4_complaints),
    ("imports and their rejected lines", _v5_imports),
    ("sales with amount, currency, product and partner", _v6_sales),
    ("outcome DROPPED", _v7_outcome_dropped),
    ("escalation: triage decisions, pages and their attempts, acknowledgements",
     _v8_escalation),
    ("existing clients looked up from a cache filled when triage asks, not an index on"
     " every interaction", _v9_customer_contacts),
    ("the floor's routing policy and where it came from, stored when a floor is saved",
     _v10_floor_policies),
]

LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: apsw.Connection) -> int:
    return conn.execute("PRAGMA user_version").get


def migrate(conn: apsw.Connection) -> list[str]:
    """Bring ``conn`` to LATEST_VERSION; returns the names of the migrations applied."""
    applied = []
    # IMMEDIATE: two processes opening a new file at once must not both migrate it.
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        for number, (name, step) in enumerate(MIGRATIONS[version:], start=version + 1):
            step(conn)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)",
                (number, name, now_ms()),
            )
            conn.execute(f"PRAGMA user_version = {number}")
            applied.append(name)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied
