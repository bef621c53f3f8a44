"""Export: a consistent, standalone snapshot of the live database for analysts.

The snapshot is taken with SQLite's backup API in one step on its own read
connection, so writers (the floor, another process) keep appending meanwhile and
the copy holds exactly the events up to one commit. The copy is then cleaned
(pseudonymised numbers, scrubbed secrets), VACUUMed so no freed page keeps the
old bytes, checked, and only then renamed into place.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import apsw

from core.errors import ExportError
from core.model.secret import Secret, all_forms, as_secret, scrub_counted
from core.phone_numbers import normalize_number
from core.store import schema
from core.store.export_target import check_export_target, partial_path, remove_dead_partials
from core.store.migrations import schema_version
from core.store.store import Store

log = logging.getLogger(__name__)

EXPORT_FORMAT = "floorboard-export-1"
REDACTED = "[redacted]"
PSEUDONYM_PREFIX = "anon-"

# A phone number as people write it in free text: digits with spaces, dashes,
# dots or brackets between them, optionally a leading '+'.
_NUMBER_IN_TEXT = re.compile(r"\+?\d[\d \-().]{4,}\d")
_NUMBER_IN_BYTES = re.compile(rb"\+?\d[\d \-().]{4,}\d")

#: The free text where a gateway's answer or a careless audit line may carry a secret:
#: the only columns whose secrets the export takes out. Anywhere else (a queue's or a
#: skill's name) a secret is a coincidence no rewrite should hide: the export refuses,
#: saying where. The pager keeps secrets out where it writes (core.escalation.sender);
#: this is for what older versions wrote.
SECRET_TEXT_COLUMNS = frozenset({("pages", "last_error"), ("page_attempts", "detail"),
                                 ("audit", "detail")})


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    events: int
    last_seq: int
    interactions: int
    pseudonymized: bool
    numbers_replaced: int
    secrets_scrubbed: int
    size_bytes: int


#: progress(step, fraction of the whole export done)
Progress = Callable[[str, float], None]
#: Pages copied per backup step, and the share of the export the copy is counted as.
_COPY_PAGES = 4096
_COPY_SHARE = 0.4


def _quiet(step: str, fraction: float) -> None:
    pass


def pseudonym(number: str, key: bytes, region: str) -> str:
    """Keyed hash of a number: equal numbers (in any notation) give equal pseudonyms."""
    normal = normalize_number(number, region)
    digest = hmac.new(key, normal.encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:24]


def load_or_create_key(path: Path) -> bytes:
    """The installation's pseudonym key: the same key keeps pseudonyms stable across
    exports. Created on first use, readable only by its owner, never exported."""
    path = Path(path).expanduser()
    if path.exists():
        text = path.read_text(encoding="ascii").strip()
        try:
            key = bytes.fromhex(text)
        except ValueError as exc:
            raise ExportError(f"{path}, line 1: pseudonym key is not hexadecimal.") from exc
        if len(key) < 16:
            raise ExportError(f"{path}, line 1: pseudonym key is shorter than 16 bytes.")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key.hex() + "\n")
    return key


class _Scrubber:
    """Replaces known customer numbers inside free text, and every form of the
    secrets (core.model.secret) in the columns that may hold them."""

    def __init__(self, secrets: Sequence[str], numbers: dict[str, str], region: str) -> None:
        self.secrets = [as_secret(s) for s in secrets if s]
        self.numbers = numbers  # raw and normalised form -> pseudonym
        self.region = region
        self.secrets_scrubbed = 0
        self.numbers_replaced = 0

    def _number(self, m: re.Match[str]) -> str:
        text = m.group(0)
        hit = self.numbers.get(text) or self.numbers.get(normalize_number(text, self.region))
        if hit is None:
            return text
        self.numbers_replaced += 1
        return hit

    def numbers_only(self, value: object) -> object:
        if not isinstance(value, str) or not self.numbers:
            return value
        return _NUMBER_IN_TEXT.sub(self._number, value)

    def __call__(self, value: object) -> object:
        if not isinstance(value, str):
            return value
        value, n = scrub_counted(value, self.secrets, REDACTED)
        self.secrets_scrubbed += n
        return self.numbers_only(value)


def _text_columns(conn: apsw.Connection) -> list[tuple[str, str]]:
    skip = set(schema.CUSTOMER_NUMBER_COLUMNS)
    out = []
    tables = conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for (table,) in tables:
        for _cid, col, decl, *_ in conn.execute(f"PRAGMA table_info({table})"):
            if (table, col) not in skip and (decl.upper() in ("TEXT", "")):
                out.append((table, col))
    return out


def _pseudonymize_numbers(
    conn: apsw.Connection, key: bytes, region: str
) -> tuple[dict[str, str], int]:
    mapping: dict[str, str] = {}
    replaced = 0
    for table, col in schema.CUSTOMER_NUMBER_COLUMNS:
        rows = conn.execute(
            f"SELECT DISTINCT {col} FROM {table} WHERE {col} IS NOT NULL"
        ).fetchall()
        for (raw,) in rows:
            p = pseudonym(raw, key, region)
            mapping[raw] = p
            mapping[normalize_number(raw, region)] = p
        conn.execute(f"CREATE TEMP TABLE _map_{table}_{col} (raw TEXT PRIMARY KEY, p TEXT)")
        conn.executemany(
            f"INSERT INTO _map_{table}_{col} VALUES (?, ?)",
            [(raw, pseudonym(raw, key, region)) for (raw,) in rows],
        )
        conn.execute(
            f"UPDATE {table} SET {col} = (SELECT p FROM _map_{table}_{col} WHERE raw = {col}) "
            f"WHERE {col} IS NOT NULL"
        )
        replaced += conn.changes()
        conn.execute(f"DROP TABLE _map_{table}_{col}")
    return mapping, replaced


def _leaks(path: Path, secrets: Sequence[str], numbers: dict[str, str], region: str) -> list[str]:
    """What of the secrets (in any of their forms) and original numbers still stands in
    the file's bytes; a secret is named by its key and form, with where it stands."""
    forms = all_forms(secrets)
    wanted = [(secret, label, form.encode("utf-8")) for secret, label, form in forms]
    overlap = max([64, *(len(f) for _, _, f in wanted)])
    found: list[str] = []
    hits: dict[tuple[str, str], tuple[Secret, str, str]] = {}
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            data = tail + chunk
            for secret, label, form in wanted:
                if form in data:
                    hits.setdefault((secret.key, label), (secret, label, form.decode()))
            for m in _NUMBER_IN_BYTES.finditer(data) if numbers else ():
                text = m.group(0).decode("ascii")
                if text in numbers or normalize_number(text, region) in numbers:
                    found.append(f"customer number ending {text[-3:]}")
            if found or hits:
                break
            tail = data[-overlap:]
    for secret, label, form in hits.values():
        where = _where(path, secret, form) or ["the file's bytes outside any table's rows"]
        found.append(f"{secret.key} ({label}) in {'; '.join(where)}")
    return sorted(set(found))


def _where(path: Path, secret: Secret, form: str, most: int = 5) -> list[str]:
    """Where ``form`` (of ``secret``) stands in the file's tables: 'table.column, row
    N' (the row's id, or its key in a table without one, with the secret masked), at
    most ``most`` of them."""
    conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READONLY)
    needle = form.encode("utf-8")
    out: list[str] = []
    try:
        if conn.execute("SELECT count(*) FROM sqlite_schema WHERE"
                        " instr(CAST(sql AS BLOB), ?) > 0", (needle,)).get:
            out.append("the database's own schema (a table's or a view's definition)")
        tables = [t for (t,) in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name")]
        for table in tables:
            info = list(conn.execute(f'PRAGMA table_info("{table}")'))
            keys = [col for _cid, col, _decl, _nn, _dflt, pk in sorted(info, key=lambda r: r[5])
                    if pk] or ["rowid"]
            rowid = conn.execute("SELECT count(*) FROM pragma_table_list WHERE name = ?"
                                 " AND wr = 0", (table,)).get
            key = "rowid" if rowid else ", ".join(f'"{k}"' for k in keys)
            for _cid, col, *_ in info:
                row = conn.execute(f'SELECT {key} FROM "{table}" WHERE'
                                   f' instr(CAST("{col}" AS BLOB), ?) > 0 LIMIT 1',
                                   (needle,)).fetchone()
                if row is None:
                    continue
                if rowid:
                    out.append(f"{table}.{col}, row {row[0]}")
                else:  # the key may be the secret itself: it is masked
                    values = ", ".join(scrub_counted(str(v), [secret], REDACTED)[0]
                                       for v in row)
                    out.append(f"{table}.{col}, row ({', '.join(keys)}) = ({values})")
                    if len(out) >= most:
                        return out
    finally:
        conn.close()
    return out


def os_user() -> str:
    """Who is running this, for the audit trail of a command (export, import)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return f"uid:{os.getuid()}"


def export_snapshot(
    store: Store,
    out: Path | str,
    *,
    pseudonymize_key: bytes | None = None,
    secrets: Sequence[str] = (),
    region: str = "GB",
    force: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    audit: Callable[[str, str, str, dict], object] | None = None,
) -> ExportReport:
    """Write a snapshot of ``store`` to ``out``. With ``pseudonymize_key`` customer
    numbers become keyed hashes; ``secrets`` never appear anywhere in the file.
    ``progress(step, fraction)`` hears what is being done and how far along (0..1)
    the whole export is. ``store`` may be a reader: it is only read, and the export
    is recorded in the audit trail by ``audit(actor, action, target, detail)``
    (default: ``store.audit``, which needs the writer)."""
    out = Path(out).expanduser().resolve()
    check_export_target(out, store.path, force)
    remove_dead_partials(out)
    tmp = partial_path(out)
    try:
        report = _write(store, tmp, out, pseudonymize_key, secrets, region,
                        progress or _quiet)
        os.replace(tmp, out)
    except apsw.Error as exc:
        raise ExportError(f"{out}: export failed ({exc}); nothing was written there.") from exc
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the export ({exc}).") from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
    (audit or store.audit)(
        actor or os_user(),
        "export",
        str(out),
        {"last_seq": report.last_seq, "pseudonymized": report.pseudonymized},
    )
    log.info("exported %d events to %s", report.events, out)
    return report


def _write(
    store: Store,
    tmp: Path,
    out: Path,
    key: bytes | None,
    secrets: Sequence[str],
    region: str,
    progress: Progress,
) -> ExportReport:
    source = apsw.Connection(str(store.path), flags=apsw.SQLITE_OPEN_READONLY)
    source.set_busy_timeout(10_000)
    dest = apsw.Connection(str(tmp))
    try:
        # Under one read transaction, held for the whole copy: a consistent snapshot
        # even while another connection or process appends (a backup that lets go
        # between steps would start again on every write).
        progress("copying the database", 0.0)
        source.execute("BEGIN")
        with dest.backup("main", source, "main") as backup:
            while not backup.done:
                backup.step(_COPY_PAGES)
                total = max(backup.page_count, 1)
                progress("copying the database", _COPY_SHARE * (1 - backup.remaining / total))
        source.execute("COMMIT")
    finally:
        source.close()
    try:
        dest.pragma("journal_mode", "delete")
        numbers: dict[str, str] = {}
        replaced = 0
        dest.execute("BEGIN")
        # The snapshot is not a live store: its rows may be rewritten below.
        for table in (*schema.APPEND_ONLY_TABLES, *schema.V5_APPEND_ONLY_TABLES,
                      *schema.V8_APPEND_ONLY_TABLES):
            dest.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            dest.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        for sql in schema.CACHE_TABLES.values():
            dest.execute(sql)
        if key is not None:
            progress("replacing customer numbers", _COPY_SHARE)
            numbers, replaced = _pseudonymize_numbers(dest, key, region)
            for table, col in schema.RAW_LINE_COLUMNS:
                dest.execute(f"UPDATE {table} SET {col} = NULL")
        scrub = _Scrubber(secrets, numbers, region)
        dest.create_scalar_function("fb_scrub", scrub, 1, deterministic=True)
        dest.create_scalar_function("fb_numbers", scrub.numbers_only, 1, deterministic=True)
        progress("removing secrets and numbers from the text", _COPY_SHARE + 0.1)
        for table, col in _text_columns(dest):
            with_secrets = (table, col) in SECRET_TEXT_COLUMNS and scrub.secrets
            if with_secrets or numbers:
                dest.execute(f"UPDATE {table} SET {col} = "
                             f"{'fb_scrub' if with_secrets else 'fb_numbers'}({col})"
                             f" WHERE {col} IS NOT NULL")
        progress("indexing for analysts", _COPY_SHARE + 0.2)
        for sql in schema.ANALYST_INDEXES:
            dest.execute(sql)
        last_seq, events = dest.execute("SELECT coalesce(max(seq), 0), count(*) FROM events").get
        interactions = dest.execute("SELECT count(*) FROM interactions").get
        dest.execute(
            "CREATE TABLE export_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        dest.executemany(
            "INSERT INTO export_info VALUES (?, ?)",
            [
                ("format", EXPORT_FORMAT),
                ("schema_version", str(schema_version(dest))),
                ("exported_at_utc", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                ("last_seq", str(last_seq)),
                ("events", str(events)),
                ("pseudonymized", "1" if key is not None else "0"),
            ],
        )
        dest.execute("COMMIT")
        progress("compacting", _COPY_SHARE + 0.35)
        dest.execute("VACUUM")
        progress("checking the file", _COPY_SHARE + 0.5)
        check = dest.execute("PRAGMA integrity_check").get
        if check != "ok":
            raise ExportError(f"{out}: the snapshot failed its integrity check: {check}")
    finally:
        dest.close()
    progress("checking nothing secret is left", 0.95)
    leaks = _leaks(tmp, secrets, numbers, region)
    progress("done", 1.0)
    if leaks:
        raise ExportError(f"{out}: not written: the snapshot still held {'; '.join(leaks)}.")
    return ExportReport(
        path=out,
        events=events,
        last_seq=last_seq,
        interactions=interactions,
        pseudonymized=key is not None,
        numbers_replaced=replaced + scrub.numbers_replaced,
        secrets_scrubbed=scrub.secrets_scrubbed,
        size_bytes=tmp.stat().st_size,
    )
