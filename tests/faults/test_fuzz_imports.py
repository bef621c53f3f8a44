"""Fuzzing the file readers of core/ingest: the Anonymous Bank reader and its import
into the store (issue 16).

Lines of the format (served, abandoned, phantom, bad, from the tests' files and the
real February when it is beside the project) are mutated: fields replaced by other
text, any Unicode, control and NUL bytes, quotes, huge values; tabs added and lost;
bytes inserted, flipped and cut; lines doubled, swapped, emptied; each line written
in UTF-8, Latin-1 or Hebrew Windows-1255 with its own line end. Whole files are
random bytes, or re-encoded (UTF-16, UTF-32, a BOM).

Whatever comes of it, the reader never fails but by refusing the whole file (an
InputFileError naming it), and when it reads a file every line is accounted for: a
call stored, a phantom counted, or kept aside with its line number, field and
reason; so calls + phantoms + kept aside = the lines of the file. Imported, the same
holds in the database, whose integrity check passes; and one mutated line in a month
never stops the next month's import.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import IngestError
from core.ingest.anonymous_bank import FIELDS, BankCalls, read_bank_file
from core.ingest.bank_import import import_bank_file
from core.ingest.input_file import InputFileError
from core.model import EventKind
from core.store import Store
from core.store.imports import import_records, rejected_rows
from tests.conftest import SHARED_DATA
from tests.core.ingest.test_anonymous_bank import HEADER
from tests.core.ingest.test_bank_import import BAD, GOOD, PHANTOM
from tests.core.ingest.test_implausible_times import month_file

FEBRUARY = SHARED_DATA / "anonymous_bank" / "february_1999.tsv"
#: Small, so that huge fields cross it without building megabytes per example.
LINE_LIMIT = 400
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _seed_lines() -> list[str]:
    lines = [*GOOD.values(), *PHANTOM.values(), *(text for text, _, _ in BAD.values())]
    if FEBRUARY.exists():  # a spread of the real month: every type, outcome, odd clock
        real = FEBRUARY.read_bytes().decode("ascii").split("\r\n")[1:-1]
        lines += real[:: len(real) // 60]
    return lines


SEEDS = _seed_lines()
ENDINGS = (b"\r\n", b"\n", b"\r")
ENCODINGS = ("utf-8", "utf-8", "utf-8", "latin-1", "cp1255")

#: Text a field may become: other fields' values, numbers and dates out of range,
#: any character at all, and huge runs.
field_values = st.one_of(
    st.sampled_from(["", " ", "0", "-1", "0:00:00", "24:00:00", "9:5:1", "23:59:59",
                     "990230", "680201", "690101", "991301", "AGENT", "HANG", "PHANTOM",
                     "NO_SERVER", "PS", "TT", "1e999", "nan", "6.02701E+11", "١٢٣",
                     "99999999999999999999", '"', '"x\t', "\x00", "\ufeff", "\u2028",
                     "\x85", "דורית"]),
    st.integers(-(10**12), 10**12).map(str),
    st.text(max_size=30),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "9", "\t", "é", "\x00"]),
              st.integers(0, 3 * LINE_LIMIT)),
)


@st.composite
def mutated_line(draw) -> str:
    line = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 3))):
        fields = line.split("\t")
        op = draw(st.sampled_from(["field", "field", "swap", "drop", "tab", "insert",
                                   "cut", "digit"]))
        i = draw(st.integers(0, len(fields) - 1))
        if op == "field":
            fields[i] = draw(field_values)
        elif op == "swap":
            j = draw(st.integers(0, len(fields) - 1))
            fields[i], fields[j] = fields[j], fields[i]
        elif op == "drop" and len(fields) > 1:
            del fields[i]
        elif op == "tab":
            fields.insert(i, draw(field_values))
        line = "\t".join(fields)
        if op == "insert":
            at = draw(st.integers(0, len(line)))
            line = line[:at] + draw(st.text(max_size=8)) + line[at:]
        elif op == "cut":
            line = line[: draw(st.integers(0, len(line)))]
        elif op == "digit" and re.search(r"\d", line):
            # A digit changed: a date, a clock or a duration still in its shape.
            spots = [m.start() for m in re.finditer(r"\d", line)]
            at = draw(st.sampled_from(spots))
            line = line[:at] + str(draw(st.integers(0, 9))) + line[at + 1:]
    return line


@st.composite
def bank_bytes(draw) -> bytes:
    """A file: the header, then mutated lines, each with its encoding and line end."""
    lines = draw(st.lists(mutated_line(), max_size=25))
    if lines and draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(lines)))
    out = [HEADER.encode() + draw(st.sampled_from(ENDINGS))]
    for i, line in enumerate(lines):
        data = line.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
        if draw(st.integers(0, 9)) == 0:  # a flipped byte
            at = draw(st.integers(0, max(len(data) - 1, 0)))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        last = i == len(lines) - 1
        out.append(data + (b"" if last and draw(st.booleans()) else
                           draw(st.sampled_from(ENDINGS))))
    return b"".join(out)


def physical_lines(data: bytes) -> int:
    """Lines of ``data`` as a reader counts them (CRLF, LF or CR end one), the header's
    not counted: the reader's count checked against the bytes themselves."""
    pieces = re.split(rb"\r\n|\r|\n", data)
    if pieces and pieces[-1] == b"":
        pieces.pop()
    return len(pieces) - 1


def assert_every_line_accounted_for(calls: BankCalls, data: bytes) -> None:
    lines = physical_lines(data)
    assert calls.lines == lines
    assert len(calls.interaction_ids) + calls.phantom + len(calls.rejected) == lines
    kept = [r.line for r in calls.rejected]
    assert kept == sorted(set(kept)), "each line kept aside once, in order"
    stored = set(calls.interaction_ids.tolist())
    assert len(stored) == len(calls.interaction_ids) and not stored & set(kept)
    assert all(2 <= n <= lines + 1 for n in (*kept, *stored))
    for r in calls.rejected:
        assert r.field in (*FIELDS, "(line)") and r.reason.strip(), r
        r.text.encode("utf-8")  # storable as it is
        assert len(r.text) <= 4 * LINE_LIMIT + 1  # a byte not UTF-8 kept as \xNN
    events = calls.events
    assert np.all(np.diff(events["ts_ms"]) >= 0)
    assert set(events["interaction_id"].tolist()) == stored
    arrived = events[events["kind"] == int(EventKind.ARRIVED)]
    assert sorted(arrived["interaction_id"].tolist()) == sorted(stored)
    for name in calls.agents:
        assert name and name != "NO_SERVER" and "\x00" not in name and "\t" not in name


def _read(data: bytes, folder: Path) -> BankCalls:
    path = folder / "calls.tsv"
    path.write_bytes(data)
    return read_bank_file(path, max_line_chars=LINE_LIMIT)


@FUZZ
@given(data=bank_bytes())
def test_mutated_lines_are_each_stored_or_kept_aside_with_a_reason(data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            calls = _read(data, Path(folder))
        except InputFileError as refused:
            # Only a file that as a whole is not text (UTF-16-like NULs can be drawn).
            assert str(refused).startswith(str(Path(folder) / "calls.tsv"))
            assert "this looks like" in str(refused), refused
            return
        assert_every_line_accounted_for(calls, data)


@FUZZ
@given(data=st.one_of(st.binary(max_size=3_000),
                      st.binary(max_size=3_000).map(lambda b: HEADER.encode() + b"\r\n" + b)))
def test_any_bytes_are_read_line_by_line_or_refused_naming_the_file(data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        try:
            calls = _read(data, Path(folder))
        except InputFileError as refused:
            text = str(refused)
            assert text.startswith(str(Path(folder) / "calls.tsv")) and len(text) < 600
            assert "Traceback" not in text
            return
        assert data.startswith((HEADER.encode(), b"\xef\xbb\xbf"))
        assert_every_line_accounted_for(calls, data)


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(mutated_line(), max_size=12),
       encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig",
                                 "utf-8", "cp1255"]))
def test_a_whole_file_in_another_encoding_is_read_or_named(lines, encoding) -> None:
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    data = text.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as folder:
        try:
            calls = _read(data, Path(folder))
        except InputFileError as refused:
            assert encoding.startswith(("utf-16", "utf-32")), refused
            assert f"this looks like {encoding[:6].upper()} text" in str(refused)
            return
        assert not encoding.startswith(("utf-16", "utf-32"))
        assert_every_line_accounted_for(calls, data.removeprefix(b"\xef\xbb\xbf"))


@settings(max_examples=30, deadline=None)
@given(data=bank_bytes())
def test_an_imported_file_s_lines_are_all_in_the_database(data) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calls.tsv"
        path.write_bytes(data)
        with Store.open(Path(folder) / "floor.sqlite") as store:
            try:
                result = import_bank_file(store, path)
            except IngestError as refused:  # not text as a whole: nothing written
                assert "this looks like" in str(refused), refused
                assert store.stats().interactions == 0 and not import_records(store)
                return
            r = result.record
            assert r.lines == physical_lines(data)
            assert r.imported + r.phantom + r.rejected == r.lines
            assert store.stats().interactions == r.imported
            rows = rejected_rows(store, r.id)
            assert [(x.line, x.field, x.reason, x.text) for x in rows] == \
                [(x.line, x.field, x.reason, x.text) for x in result.rejected]
            assert store.connection.execute("PRAGMA integrity_check").get == "ok"


@settings(max_examples=25, deadline=None)
@given(line=mutated_line(), at=st.integers(0, 28 * 4))
def test_one_mutated_line_in_a_month_never_blocks_the_next_month(line, at) -> None:
    """The promise of issue 16, item 5: whatever one line of February says (a date of
    680201 among them), March imports after it."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        feb = month_file(folder, name="february.tsv")
        lines = feb.read_bytes().split(b"\r\n")
        lines.insert(1 + at, line.encode())
        feb.write_bytes(b"\r\n".join(lines))
        with Store.open(folder / "floor.sqlite") as store:
            first = import_bank_file(store, feb)
            assert first.record.imported >= 28 * 4
            march = import_bank_file(store, month_file(folder, dt.date(1999, 3, 1),
                                                       name="march.tsv"))
            assert march.record.imported == 28 * 4
            assert [i.id for i in import_records(store)] == [1, 2]
            # ...and February again, however converted, is still refused.
            again = folder / "february-lf.tsv"
            again.write_bytes(feb.read_bytes().replace(b"\r\n", b"\n"))
            with pytest.raises(IngestError, match="arrive within those of import #1"):
                import_bank_file(store, again)
