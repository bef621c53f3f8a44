"""Opening a Floorboard database safely: look first (read-only), then write.

Nothing is written to a file until it is known to be ours and not newer than
this code, so a foreign or future file is left exactly as it was.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import apsw

from core.errors import StoreError
from core.store import migrations, schema

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

_NOT_OURS = (apsw.NotADBError, apsw.CorruptError)


_SQLITE_MAGIC = b"SQLite format 3\x00"


def _not_sqlite(path: Path, why: object) -> StoreError:
    return StoreError(
        f"{path}: not a Floorboard database (the file is not a valid SQLite "
        f"database: {why}). Nothing was changed. Move the file aside, or pass "
        "--db with another path."
    )


def _inspect(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, schema cookie) of an existing file.

    Read from the 100-byte file header when no write-ahead log is pending, so that
    looking at a file leaves no trace (even a read-only SQLite connection to a WAL
    database creates -wal and -shm files beside it). With a pending log the header
    may be stale, and SQLite itself must read it.
    """
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database file ({exc}).") from exc
    if not header:
        return 0, 0, 0  # an empty file (e.g. just created): ours to initialise
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise _not_sqlite(path, "unknown header")
    wal = Path(f"{path}-wal")
    if not (wal.exists() and wal.stat().st_size > 0):
        field = lambda offset: int.from_bytes(header[offset:offset + 4], "big")  # noqa: E731
        return field(68), field(60), field(40)
    try:
        conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
        try:
            return (
                conn.execute("PRAGMA application_id").get,
                conn.execute("PRAGMA user_version").get,
                conn.execute("PRAGMA schema_version").get,
            )
        finally:
            conn.close()
    except _NOT_OURS as exc:
        raise _not_sqlite(path, exc) from exc
    except apsw.CantOpenError as exc:
        raise _read_only_error(path, exc) from exc


def _check_ours(path: Path) -> None:
    app_id, version, schema_cookie = _inspect(path)
    if app_id == 0 and schema_cookie == 0:
        return  # SQLite, but no table was ever created in it: ours to initialise
    if app_id != schema.APPLICATION_ID:
        raise StoreError(
            f"{path}: not a Floorboard database (a SQLite file of another program, "
            f"application_id {app_id:#x}). Nothing was changed. "
            "Pass --db with another path."
        )
    if version > migrations.LATEST_VERSION:
        raise StoreError(
            f"{path}: written by a newer Floorboard (schema version {version}; this "
            f"version knows up to {migrations.LATEST_VERSION}). Nothing was changed. "
            "Upgrade Floorboard, or pass --db with another path."
        )


def _read_only_error(path: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"{path}: cannot write the database here ({exc}). The folder or file is "
        "read-only. Pass --db with a path in a writable folder."
    )


def open_database(path: Path | str) -> apsw.Connection:
    """Open (creating if needed) and migrate the database at ``path``, in WAL mode.

    Raises StoreError for a corrupt, foreign, newer or unwritable file.
    """
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file. Pass --db FILE.sqlite.")
    if path.exists():
        _check_ours(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _read_only_error(path, exc) from exc
        if not os.access(path.parent, os.W_OK):
            raise _read_only_error(path, PermissionError("permission denied"))
    try:
        conn = apsw.Connection(
            str(path), flags=apsw.SQLITE_OPEN_READWRITE | apsw.SQLITE_OPEN_CREATE
        )
    except apsw.CantOpenError as exc:
        raise _read_only_error(path, exc) from exc
    try:
        if conn.readonly("main"):
            raise _read_only_error(path, PermissionError("opened read-only"))
        conn.set_busy_timeout(BUSY_TIMEOUT_MS)
        mode = conn.pragma("journal_mode", "wal")
        if mode != "wal":
            raise StoreError(f"{path}: could not switch to WAL mode (got {mode!r}).")
        # FULL in WAL: a commit is fsynced before append() returns (durability promise).
        conn.pragma("synchronous", "FULL")
        conn.pragma("foreign_keys", True)
        applied = migrations.migrate(conn)
    except (apsw.ReadOnlyError, apsw.CantOpenError, apsw.IOError) as exc:
        conn.close()
        raise _read_only_error(path, exc) from exc
    except _NOT_OURS as exc:  # a race: the file changed after we looked
        conn.close()
        raise StoreError(f"{path}: the database file is damaged ({exc}).") from exc
    except BaseException:
        conn.close()
        raise
    if applied:
        log.info("%s: applied migrations %s", path, ", ".join(applied))
    return conn
