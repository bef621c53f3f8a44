"""Opening a Floorboard database safely: look first (read-only), then write.

Nothing is written to a file until it is known to be ours and not newer than
this code, so a foreign or future file is left exactly as it was. The writer
(``open_database``) creates and migrates; a reader (``open_reader``) never writes,
never creates a file, and takes no write lock.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from pathlib import Path

import apsw

from core.errors import StoreError
from core.store import migrations, schema

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

# A new database gets 16 KB pages: the floor's data is an append-only log read in
# long ranges, and with a quarter of the pages the 10,000-agent day stores its
# 6.7M events with fewer page splits, WAL frames and checkpoint copies (about 5 %
# of the day, benchmarks/README.md). A database made with other pages keeps them
# (WAL mode cannot change its page size).
NEW_PAGE_SIZE = 16_384

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
        # A log left by a killed writer is recovered by whichever connection comes
        # first: one opened meanwhile (a reader polling, the app's inbox) waits for it
        # instead of failing the start with "database is locked".
        conn.set_busy_timeout(BUSY_TIMEOUT_MS)
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
        conn.pragma("page_size", NEW_PAGE_SIZE)  # takes effect only on a new file
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


def disk_full(path: Path, exc: BaseException) -> StoreError:
    """The message for a write that found the disk full (SQLITE_FULL): that write was
    undone whole; what was stored before it is intact."""
    try:
        fs = os.statvfs(path.parent)
        free = f"{fs.f_bavail * fs.f_frsize / 1e6:.1f} MB free"
    except OSError:
        free = "free space unknown"
    return StoreError(f"{path}: the disk holding the database is full ({free}); the "
                      "last write was undone whole and everything stored before it is "
                      "intact. Free some space there (or use a database on another "
                      "disk) and run it again: a simulated floor carries on where the "
                      f"stored data ends. ({exc})")


def damaged_database(path: Path, exc: BaseException) -> StoreError:
    """The message for a database SQLite found damaged while reading or writing it
    (overwritten pages, a truncated copy)."""
    return StoreError(
        f"{path}: the database file is damaged ({exc}); the command stopped where SQLite "
        "found the damage. Keep a copy of the file, then restore it from a backup, or save what "
        f"is still readable with: sqlite3 {path} .recover | sqlite3 recovered.sqlite")


def missing_database(path: Path) -> StoreError:
    return StoreError(
        f"{path}: no such database; nothing was created. Pass --db with the path of "
        "an existing database (the app and `floorboard simulate` create one)."
    )


def open_reader(path: Path | str) -> apsw.Connection:
    """A read-only connection to the existing database at ``path``: no file is
    created, nothing is migrated, no write lock is taken, and it works in a folder
    the user cannot write to.

    A database of an older schema is brought up to date first by the writer, once,
    where the folder allows it; raises StoreError for a missing, foreign, newer,
    damaged or (older and unwritable) file."""
    path = Path(path).expanduser().resolve()
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file. Pass --db FILE.sqlite.")
    if not path.exists():
        raise missing_database(path)
    _check_ours(path)
    _app_id, version, schema_cookie = _inspect(path)
    if schema_cookie == 0:
        raise StoreError(f"{path}: an empty database (no Floorboard tables yet); nothing "
                         "to read. Fill it with the app or `floorboard simulate` first.")
    if version < migrations.LATEST_VERSION:
        if not os.access(path.parent, os.W_OK) or not os.access(path, os.W_OK):
            raise StoreError(
                f"{path}: written by an older Floorboard (schema version {version}) in a "
                "folder that cannot be written to, so it cannot be brought up to date. "
                "Copy it to a writable folder and pass --db with the copy.")
        open_database(path).close()
    conn = _read_only(path, immutable=False)
    try:
        conn.execute("PRAGMA schema_version").fetchall()
    except apsw.CantOpenError:
        # A WAL database whose folder we cannot write: SQLite cannot make the
        # shared-memory file beside it. Nobody else can change it from this account,
        # so it is read as immutable.
        conn.close()
        conn = _read_only(path, immutable=True)
    except _NOT_OURS as exc:
        conn.close()
        raise StoreError(f"{path}: the database file is damaged ({exc}).") from exc
    return conn


def _read_only(path: Path, immutable: bool) -> apsw.Connection:
    uri = "file:" + urllib.parse.quote(str(path)) + ("?immutable=1" if immutable else "")
    try:
        conn = apsw.Connection(uri, flags=apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI)
    except apsw.CantOpenError as exc:
        raise StoreError(f"{path}: cannot open the database to read it ({exc}).") from exc
    conn.set_busy_timeout(BUSY_TIMEOUT_MS)
    return conn
