"""The "Anonymous Bank" call records (Technion SEE Center, February 1999) as events.

One tab-separated line per call, 17 fields (shared/data/README.md). Each call becomes
an interaction on a queue per call type and the events a live phone system would
have reported for it:

- ARRIVED at ``vru_entry`` (the call reaches the voice response unit);
- ENQUEUED when it starts waiting for an agent: ``q_start``, or for a call that went
  to an agent without queueing, when it left the VRU (``vru_exit``; wait zero);
- served (``AGENT``): OFFERED and ACCEPTED ``q_time`` seconds after that, ENDED
  ``ser_time`` seconds later;
- ``HANG``: ABANDONED ``q_time`` seconds after ``q_start`` if it queued, else at
  ``vru_exit`` (hung up in the VRU, never waited for an agent);
- ``PHANTOM`` records are not calls (the data's own note): counted, not imported.

Times are local (Israel); a time earlier than the one before it in the same call is
on the next day. A line that cannot be read is kept aside with its line number,
field and reason; the rest of the file is still read.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.clock import from_local, zone
from core.model import (
    EVENT_DTYPE,
    NONE,
    Channel,
    EventKind,
    Outcome,
    Queue,
)

FIELDS = ("vru+line", "call_id", "customer_id", "priority", "type", "date", "vru_entry",
          "vru_exit", "vru_time", "q_start", "q_exit", "q_time", "outcome", "ser_start",
          "ser_exit", "ser_time", "server")
#: Call types, in the order their queues are numbered.
TYPES = ("PS", "PE", "IN", "NE", "NW", "TT")
TYPE_NAMES = {"PS": "regular activity", "PE": "regular activity in English",
              "IN": "internet consulting", "NE": "stock exchange activity",
              "NW": "potential customer getting information",
              "TT": "customer who left a message asking to be called back"}
OUTCOMES = ("AGENT", "HANG", "PHANTOM")
NO_SERVER = "NO_SERVER"
TIMEZONE = "Asia/Jerusalem"
#: Service-level target for every queue (the data does not say the bank's).
SLA_TARGET_S = 20


class BankFormatError(ValueError):
    """The file is not in this format at all (its header is wrong)."""


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line that could not be read, kept aside."""

    path: Path
    line: int
    field: str
    reason: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}, line {self.line}, field {self.field}: {self.reason}"


@dataclass
class BankCalls:
    """What a file gave: queues, agent names, interactions and their events."""

    path: Path
    queues: list[Queue]
    agents: list[str]  # agent i + 1 is agents[i]
    interaction_ids: np.ndarray  # int64: the record's line number in the file
    queue_ids: np.ndarray  # int64
    arrived_ms: np.ndarray  # int64
    events: np.ndarray  # EVENT_DTYPE, ordered by time
    rejected: list[RejectedLine] = field(default_factory=list)
    phantom: int = 0
    lines: int = 0  # data lines read (the header not counted)
    #: Per interaction: the customer id as written (None: 0, not identified).
    customer_ids: list[str | None] = field(default_factory=list)
    priorities: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class _Bad(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field = field_name
        self.reason = reason


def _int(row: dict[str, str], name: str, low: int | None = 0) -> int:
    text = row[name]
    try:
        value = int(text)
    except ValueError:
        raise _Bad(name, f"not a whole number: {text!r}") from None
    if low is not None and value < low:
        raise _Bad(name, f"below {low}: {value}")
    return value


def _clock(row: dict[str, str], name: str) -> int | None:
    """Seconds after midnight; None for 0:00:00, the data's 'no such moment'."""
    text = row[name]
    parts = text.split(":")
    try:
        h, m, s = (int(p) for p in parts)
    except ValueError:
        raise _Bad(name, f"not a time H:MM:SS: {text!r}") from None
    if len(parts[1]) != 2 or len(parts[2]) != 2 or not (0 <= h < 24 and 0 <= m < 60
                                                        and 0 <= s < 60):
        raise _Bad(name, f"not a time H:MM:SS: {text!r}")
    seconds = h * 3600 + m * 60 + s
    return seconds or None


def _choice(row: dict[str, str], name: str, options: tuple[str, ...]) -> str:
    text = row[name]
    if text not in options:
        raise _Bad(name, f"{text!r} is not one of {', '.join(options)}")
    return text


def read_bank_file(path: Path | str, timezone: str = TIMEZONE) -> BankCalls:
    """Read one file. Raises BankFormatError when the header is not this format's
    (naming the file, line 1 and what differs); bad data lines go to ``rejected``."""
    path = Path(path)
    tz = zone(timezone)
    queue_of = {t: i + 1 for i, t in enumerate(TYPES)}
    queues = [Queue(queue_of[t], f"bank-{t}", Channel.PHONE, t.lower(),
                    "en" if t == "PE" else "he", SLA_TARGET_S, "longest_idle") for t in TYPES]
    agent_of: dict[str, int] = {}
    rejected: list[RejectedLine] = []
    seen: dict[tuple[str, str], int] = {}
    ids, qids, arrivals, priorities = [], [], [], []
    customer_ids: list[str | None] = []
    rows: list[tuple[int, int, int, int, int, int]] = []  # ts, kind, iid, agent, queue, value
    phantom = lines = 0
    with path.open(encoding="ascii", errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != FIELDS:
            got = "an empty file" if header is None else f"{len(header)} fields: {header[:4]}…"
            raise BankFormatError(f"{path}, line 1: expected the Anonymous Bank header "
                                  f"({len(FIELDS)} fields: {', '.join(FIELDS[:4])}, …), got "
                                  f"{got}")
        for values in reader:
            line = reader.line_num
            lines += 1
            text = "\t".join(values)
            if len(values) != len(FIELDS):
                rejected.append(RejectedLine(path, line, "(line)", f"{len(values)} fields, "
                                             f"expected {len(FIELDS)}", text))
                continue
            row = dict(zip(FIELDS, (v.strip() for v in values), strict=True))
            try:
                call = _call(row, tz)
            except _Bad as bad:
                rejected.append(RejectedLine(path, line, bad.field, bad.reason, text))
                continue
            if call is None:
                phantom += 1
                continue
            kind_type, server, events = call
            key = (row["vru+line"], row["call_id"])
            if key in seen:
                rejected.append(RejectedLine(
                    path, line, "call_id", f"call {key[1]} of {key[0]} is already on line "
                    f"{seen[key]}", text))
                continue
            seen[key] = line
            iid = line  # the record's line: an interaction leads back to its source
            qid = queue_of[kind_type]
            agent = NONE
            if server != NO_SERVER:
                agent = agent_of.setdefault(server, len(agent_of) + 1)
            ids.append(iid)
            qids.append(qid)
            arrivals.append(events[0][0])
            priorities.append(int(row["priority"]))
            customer_ids.append(None if float(row["customer_id"]) == 0 else row["customer_id"])
            for ts, kind, value, with_agent in events:
                rows.append((ts, kind, iid, agent if with_agent else NONE, qid, value))
    out = np.zeros(len(rows), dtype=EVENT_DTYPE)
    if rows:
        cols = np.array(rows, dtype=np.int64)
        out["ts_ms"], out["kind"], out["interaction_id"] = cols[:, 0], cols[:, 1], cols[:, 2]
        out["agent_id"], out["queue_id"], out["value"] = cols[:, 3], cols[:, 4], cols[:, 5]
        out["channel"] = int(Channel.PHONE)
        out = out[np.argsort(out["ts_ms"], kind="stable")]
    return BankCalls(path, queues, list(agent_of), np.array(ids, dtype=np.int64),
                     np.array(qids, dtype=np.int64), np.array(arrivals, dtype=np.int64),
                     out, rejected, phantom, lines, customer_ids,
                     np.array(priorities, dtype=np.int64))


def _call(row: dict[str, str], tz: dt.tzinfo):
    """One record as (type, server, [(ts_ms, kind, value, with agent)]), or None for a
    phantom record. Raises _Bad naming the field.

    Waiting and service times are the record's own ``q_time`` and ``ser_time``: its
    clock fields sometimes disagree with them by a few seconds (the queue's and the
    agents' systems had separate clocks), and the durations are what the bank
    reported on."""
    _int(row, "call_id")
    try:
        float(row["customer_id"])  # some were saved as 6.02701E+11: still a customer
    except ValueError:
        raise _Bad("customer_id", f"not a number: {row['customer_id']!r}") from None
    _choice(row, "priority", ("0", "1", "2"))
    kind_type = _choice(row, "type", TYPES)
    outcome = _choice(row, "outcome", OUTCOMES)
    try:
        day = dt.datetime.strptime(row["date"], "%y%m%d").date()
    except ValueError:
        raise _Bad("date", f"not a date YYMMDD: {row['date']!r}") from None
    _int(row, "vru_time", low=None)  # negative in some records (a known quirk)
    q_time = _int(row, "q_time")
    ser_time = _int(row, "ser_time")
    if not row["vru+line"]:
        raise _Bad("vru+line", "empty")
    server = row["server"]
    if not server:
        raise _Bad("server", f"empty (write {NO_SERVER} for none)")
    if outcome == "PHANTOM":
        return None
    entry = _clock(row, "vru_entry")
    if entry is None:
        raise _Bad("vru_entry", "0:00:00: the call has no start")

    def after_entry(s: int | None) -> int | None:
        # Past midnight a clock reads less than at entry: the next day. A few seconds
        # less is clock skew between the VRU and the queue, not a day.
        return None if s is None else s + 86_400 if s < entry - 43_200 else s

    vru_exit = after_entry(_clock(row, "vru_exit"))
    q_start_clock, q_exit_clock = _clock(row, "q_start"), _clock(row, "q_exit")
    if q_start_clock is None and q_exit_clock is not None:
        q_start_clock = 0  # 0:00:00 is also midnight: it queued then, and left later
    q_start = after_entry(q_start_clock)
    _clock(row, "ser_start"), _clock(row, "ser_exit")
    if vru_exit is None:
        raise _Bad("vru_exit", "0:00:00: the call never left the VRU")
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)

    def ms(seconds: int) -> int:
        # Wall-clock seconds after midnight: on a DST day the clock's hours, not elapsed.
        return from_local(midnight + dt.timedelta(seconds=seconds))

    # A negative vru_time: the VRU's exit clock reads before its entry; take the first.
    events = [(ms(min(entry, vru_exit)), int(EventKind.ARRIVED), NONE, False)]
    queued = q_start is not None
    waiting_from = q_start if queued else vru_exit
    if not queued and q_time:
        raise _Bad("q_time", f"{q_time} s for a call that never queued (q_start 0:00:00)")
    if outcome == "AGENT":
        answered = waiting_from + q_time
        events += [(ms(waiting_from), int(EventKind.ENQUEUED), NONE, False),
                   (ms(answered), int(EventKind.OFFERED), NONE, True),
                   (ms(answered), int(EventKind.ACCEPTED), NONE, True),
                   (ms(answered + ser_time), int(EventKind.ENDED), int(Outcome.RESOLVED), True)]
    elif queued:
        events += [(ms(q_start), int(EventKind.ENQUEUED), NONE, False),
                   (ms(q_start + q_time), int(EventKind.ABANDONED), NONE, False)]
    else:
        # Hung up in the VRU: never waited for an agent.
        events.append((ms(vru_exit), int(EventKind.ABANDONED), NONE, False))
    return kind_type, server, events


__all__ = ["FIELDS", "TYPES", "BankCalls", "BankFormatError", "RejectedLine",
                  "read_bank_file"]
