"""The event store: append-only events, the floor's reference data, and the audit trail."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import apsw
import numpy as np

from core.clock import now_ms
from core.errors import StoreError
from core.model import (
    EVENT_DTYPE,
    INTERACTION_DTYPE,
    Agent,
    AgentSkill,
    BlendProfile,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintSource,
    Direction,
    Event,
    EventKind,
    Interaction,
    NumberType,
    Queue,
    Sale,
    array_to_events,
    events_to_array,
)
from core.model.floor_policy import FloorPolicy
from core.phone_numbers import classify_number
from core.store.database import disk_full, open_database, open_reader
from core.store.floor_policy_json import policy_from_json, policy_to_json
from core.store.migrations import schema_version
from core.store.schema import EVENT_BLOCK
from core_ext.event_codec import decode_rows, encode_flat, encode_interactions, encode_values

#: Rows per INSERT statement: fewer, larger statements cut per-row call overhead.
#: Batches without details bind seven values a row (seq is the next rowid), so they
#: take larger statements; both stay far below SQLite's bound-parameter limit.
ROWS_PER_STATEMENT = 100
ROWS_PER_VALUES_STATEMENT = 1000

_VALUE_COLUMNS = "ts_ms, kind, interaction_id, agent_id, queue_id, channel, value"
_EVENT_COLUMNS = f"seq, {_VALUE_COLUMNS}"
#: Rows fetched per query where one fetch of all would hold the GIL too long.
_PAGE_ROWS = 4_096
_INTERACTION_COLUMNS = ("id, channel, direction, language, queue_id, priority, customer_number,"
                        " customer_number_type, arrived_ms")
_CURRENCY = re.compile(r"[A-Z]{3}")
_KNOWN_KINDS = np.array([int(k) for k in EventKind], dtype=np.int16)


def _insert_sql(rows: int) -> str:
    one = "(?,?,?,?,?,?,?,?,?)"
    return (
        f"INSERT INTO events ({_EVENT_COLUMNS}, detail) VALUES " + ",".join([one] * rows)
    )


def _insert_values_sql(rows: int) -> str:
    return f"INSERT INTO events ({_VALUE_COLUMNS}) VALUES " + ",".join(["(?,?,?,?,?,?,?)"] * rows)


def _insert_interactions_sql(rows: int) -> str:
    return (f"INSERT INTO interactions ({_INTERACTION_COLUMNS}) VALUES "
            + ",".join(["(?,?,?,?,?,?,?,?,?)"] * rows))


def _detail_json(detail: Mapping[str, Any] | None) -> str | None:
    if detail is None:
        return None
    return json.dumps(detail, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class SeqRange:
    """The sequence numbers the store gave one appended batch (inclusive)."""

    first: int
    last: int

    @property
    def count(self) -> int:
        return max(0, self.last - self.first + 1)


class QueueRow(NamedTuple):
    """A stored queue, as reports name and group by it (``Store.queue_rows``)."""

    id: int
    name: str
    channel: Channel
    language: str
    sla_target_s: int


class AgentRow(NamedTuple):
    """A stored agent, as reports name and group by it (``Store.agent_rows``)."""

    id: int
    name: str
    team: str
    shift: str


class StoredFloor(NamedTuple):
    """The floor policy stored when a floor was saved (``Store.stored_floor``)."""

    saved_ms: int
    #: Where it came from, in words ("the floor of scenario normal_day_28").
    source: str
    floor: FloorPolicy


class TimeSpan(NamedTuple):
    """The earliest and latest stored event times (both inclusive)."""

    first_ms: int
    last_ms: int


class StoredComplaint(NamedTuple):
    """A complaint with the id the store gave it."""

    id: int
    complaint: Complaint


class AuditEntry(NamedTuple):
    id: int
    ts_ms: int
    actor: str
    action: str
    subject: str
    detail: Any  # the JSON detail, decoded; None: none


@dataclass(frozen=True, slots=True)
class StoreStats:
    path: Path
    schema_version: int
    events: int
    last_ts_ms: int | None
    agents: int
    queues: int
    interactions: int


class Store:
    """One connection to a Floorboard database: the writer (``open``) or a reader
    (``open_reader``). One writer per process; readers may be many."""

    def __init__(self, conn: apsw.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._insert_full = _insert_sql(ROWS_PER_STATEMENT)
        self._insert_values_full = _insert_values_sql(ROWS_PER_VALUES_STATEMENT)
        self._insert_interactions_full = _insert_interactions_sql(ROWS_PER_STATEMENT)

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """The writer: creates the file if needed and migrates it."""
        path = Path(path).expanduser().resolve()
        return cls(open_database(path), path)

    @classmethod
    def open_reader(cls, path: Path | str) -> Store:
        """A reader of an existing database: its writes fail (apsw.ReadOnlyError)."""
        path = Path(path).expanduser().resolve()
        return cls(open_reader(path), path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Several writes as one: all of them are stored, or none (an import's queues,
        agents, interactions and events). The store's methods called inside join it.
        IMMEDIATE: the write lock is taken at once, so a concurrent writer cannot make
        the first write fail halfway."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException as exc:
            # A failed COMMIT, or SQLite itself on a full disk, may have ended it.
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if isinstance(exc, apsw.FullError):
                raise disk_full(self.path, exc) from exc
            raise

    @property
    def connection(self) -> apsw.Connection:
        """For the store package only (export, tests): others use the methods."""
        return self._conn

    # -- events -------------------------------------------------------------------

    def append(
        self,
        events: Sequence[Event] | np.ndarray,
        details: Sequence[Mapping[str, Any] | None] | None = None,
    ) -> SeqRange:
        """Append a batch in one transaction; durable on disk when this returns (inside
        ``transaction()``: part of it, durable when it commits).

        ``events`` is a list of Event or an EVENT_DTYPE array (whose ``seq`` field
        is filled in with the numbers given). ``details`` goes with an array, one
        mapping or None per row; Event objects carry their own.
        """
        if isinstance(events, np.ndarray):
            arr = self._checked_array(events)
        else:
            arr = events_to_array(events)
            if details is None and any(e.detail is not None for e in events):
                details = [e.detail for e in events]
        n = len(arr)
        if details is not None and len(details) != n:
            raise ValueError(f"details has {len(details)} entries for {n} events")
        if n == 0:
            last = self.last_seq()
            return SeqRange(last + 1, last)
        detail_json = None if details is None else [_detail_json(d) for d in details]
        conn = self._conn
        nested = conn.in_transaction
        conn.execute("SAVEPOINT append" if nested else "BEGIN IMMEDIATE")
        try:
            first = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM events").get
            if detail_json is None:
                self._insert_values(arr, first)
            else:
                for start in range(0, n, ROWS_PER_STATEMENT):
                    stop = min(start + ROWS_PER_STATEMENT, n)
                    params = encode_flat(arr[start:stop], first + start,
                                         detail_json[start:stop])
                    sql = self._insert_full if stop - start == ROWS_PER_STATEMENT else (
                        _insert_sql(stop - start)
                    )
                    conn.execute(sql, params)
            self._map_blocks(arr["ts_ms"], first)
            conn.execute("RELEASE append" if nested else "COMMIT")
        except BaseException as exc:
            # On a full disk SQLite may have rolled back the whole transaction itself
            # (a second ROLLBACK said "no transaction is active" instead of the cause).
            if conn.in_transaction:
                conn.execute("ROLLBACK TO append; RELEASE append" if nested else "ROLLBACK")
            if isinstance(exc, apsw.FullError) and not nested:
                raise disk_full(self.path, exc) from exc
            raise
        if arr is not events and isinstance(events, np.ndarray):
            events["seq"] = arr["seq"]
        return SeqRange(first, first + n - 1)

    def _insert_values(self, arr: np.ndarray, first: int) -> None:
        """Rows without details; SQLite numbers them, and must number them as we did."""
        conn, n = self._conn, len(arr)
        for start in range(0, n, ROWS_PER_VALUES_STATEMENT):
            stop = min(start + ROWS_PER_VALUES_STATEMENT, n)
            sql = (self._insert_values_full if stop - start == ROWS_PER_VALUES_STATEMENT
                   else _insert_values_sql(stop - start))
            conn.execute(sql, encode_values(arr[start:stop], first + start))
        if conn.last_insert_rowid() != first + n - 1:
            raise RuntimeError(f"events were numbered up to {conn.last_insert_rowid()}, "
                               f"expected {first + n - 1}")

    def _map_blocks(self, ts_ms: np.ndarray, first: int) -> None:
        """Record the time span of each block the batch seq first.. falls in (a block
        partly filled by the previous batch is widened)."""
        n = len(ts_ms)
        seqs = np.arange(first, first + n)
        starts = np.flatnonzero(np.r_[True, (seqs[1:] - 1) % EVENT_BLOCK == 0])
        lo = np.minimum.reduceat(ts_ms, starts).tolist()
        hi = np.maximum.reduceat(ts_ms, starts).tolist()
        ends = np.r_[starts[1:], n] - 1
        self._conn.executemany(
            "INSERT INTO event_blocks (first_seq, last_seq, min_ts_ms, max_ts_ms)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (first_seq) DO UPDATE SET"
            " last_seq = excluded.last_seq, min_ts_ms = min(min_ts_ms, excluded.min_ts_ms),"
            " max_ts_ms = max(max_ts_ms, excluded.max_ts_ms)",
            [((s - 1) // EVENT_BLOCK * EVENT_BLOCK + 1, e, a, b)
             for s, e, a, b in zip((seqs[starts]).tolist(), (seqs[ends]).tolist(), lo, hi,
                                   strict=True)])

    @staticmethod
    def _checked_array(events: np.ndarray) -> np.ndarray:
        if events.dtype != EVENT_DTYPE:
            raise TypeError(f"events array has dtype {events.dtype}, expected {EVENT_DTYPE}")
        if events.ndim != 1:
            raise ValueError(f"events array must be one-dimensional, not {events.ndim}-D")
        unknown = ~np.isin(events["kind"], _KNOWN_KINDS)
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise ValueError(f"event {i}: unknown kind {int(events['kind'][i])}")
        if len(events) and int(events["ts_ms"].min()) < 0:
            i = int(np.argmin(events["ts_ms"]))
            raise ValueError(f"event {i}: negative ts_ms {int(events['ts_ms'][i])}")
        return np.ascontiguousarray(events)

    def last_seq(self) -> int:
        return self._conn.execute("SELECT coalesce(max(seq), 0) FROM events").get

    def read_columns(self, since_seq: int = 0, limit: int | None = None) -> np.ndarray:
        """Events with seq > since_seq, in seq order, as an EVENT_DTYPE array."""
        lim = -1 if limit is None else int(limit)
        cur = self._conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (since_seq, lim),
        )
        hint = 1024 if limit is None else max(16, min(lim, 1 << 20))
        return decode_rows(cur, hint)

    def last_event_ms(self) -> int | None:
        """The latest time of any event (not always the last appended's)."""
        return self._conn.execute("SELECT max(max_ts_ms) FROM event_blocks").get

    def seq_range(self, from_ms: int, to_ms: int) -> SeqRange:
        """The smallest run of sequence numbers that holds every event with
        from_ms <= ts_ms < to_ms (it may hold others too: filter by time)."""
        first, last = self._conn.execute(
            "SELECT min(first_seq), max(last_seq) FROM event_blocks"
            " WHERE max_ts_ms >= ? AND min_ts_ms < ?", (from_ms, to_ms)).fetchone()
        return SeqRange(1, 0) if first is None else SeqRange(first, last)

    def read_time_range(self, from_ms: int, to_ms: int) -> np.ndarray:
        """Events with from_ms <= ts_ms < to_ms, in seq order, as an EVENT_DTYPE array."""
        span = self.seq_range(from_ms, to_ms)
        cur = self._conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE seq BETWEEN ? AND ?"
            " AND ts_ms >= ? AND ts_ms < ? ORDER BY seq",
            (span.first, span.last, from_ms, to_ms))
        return decode_rows(cur, max(16, min(span.count, 1 << 20)))

    def load_events(self, since_seq: int = 0, limit: int | None = None) -> list[Event]:
        """Events with seq > since_seq, in seq order, as Event objects (with details)."""
        lim = -1 if limit is None else int(limit)
        rows = self._conn.execute(
            f"SELECT {_EVENT_COLUMNS}, detail FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            (since_seq, lim),
        ).fetchall()
        arr = decode_rows((r[:8] for r in rows), max(16, len(rows)))
        details = [None if r[8] is None else json.loads(r[8]) for r in rows]
        return array_to_events(arr, details)

    # -- reference data ----------------------------------------------------------

    def add_queues(self, queues: Iterable[Queue]) -> None:
        with self._conn:
            self._conn.executemany(
                "INSERT INTO queues (id, name, channel, skill, language, sla_target_s, strategy)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (q.id, q.name, int(q.channel), q.skill, q.language, q.sla_target_s,
                     q.strategy)
                    for q in queues
                ],
            )

    def add_agents(self, agents: Iterable[Agent], replace: bool = False) -> None:
        """Store agents; with ``replace`` an agent already stored is updated in place
        (its id stays, so complaints and other rows that name it stay valid)."""
        upsert = (" ON CONFLICT(id) DO UPDATE SET name = excluded.name, team = excluded.team,"
                  " shift = excluded.shift, blend_profile = excluded.blend_profile"
                  if replace else "")
        agents = list(agents)
        # One statement per table for the whole floor: four per agent made a
        # 10,000-agent floor's save a tenth of a second.
        with self._conn:
            self._conn.executemany(
                "INSERT INTO agents (id, name, team, shift, blend_profile)"
                " VALUES (?, ?, ?, ?, ?)" + upsert,
                [(a.id, a.name, a.team, a.shift, int(a.blend)) for a in agents])
            self._conn.executemany(
                "INSERT INTO agent_languages (agent_id, language, rank) VALUES (?, ?, ?)",
                [(a.id, lang, rank) for a in agents for rank, lang in enumerate(a.languages)])
            self._conn.executemany(
                "INSERT INTO agent_skills (agent_id, skill, proficiency) VALUES (?, ?, ?)",
                [(a.id, sk.skill, sk.proficiency) for a in agents for sk in a.skills])
            self._conn.executemany(
                "INSERT INTO agent_capacity (agent_id, channel, capacity) VALUES (?, ?, ?)",
                [(a.id, int(ch), cap) for a in agents for ch, cap in a.capacity.items()])

    def save_floor(self, floor: FloorPolicy, source: str) -> None:
        """Write (or update) a floor's queues and agents, and keep its policy with
        ``source`` (where it came from, in words) for the reports: a floor file may be
        edited and loaded again into the same database, and the newest floor holds."""
        policy = policy_to_json(floor)
        with self._conn:
            self._conn.executemany(
                "INSERT INTO queues (id, name, channel, skill, language, sla_target_s, strategy)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name,"
                " channel = excluded.channel, skill = excluded.skill,"
                " language = excluded.language, sla_target_s = excluded.sla_target_s,"
                " strategy = excluded.strategy",
                [(qp.queue.id, qp.queue.name, int(qp.queue.channel), qp.queue.skill,
                  qp.queue.language, qp.queue.sla_target_s, qp.queue.strategy)
                 for qp in floor.queues],
            )
            agents = list(floor.agents)
            for table in ("agent_languages", "agent_skills", "agent_capacity"):
                self._conn.executemany(f"DELETE FROM {table} WHERE agent_id = ?",
                                       [(a.id,) for a in agents])
            self.add_agents(agents, replace=True)
            newest = self._conn.execute(
                "SELECT id, source, policy FROM floor_policies ORDER BY id DESC LIMIT 1"
            ).fetchone()
            # The demo floor saves the same floor at every start: one row, not one a
            # start (a big floor's policy is megabytes).
            if newest is not None and newest[1:] == (source, policy):
                self._conn.execute("UPDATE floor_policies SET saved_ms = ? WHERE id = ?",
                                   (now_ms(), newest[0]))
            else:
                self._conn.execute(
                    "INSERT INTO floor_policies (saved_ms, source, policy) VALUES (?, ?, ?)",
                    (now_ms(), source, policy))

    def stored_floor(self) -> StoredFloor | None:
        """The floor saved last, or None when none was (a database filled before
        schema 10, or only by imports without a floor). StoreError for a policy this
        Floorboard cannot read."""
        row = self._conn.execute("SELECT saved_ms, source, policy FROM floor_policies"
                                 " ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        saved_ms, source, policy = row
        try:
            floor = policy_from_json(policy)
        except ValueError as exc:
            raise StoreError(f"{self.path}: the stored floor cannot be read ({exc}).") from None
        return StoredFloor(saved_ms, source, floor)

    def queue_rows(self) -> list[QueueRow]:
        """Every queue, in id order."""
        return [QueueRow(q, name, Channel(ch), lang, sla) for q, name, ch, lang, sla in
                self._conn.execute("SELECT id, name, channel, language, sla_target_s"
                                   " FROM queues ORDER BY id")]

    def agent_rows(self) -> list[AgentRow]:
        """Every agent, in id order."""
        return [AgentRow(*r) for r in self._conn.execute(
            "SELECT id, name, team, shift FROM agents ORDER BY id")]

    def agents(self) -> list[Agent]:
        """Every stored agent, whole: languages (primary first), skills and capacity."""
        c = self._conn
        langs = self.agent_languages()
        skills: dict[int, list[AgentSkill]] = {}
        for a, skill, level in c.execute(
                "SELECT agent_id, skill, proficiency FROM agent_skills ORDER BY agent_id, skill"):
            skills.setdefault(a, []).append(AgentSkill(skill, level))
        capacity: dict[int, dict[Channel, int]] = {}
        for a, ch, cap in c.execute("SELECT agent_id, channel, capacity FROM agent_capacity"):
            capacity.setdefault(a, {})[Channel(ch)] = cap
        return [Agent(id=a, name=name, languages=langs.get(a, ()),
                      skills=tuple(skills.get(a, ())), capacity=capacity.get(a, {}),
                      shift=shift, blend=BlendProfile(blend), team=team)
                for a, name, team, shift, blend in c.execute(
                    "SELECT id, name, team, shift, blend_profile FROM agents ORDER BY id")]

    def agent_languages(self) -> dict[int, tuple[str, ...]]:
        """Each agent's languages, the primary first."""
        out: dict[int, list[str]] = {}
        for agent, lang in self._conn.execute(
                "SELECT agent_id, language FROM agent_languages ORDER BY agent_id, rank"):
            out.setdefault(agent, []).append(lang)
        return {a: tuple(langs) for a, langs in out.items()}

    def time_span(self) -> TimeSpan | None:
        """The earliest and latest event times, or None for no events."""
        lo, hi = self._conn.execute(
            "SELECT min(min_ts_ms), max(max_ts_ms) FROM event_blocks").fetchone()
        return None if lo is None else TimeSpan(lo, hi)

    def max_interaction_id(self) -> int:
        return self._conn.execute("SELECT coalesce(max(id), 0) FROM interactions").get

    def interaction_columns(self, from_ms: int, to_ms: int) -> dict[str, np.ndarray]:
        """Interactions that arrived in [from_ms, to_ms), in id order, as columns: id,
        channel, direction, queue_id (-1: none), customer_number (objects: str or
        None), customer_number_type and arrived_ms."""
        return self._interactions_in_pages(
            (("channel", "channel", np.int16), ("direction", "direction", np.int8),
             ("queue_id", "coalesce(queue_id, -1)", np.int32),
             ("customer_number", "customer_number", object),
             ("customer_number_type", "customer_number_type", np.int8),
             ("arrived_ms", "arrived_ms", np.int64)),
            "arrived_ms >= ? AND arrived_ms < ?", (from_ms, to_ms))

    def arrival_columns(self, from_ms: int, to_ms: int,
                        direction: Direction = Direction.INBOUND
                        ) -> tuple[dict[str, np.ndarray], tuple[str, ...]]:
        """Arrival times of the interactions of ``direction`` in [from_ms, to_ms), in id
        order, as columns arrived_ms, channel, language (an index into the languages
        returned beside them, sorted) and queue_id (-1: none): what a forecast counts."""
        cols = self._interactions_in_pages(
            (("arrived_ms", "arrived_ms", np.int64), ("channel", "channel", np.int16),
             ("language", "language", object),
             ("queue_id", "coalesce(queue_id, -1)", np.int32)),
            "direction = ? AND arrived_ms >= ? AND arrived_ms < ?",
            (int(direction), from_ms, to_ms))
        languages, codes = np.unique(cols["language"].astype(str), return_inverse=True)
        cols["language"] = codes.reshape(-1).astype(np.int16)
        del cols["id"]
        return cols, tuple(languages.tolist())

    def _interactions_in_pages(self, columns: tuple[tuple[str, str, type], ...],
                               where: str, params: tuple) -> dict[str, np.ndarray]:
        """``columns`` (name, SQL expression, dtype) of the interactions ``where`` holds,
        in id order, with id first."""
        names = ["id", *(name for name, _, _ in columns)]
        types = [np.int64, *(t for _, _, t in columns)]
        parts: list[list[np.ndarray]] = [[] for _ in types]
        sql = (f"SELECT id, {', '.join(expr for _, expr, _ in columns)} FROM interactions"
               f" WHERE id > ? AND {where} ORDER BY id LIMIT ?")
        after = -(1 << 63)
        # In pages, each made columns before the next: fetching every row at once, or
        # turning them all into columns at once, is one C call that holds the GIL
        # throughout, and a window drawing on another thread would wait for it.
        while True:
            page = self._conn.execute(sql, (after, *params, _PAGE_ROWS)).fetchall()
            for part, col, t in zip(parts, zip(*page, strict=True), types, strict=False):
                if t is object:  # str or None each: np.array would make them text
                    a = np.empty(len(col), dtype=object)
                    a[:] = col
                    part.append(a)
                else:
                    part.append(np.array(col, dtype=t))
            if len(page) < _PAGE_ROWS:
                break
            after = page[-1][0]
        cols = [np.concatenate(p) if p else np.empty(0, dtype=t)
                for p, t in zip(parts, types, strict=True)]
        return dict(zip(names, cols, strict=True))

    def customer_numbers(self, ids: Sequence[int]) -> dict[int, str | None]:
        """The customer number of each of ``ids`` that is stored (None: not known)."""
        out: dict[int, str | None] = {}
        ids = list(dict.fromkeys(int(i) for i in ids))
        # SQLite caps a statement's parameters; a drill-down may hold thousands.
        for k in range(0, len(ids), 500):
            chunk = ids[k:k + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self._conn.execute(
                f"SELECT id, customer_number FROM interactions WHERE id IN ({marks})",
                chunk).fetchall())
        return out

    def add_interaction_array(self, items: np.ndarray, languages: Sequence[str],
                              numbers: list[str | None]) -> None:
        """Store interactions given columnar (INTERACTION_DTYPE; ``language`` indexes
        ``languages``), with one customer number or None per row, in one transaction."""
        if items.dtype != INTERACTION_DTYPE:
            raise TypeError(f"interactions array has dtype {items.dtype}, "
                            f"expected {INTERACTION_DTYPE}")
        items = np.ascontiguousarray(items)
        n = len(items)
        if len(numbers) != n:
            raise ValueError(f"{len(numbers)} numbers for {n} interactions")
        if n and not 0 <= int(items["language"].min()) <= int(items["language"].max()) < len(
                languages):
            raise ValueError(f"a language index is outside the {len(languages)} languages")
        langs = tuple(languages)
        with self._conn:
            if n:
                self._check_new_ids(int(items["id"].min()))
            for start in range(0, n, ROWS_PER_STATEMENT):
                stop = min(start + ROWS_PER_STATEMENT, n)
                sql = (self._insert_interactions_full if stop - start == ROWS_PER_STATEMENT
                       else _insert_interactions_sql(stop - start))
                self._conn.execute(sql, encode_interactions(items[start:stop], langs,
                                                            numbers[start:stop]))

    def _check_new_ids(self, lowest: int) -> None:
        # Caches of the interactions (customer_contacts) catch up by id: a new
        # interaction below a stored one would never reach them.
        stored = self.max_interaction_id()
        if lowest <= stored:
            raise ValueError(f"interaction id {lowest} is not above the stored ones "
                             f"(up to {stored}): new interactions take new ids")

    def add_interactions(
        self, interactions: Iterable[Interaction], region: str | None = None
    ) -> None:
        """Store interactions; with ``region``, numbers of unknown type are classified."""
        rows = []
        for i in interactions:
            ntype = i.number_type
            if ntype == NumberType.UNKNOWN and region and i.customer_number:
                ntype = classify_number(i.customer_number, region)
            rows.append(
                (i.id, int(i.channel), int(i.direction), i.language, i.queue_id, i.priority,
                 i.customer_number or None, int(ntype), i.arrived_ms)
            )
        with self._conn:
            if rows:
                self._check_new_ids(min(r[0] for r in rows))
            self._conn.executemany(
                f"INSERT INTO interactions ({_INTERACTION_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    # -- complaints ----------------------------------------------------------------

    def add_complaints(self, complaints: Sequence[Complaint]) -> list[int]:
        """Store complaints as raised, in one transaction; returns their ids."""
        with self._conn:
            ids = []
            for c in complaints:
                self._conn.execute(
                    "INSERT INTO complaints (raised_ms, interaction_id, agent_id,"
                    " customer_number, category, source, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (c.raised_ms, c.interaction_id, c.agent_id, c.customer_number,
                     int(c.category), c.source.value, c.note))
                ids.append(self._conn.last_insert_rowid())
        return ids

    def complaints(self, since_id: int = 0) -> list[StoredComplaint]:
        rows = self._conn.execute(
            "SELECT id, raised_ms, category, source, interaction_id, agent_id,"
            " customer_number, note FROM complaints WHERE id > ? ORDER BY id", (since_id,))
        return [StoredComplaint(r[0], Complaint(r[1], ComplaintCategory(r[2]),
                                                ComplaintSource(r[3]), r[4], r[5], r[6], r[7]))
                for r in rows]

    # -- sales ---------------------------------------------------------------------

    def add_sales(self, sales: Iterable[Sale]) -> None:
        """Store what sales sold, in one transaction."""
        rows = []
        for x in sales:
            if not _CURRENCY.fullmatch(x.currency):
                raise ValueError(f"sale of interaction {x.interaction_id}: currency "
                                 f"{x.currency!r} is not an ISO 4217 code such as 'EUR'")
            rows.append((x.interaction_id, x.agent_id, x.sold_ms, int(x.amount_cents),
                         x.currency, x.partner_id or None, x.product))
        with self._conn:
            self._conn.executemany(
                "INSERT INTO sales (interaction_id, agent_id, sold_ms, amount_cents, currency,"
                " partner_id, product) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    def sales_columns(self, from_ms: int, to_ms: int) -> dict[str, np.ndarray]:
        """Sales made in [from_ms, to_ms), in id order, as columns: id, interaction_id,
        agent_id, sold_ms, amount_cents, and currency, partner_id (None: our own
        product) and product as objects."""
        rows = self._conn.execute(
            "SELECT id, interaction_id, agent_id, sold_ms, amount_cents, currency,"
            " partner_id, product FROM sales WHERE sold_ms >= ? AND sold_ms < ? ORDER BY id",
            (from_ms, to_ms)).fetchall()
        cols = list(zip(*rows, strict=True)) or [()] * 8
        out = {name: np.array(cols[k], dtype=np.int64)
               for k, name in enumerate(("id", "interaction_id", "agent_id", "sold_ms",
                                         "amount_cents"))}
        for k, name in ((5, "currency"), (6, "partner_id"), (7, "product")):
            text = np.empty(len(rows), dtype=object)
            text[:] = cols[k]
            out[name] = text
        return out

    # -- audit ---------------------------------------------------------------------

    def audit(
        self,
        actor: str,
        action: str,
        subject: str = "",
        detail: Mapping[str, Any] | None = None,
        ts_ms: int | None = None,
    ) -> int:
        with self._conn:
            self._conn.execute(
                "INSERT INTO audit (ts_ms, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                (now_ms() if ts_ms is None else ts_ms, actor, action, subject,
                 _detail_json(detail)),
            )
            return self._conn.last_insert_rowid()

    def audit_entries(self, since_id: int = 0) -> list[AuditEntry]:
        rows = self._conn.execute(
            "SELECT id, ts_ms, actor, action, subject, detail FROM audit WHERE id > ? ORDER BY id",
            (since_id,),
        ).fetchall()
        return [AuditEntry(*r[:5], None if r[5] is None else json.loads(r[5])) for r in rows]

    def last_audit(self, action: str) -> AuditEntry | None:
        """The latest entry of ``action``."""
        row = self._conn.execute(
            "SELECT id, ts_ms, actor, action, subject, detail FROM audit WHERE action = ?"
            " ORDER BY id DESC LIMIT 1", (action,)).fetchone()
        return None if row is None else AuditEntry(
            *row[:5], None if row[5] is None else json.loads(row[5]))

    # -- overview ------------------------------------------------------------------

    def stats(self) -> StoreStats:
        c = self._conn
        last_seq, last_ts = c.execute(
            "SELECT seq, ts_ms FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone() or (0, None)
        return StoreStats(
            path=self.path,
            schema_version=schema_version(c),
            events=last_seq,  # seq is dense from 1: append-only, numbered by the store
            last_ts_ms=last_ts,
            agents=c.execute("SELECT count(*) FROM agents").get,
            queues=c.execute("SELECT count(*) FROM queues").get,
            interactions=c.execute("SELECT count(*) FROM interactions").get,
        )

