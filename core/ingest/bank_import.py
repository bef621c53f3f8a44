"""`floorboard import anonymous-bank FILE`: the Anonymous Bank's calls into the store.

Everything a file gives is written in one transaction, all of it or nothing:

- a queue per call type (``bank-PS`` …) and an agent per server name (team
  ``anonymous-bank``). Those already in the store from an earlier import (another
  month) are reused by name; new ones get ids after the largest in the store, so a
  simulated floor's queues and agents keep theirs;
- an interaction per call, with id = the largest interaction id in the store before
  the import + the call's line in the file (as the simulator continues after the
  ids it finds). Ids never collide, and a call still leads back to its line:
  line = id - ``imports.interaction_id_offset``. The customer id is the
  interaction's customer number (none for 0, "not identified"); its number type
  stays unknown, since a bank's customer id is not a phone number;
- the calls' events, in time order (the reader sorts them), so the store's time map
  stays tight;
- the import (file, sha256, counts) with every rejected line, and an audit row.

A file is imported once. Events are append-only, so a second copy of a call could
never be taken out again and would be counted twice: the same bytes (sha256) are
refused, and so is a file whose calls arrive while those of an earlier import of
this source were coming in (a copy with converted line endings, or with lines
corrected): each has calls within the other's busy periods (``core.ingest.overlap``).
Not within the other's span: one stray call stretches a span (a date of 680201 ran
one to 2068 and blocked every later import), but makes no busy period. There is no
--force for the same reason.

A path that is no text file, or whose first line is not the format's header, is
refused (``check_file``) before the database is opened, saying what it is.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.clock import format_local, to_utc
from core.errors import IngestError
from core.ingest.anonymous_bank import (
    TIMEZONE,
    BankCalls,
    RejectedLine,
    check_bank_file,
    read_bank_file,
)
from core.ingest.input_file import InputFileError, display_path
from core.ingest.overlap import BUSY_GAP_MS, calls_in_busy_periods, share_busy_periods
from core.model import INTERACTION_DTYPE, NONE, Agent, Channel, Direction, NumberType, Queue
from core.store import Store
from core.store.export import os_user
from core.store.imports import (
    ImportRecord,
    find_import,
    import_arrivals,
    overlapping_imports,
    record_import,
)

log = logging.getLogger(__name__)

SOURCE = "anonymous-bank"
#: The data names no teams; the agents' team says where they came from, and lets a
#: later month's import find them again.
TEAM = "anonymous-bank"
#: Rejected lines named in the summary; the rest are in the database.
SHOWN_REJECTED = 5


@dataclass(frozen=True)
class BankImport:
    """What an import wrote."""

    record: ImportRecord
    database: Path
    queues_added: list[str]
    agents_added: int
    rejected: list[RejectedLine]
    timezone: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _local(ms: int, timezone: str) -> str:
    return format_local(ms, timezone)


def _utc(ms: int) -> str:
    return to_utc(ms).strftime("%Y-%m-%d %H:%M UTC")


def check_file(path: Path | str) -> Path:
    """``path`` resolved, when it is a text file starting with the format's header;
    else IngestError saying what it is (a folder, a pipe, a gzip file, UTF-16 text,
    another format). Reads line 1 only: a command checks before opening the store."""
    path = Path(path).expanduser().resolve()
    try:
        check_bank_file(path)
    except InputFileError as exc:
        raise IngestError(f"{str(exc).rstrip('.')}. Nothing was imported.") from None
    return path


def _refuse_same_bytes(store: Store, path: Path, sha256: str) -> None:
    earlier = find_import(store, sha256)
    if earlier is not None:
        raise IngestError(
            f"{display_path(path)}: already imported, as import #{earlier.id} on "
            f"{_utc(earlier.imported_at_ms)} from {earlier.file_name} "
            f"({earlier.imported:,} calls, {earlier.rejected:,} rejected lines). Importing "
            "it again would count its calls twice. Nothing was changed.")


def _refuse_overlap(store: Store, path: Path, calls: BankCalls, queue_of: np.ndarray,
                    timezone: str) -> None:
    if not len(calls.arrived_ms):
        return
    arrivals = np.sort(calls.arrived_ms)
    first, last = int(arrivals[0]), int(arrivals[-1])
    queues = [int(q) for q in queue_of if q != NONE]
    for other in overlapping_imports(store, SOURCE, first, last):
        theirs = import_arrivals(store, other, first - BUSY_GAP_MS, last + BUSY_GAP_MS,
                                 queues)
        if not share_busy_periods(arrivals, theirs):
            continue
        assert other.first_arrival_ms is not None and other.last_arrival_ms is not None
        shared = calls_in_busy_periods(theirs, arrivals)
        raise IngestError(
            f"{display_path(path)}: its calls ({_local(first, timezone)} to "
            f"{_local(last, timezone)}, {timezone}) arrive within those of import "
            f"#{other.id} from {other.file_name} ({_local(other.first_arrival_ms, timezone)}"
            f" to {_local(other.last_arrival_ms, timezone)}; {shared:,} of its calls arrive "
            "while that file's were coming in): another copy or version of that file, whose "
            "calls would be counted twice. Nothing was changed. To compare the two, import "
            "this one into another database (--db).")


def import_bank_file(store: Store, path: Path | str, *, actor: str | None = None,
                     timezone: str = TIMEZONE) -> BankImport:
    """Import one Anonymous Bank file into ``store`` (see the module's description).
    Raises IngestError, with nothing written, for a file that is missing, not in
    this format, or already imported."""
    path = check_file(path)
    try:
        sha256 = file_sha256(path)
    except OSError as exc:
        raise IngestError(f"{display_path(path)}: cannot read the file "
                          f"({exc.strerror}).") from None
    _refuse_same_bytes(store, path, sha256)  # before reading it all
    try:
        calls = read_bank_file(path, timezone)
    except InputFileError as exc:  # changed since check_file looked at it
        raise IngestError(f"{str(exc).rstrip('.')}. Nothing was imported.") from None
    except OSError as exc:
        raise IngestError(f"{display_path(path)}: cannot read the file "
                          f"({exc.strerror}).") from None
    span = ((int(calls.arrived_ms.min()), int(calls.arrived_ms.max()))
            if len(calls.arrived_ms) else None)
    with store.transaction():
        # Again under the write lock: another process may have imported it meanwhile.
        _refuse_same_bytes(store, path, sha256)
        queue_of, new_queues = _queue_ids(store, calls.queues)
        _refuse_overlap(store, path, calls, queue_of, timezone)
        agent_of, new_agents = _agent_ids(store, calls.agents)
        offset = store.max_interaction_id()
        store.add_queues(new_queues)
        store.add_agents(new_agents)
        _add_interactions(store, calls, queue_of, offset)
        store.append(_events(calls, queue_of, agent_of, offset))
        name = display_path(path)
        record = record_import(
            store, SOURCE, name, sha256, lines=calls.lines,
            imported=len(calls.interaction_ids), phantom=calls.phantom,
            rejected=[(r.line, r.field, r.reason, r.text) for r in calls.rejected],
            interaction_id_offset=offset, first_arrival_ms=None if span is None else span[0],
            last_arrival_ms=None if span is None else span[1])
        store.audit(actor or os_user(), "import", name, {
            "import_id": record.id, "source": SOURCE, "sha256": sha256,
            "lines": record.lines, "imported": record.imported, "phantom": record.phantom,
            "rejected": record.rejected})
    log.info("imported %s as import #%d: %d calls, %d rejected lines", name, record.id,
             record.imported, record.rejected)
    return BankImport(record, store.path, [q.name for q in new_queues], len(new_agents),
                      calls.rejected, timezone)


def _queue_ids(store: Store, queues: list[Queue]) -> tuple[np.ndarray, list[Queue]]:
    """The store's id for each of the reader's queue ids (an array indexed by it), and
    the queues to add."""
    existing = {q.name: q.id for q in store.queue_rows()}
    next_id = max(existing.values(), default=0) + 1
    ids = np.full(max(q.id for q in queues) + 1, NONE, dtype=np.int64)
    new = []
    for q in queues:
        if q.name in existing:
            ids[q.id] = existing[q.name]
        else:
            ids[q.id] = next_id
            new.append(dataclasses.replace(q, id=next_id))
            next_id += 1
    return ids, new


def _agent_ids(store: Store, names: list[str]) -> tuple[np.ndarray, list[Agent]]:
    """The store's id for each of the reader's agent ids (agent i + 1 is names[i];
    index 0 unused), and the agents to add."""
    rows = store.agent_rows()
    existing = {a.name: a.id for a in rows if a.team == TEAM}
    next_id = max((a.id for a in rows), default=0) + 1
    ids = np.full(len(names) + 1, NONE, dtype=np.int64)
    new = []
    for i, name in enumerate(names, start=1):
        if name in existing:
            ids[i] = existing[name]
        else:
            # The data says only that they answered calls, one at a time.
            new.append(Agent(next_id, name, (), (), {Channel.PHONE: 1}, shift="", team=TEAM))
            ids[i] = next_id
            next_id += 1
    return ids, new


def _add_interactions(store: Store, calls: BankCalls, queue_of: np.ndarray,
                      offset: int) -> None:
    languages = tuple(dict.fromkeys(q.language for q in calls.queues))
    language_of = np.zeros(len(queue_of), dtype=np.int16)
    for q in calls.queues:
        language_of[q.id] = languages.index(q.language)
    items = np.zeros(len(calls.interaction_ids), dtype=INTERACTION_DTYPE)
    items["id"] = calls.interaction_ids + offset
    items["channel"] = int(Channel.PHONE)
    items["direction"] = int(Direction.INBOUND)
    items["language"] = language_of[calls.queue_ids]
    items["queue_id"] = queue_of[calls.queue_ids]
    items["priority"] = calls.priorities
    items["arrived_ms"] = calls.arrived_ms
    items["number_type"] = int(NumberType.UNKNOWN)
    store.add_interaction_array(items, languages, calls.customer_ids)


def _events(calls: BankCalls, queue_of: np.ndarray, agent_of: np.ndarray,
            offset: int) -> np.ndarray:
    events = calls.events.copy()
    events["interaction_id"] += offset
    events["queue_id"] = queue_of[events["queue_id"]]
    agent = events["agent_id"]
    has_agent = agent != NONE
    agent[has_agent] = agent_of[agent[has_agent]]
    return events


def summary_lines(result: BankImport, floor_timezone: str | None = None) -> list[str]:
    """What a person wants to know after an import, as lines of text."""
    r, tz = result.record, result.timezone
    out = [f"Imported {r.file_name} into {display_path(result.database)} as import #{r.id}.",
           f"{r.lines:,} lines read: {r.imported:,} calls imported, {r.phantom:,} phantom "
           f"(not calls, skipped), {r.rejected:,} rejected."]
    if r.first_arrival_ms is not None and r.last_arrival_ms is not None:
        out.append(f"Calls arrived from {_local(r.first_arrival_ms, tz)} to "
                   f"{_local(r.last_arrival_ms, tz)} ({tz}).")
        out.append(f"Interaction ids are the file's line numbers plus {r.interaction_id_offset:,}.")
    if result.queues_added or result.agents_added:
        out.append(f"Added {len(result.queues_added)} queues "
                   f"({', '.join(result.queues_added) or '-'}) and {result.agents_added:,} "
                   f"agents (team {TEAM}).")
    if r.rejected:
        out.append(f"Rejected lines are kept in the database: table rejected_lines "
                   f"(import_id {r.id}) or view v_rejected_lines. The first:")
        out += [f"  line {x.line}, field {x.field}: {x.reason}"
                for x in result.rejected[:SHOWN_REJECTED]]
        if r.rejected > SHOWN_REJECTED:
            out.append(f"  … and {r.rejected - SHOWN_REJECTED:,} more.")
    if floor_timezone and floor_timezone != tz:
        out.append(f"Note: floorboard kpi counts hours and days on the floor's clock "
                   f"({floor_timezone}, setting floor.timezone); these calls are on {tz}'s.")
    return out
