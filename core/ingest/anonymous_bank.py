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
field and reason; the rest of the file is still read. So is a line whose call is
implausible: dated in the future, or far from the file's other calls (a date of
680201 in a February 1999 file is the year 2068), or waiting or talking for more than
a day. Every line of the file is a call, a phantom, or kept aside.

The file is read as text lines (``core.ingest.text_lines``): tab-separated, never
quoted (a stray ``"`` is a character of its field, not the start of a field running
over the following lines), any line end, UTF-8 (ASCII, as the bank wrote it, is
UTF-8); a line too long, not text, or with control bytes is kept aside unread. A file
that is not text at all (gzip, UTF-16, a folder…) is refused saying what it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.clock import DAY_MS, format_local, from_local, now_ms, zone
from core.ingest.input_file import (
    InputFileError,
    binary_kind,
    check_text_file,
    display_path,
    read_head,
)
from core.ingest.plausible import plausible_window
from core.ingest.text_lines import MAX_LINE_CHARS, TextLine, open_text, read_lines
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
#: Longest wait or conversation taken as real (the month's longest: 908 s, 4,264 s).
MAX_DURATION_S = 86_400
_SHOWN_CHARS = 40


class BankFormatError(InputFileError):
    """The file is not in this format at all (not text, or its header is wrong)."""


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line that could not be read, kept aside."""

    path: Path
    line: int
    field: str
    reason: str
    text: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}, line {self.line}, field {self.field}: {self.reason}"


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
    rejected: list[RejectedLine] = field(default_factory=list)  # by line
    phantom: int = 0
    lines: int = 0  # data lines read (the header not counted)
    #: Per interaction: the customer id as written (None: 0, not identified).
    customer_ids: list[str | None] = field(default_factory=list)
    priorities: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


class _Bad(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Call:
    line: TextLine
    type: str
    server: str
    priority: int
    customer_id: str | None
    events: list[tuple[int, int, int, bool]]  # (ts_ms, kind, value, with agent)


_WHOLE = re.compile(r"-?[0-9]{1,18}")
_NUMBER = re.compile(r"[0-9]{1,30}(\.[0-9]{1,30})?([Ee][+-]?[0-9]{1,3})?")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2}):([0-9]{2})")
_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})")


def _shown(text: str) -> str:
    return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "…")


def _int(row: dict[str, str], name: str, low: int | None = 0) -> int:
    text = row[name]
    if not _WHOLE.fullmatch(text):
        raise _Bad(name, f"not a whole number: {_shown(text)}")
    value = int(text)
    if low is not None and value < low:
        raise _Bad(name, f"below {low}: {value}")
    return value


def _duration(row: dict[str, str], name: str) -> int:
    value = _int(row, name)
    if value > MAX_DURATION_S:
        raise _Bad(name, f"{value:,} s, more than a day: implausible")
    return value


def _clock(row: dict[str, str], name: str) -> int | None:
    """Seconds after midnight; None for 0:00:00, the data's 'no such moment'."""
    text = row[name]
    m = _CLOCK.fullmatch(text)
    if m is None:
        raise _Bad(name, f"not a time H:MM:SS: {_shown(text)}")
    h, mi, s = (int(g) for g in m.groups())
    if not (h < 24 and mi < 60 and s < 60):
        raise _Bad(name, f"not a time H:MM:SS: {_shown(text)}")
    seconds = h * 3600 + mi * 60 + s
    return seconds or None


def _date(row: dict[str, str]) -> dt.date:
    text = row["date"]
    m = _DATE.fullmatch(text)
    try:
        if m is None:
            raise ValueError
        yy, mm, dd = (int(g) for g in m.groups())
        # strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
        return dt.date(yy + (1900 if yy >= 69 else 2000), mm, dd)
    except ValueError:
        raise _Bad("date", f"not a date YYMMDD: {_shown(text)}") from None


def _choice(row: dict[str, str], name: str, options: tuple[str, ...]) -> str:
    text = row[name]
    if text not in options:
        raise _Bad(name, f"{_shown(text)} is not one of {', '.join(options)}")
    return text


def _future_ms() -> int:
    """Calls arriving after this cannot have happened yet (a day for clocks and zones)."""
    return now_ms() + DAY_MS


def _implausible(arrived_ms: int, window: tuple[int, int] | None, future_ms: int,
                 tz: dt.tzinfo, others: tuple[int, int] | None) -> str | None:
    """Why a call arriving at ``arrived_ms`` cannot be one of the file's, or None."""
    day = format_local(arrived_ms, tz, "%Y-%m-%d")
    if window is not None and not window[0] <= arrived_ms <= window[1]:
        seen = ("" if others is None else
                f" ({format_local(others[0], tz, '%Y-%m-%d')} to "
                f"{format_local(others[1], tz, '%Y-%m-%d')})")
        return (f"the call arrives on {day}, far from this file's other calls{seen}: "
                "an implausible date")
    if arrived_ms > future_ms:
        return f"{day} is in the future: an implausible date"
    return None


def _header_error(path: Path, header: TextLine | None, max_line_chars: int) -> str | None:
    """What is wrong with line 1, or None when it is this format's header."""
    if header is not None and not header.too_long and \
            tuple(h.strip() for h in header.text.split("\t")) == FIELDS:
        return None
    expected = (f"the Anonymous Bank header ({len(FIELDS)} fields: "
                f"{', '.join(FIELDS[:4])}, …)")
    name = display_path(path)
    binary = binary_kind(read_head(path))
    if binary is not None:
        return f"{name}: this looks like {binary}; expected a text file starting with {expected}"
    if header is None:
        return f"{name}, line 1: expected {expected}, got an empty file"
    if header.too_long:
        return (f"{name}, line 1: longer than {max_line_chars:,} characters, not {expected}"
                f" (the file has no line end in its first {max_line_chars:,} characters)")
    values = header.stored_text().split("\t")
    shown = ", ".join(_shown(v) for v in values[:4])
    return (f"{name}, line 1: expected {expected}, got {len(values)} "
            f"field{'s' if len(values) != 1 else ''}: {shown}{', …' if len(values) > 4 else ''}")


def check_bank_file(path: Path | str, max_line_chars: int = MAX_LINE_CHARS) -> None:
    """Raises InputFileError (BankFormatError) unless ``path`` is a text file starting
    with this format's header; reads no further than line 1."""
    path = Path(path)
    try:
        check_text_file(path)
        with open_text(path) as f:
            header = next(read_lines(f, max_line_chars), None)
            error = _header_error(path, header, max_line_chars)
    except OSError as exc:
        raise InputFileError(f"{display_path(path)}: cannot read the file "
                             f"({exc.strerror}).") from None
    if error is not None:
        raise BankFormatError(error)


def read_bank_file(path: Path | str, timezone: str = TIMEZONE, *,
                   max_line_chars: int = MAX_LINE_CHARS) -> BankCalls:
    """Read one file. Raises InputFileError when it is no text file (naming what it
    is), BankFormatError when its header is not this format's (naming the file, line 1
    and what differs), OSError when it cannot be read; bad data lines go to
    ``rejected``, lines longer than ``max_line_chars`` among them."""
    path = Path(path)
    tz = zone(timezone)
    queue_of = {t: i + 1 for i, t in enumerate(TYPES)}
    queues = [Queue(queue_of[t], f"bank-{t}", Channel.PHONE, t.lower(),
                    "en" if t == "PE" else "he", SLA_TARGET_S, "longest_idle") for t in TYPES]
    rejected: list[RejectedLine] = []
    seen: dict[tuple[str, str], int] = {}
    read: list[_Call] = []
    phantom = lines = 0

    def reject(line: TextLine, field_name: str, reason: str) -> None:
        rejected.append(RejectedLine(path, line.number, field_name, reason,
                                     line.stored_text()))

    check_text_file(path)
    with open_text(path) as f:
        numbered = read_lines(f, max_line_chars)
        error = _header_error(path, next(numbered, None), max_line_chars)
        if error is not None:
            raise BankFormatError(error)
        for line in numbered:
            lines += 1
            problem = line.problem(max_line_chars)
            if problem is not None:
                reject(line, "(line)", problem)
                continue
            values = line.text.split("\t")
            if len(values) != len(FIELDS):
                reject(line, "(line)", f"{len(values)} field{'s' * (len(values) != 1)}, "
                       f"expected {len(FIELDS)}")
                continue
            row = dict(zip(FIELDS, (v.strip() for v in values), strict=True))
            try:
                call = _call(row, tz)
            except _Bad as bad:
                reject(line, bad.field, bad.reason)
                continue
            if call is None:
                phantom += 1
                continue
            kind_type, server, events = call
            key = (row["vru+line"], row["call_id"])
            if key in seen:
                reject(line, "call_id", f"call {_shown(key[1])} of {_shown(key[0])} is "
                       f"already on line {seen[key]}")
                continue
            seen[key] = line.number
            customer = None if float(row["customer_id"]) == 0 else row["customer_id"]
            read.append(_Call(line, kind_type, server, int(row["priority"]), customer,
                              events))
    calls = _plausible(read, tz, reject)
    rejected.sort(key=lambda r: r.line)
    return _bank_calls(path, queues, queue_of, calls, rejected, phantom, lines)


def _plausible(read: list[_Call], tz: dt.tzinfo, reject) -> list[_Call]:
    """The calls that may be the file's: the others kept aside."""
    arrivals = np.array([c.events[0][0] for c in read], dtype=np.int64)
    window = plausible_window(arrivals)
    future = _future_ms()
    inside = (arrivals <= future) if window is None else \
        (arrivals <= future) & (arrivals >= window[0]) & (arrivals <= window[1])
    others = (int(arrivals[inside].min()), int(arrivals[inside].max())) \
        if inside.any() else None
    kept = []
    for call, ms in zip(read, arrivals.tolist(), strict=True):
        reason = _implausible(ms, window, future, tz, others)
        if reason is None:
            kept.append(call)
        else:
            reject(call.line, "date", reason)
    return kept


def _bank_calls(path: Path, queues: list[Queue], queue_of: dict[str, int],
                calls: list[_Call], rejected: list[RejectedLine], phantom: int,
                lines: int) -> BankCalls:
    agent_of: dict[str, int] = {}
    rows: list[tuple[int, int, int, int, int, int]] = []  # ts, kind, iid, agent, queue, value
    for call in calls:
        iid = call.line.number  # the record's line: an interaction leads back to its source
        qid = queue_of[call.type]
        agent = NONE
        if call.server != NO_SERVER:
            agent = agent_of.setdefault(call.server, len(agent_of) + 1)
        for ts, kind, value, with_agent in call.events:
            rows.append((ts, kind, iid, agent if with_agent else NONE, qid, value))
    out = np.zeros(len(rows), dtype=EVENT_DTYPE)
    if rows:
        cols = np.array(rows, dtype=np.int64)
        out["ts_ms"], out["kind"], out["interaction_id"] = cols[:, 0], cols[:, 1], cols[:, 2]
        out["agent_id"], out["queue_id"], out["value"] = cols[:, 3], cols[:, 4], cols[:, 5]
        out["channel"] = int(Channel.PHONE)
        out = out[np.argsort(out["ts_ms"], kind="stable")]
    return BankCalls(
        path, queues, list(agent_of),
        np.array([c.line.number for c in calls], dtype=np.int64),
        np.array([queue_of[c.type] for c in calls], dtype=np.int64),
        np.array([c.events[0][0] for c in calls], dtype=np.int64),
        out, rejected, phantom, lines, [c.customer_id for c in calls],
        np.array([c.priority for c in calls], dtype=np.int64))


def _call(row: dict[str, str], tz: dt.tzinfo):
    """One record as (type, server, [(ts_ms, kind, value, with agent)]), or None for a
    phantom record. Raises _Bad naming the field.

    Waiting and service times are the record's own ``q_time`` and ``ser_time``: its
    clock fields sometimes disagree with them by a few seconds (the queue's and the
    agents' systems had separate clocks), and the durations are what the bank
    reported on."""
    _int(row, "call_id")
    if not _NUMBER.fullmatch(row["customer_id"]):  # some were saved as 6.02701E+11
        raise _Bad("customer_id", f"not a number: {_shown(row['customer_id'])}")
    _choice(row, "priority", ("0", "1", "2"))
    kind_type = _choice(row, "type", TYPES)
    outcome = _choice(row, "outcome", OUTCOMES)
    day = _date(row)
    _int(row, "vru_time", low=None)  # negative in some records (a known quirk)
    q_time = _duration(row, "q_time")
    ser_time = _duration(row, "ser_time")
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
           "check_bank_file", "read_bank_file"]
