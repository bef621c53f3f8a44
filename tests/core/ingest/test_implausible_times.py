"""A call far outside the file's own calls (a date of 680201 in a February 1999 file:
the year 2068) is an implausible line, kept aside; and a line that got through (a
file too small to tell, or a database an older Floorboard filled) can never make a
later file's calls look like copies of an earlier import's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clock import DAY_MS, HOUR_MS, MINUTE_MS
from core.errors import IngestError
from core.ingest import anonymous_bank
from core.ingest.anonymous_bank import read_bank_file
from core.ingest.bank_import import import_bank_file
from core.ingest.overlap import BUSY_GAP_MS, share_busy_periods
from core.store.imports import import_records
from tests.conftest import SHARED_DATA
from tests.core.ingest.test_anonymous_bank import HEADER
from tests.core.ingest.test_bank_import import _counts

FEB_1999 = dt.date(1999, 2, 1)
FEBRUARY = SHARED_DATA / "anonymous_bank" / "february_1999.tsv"


def _line(call_id: int, day: dt.date | str, hour: int, minute: int) -> str:
    date = day if isinstance(day, str) else day.strftime("%y%m%d")
    t = f"{hour}:{minute:02d}"
    return (f"AA0101\t{call_id}\t0\t0\tPS\t{date}\t{t}:00\t{t}:10\t10\t{t}:10\t{t}:20\t10\t"
            f"AGENT\t{t}:20\t{t}:50\t30\tDORIT")


def month_file(folder: Path, first: dt.date = FEB_1999, days: int = 28,
               extra: tuple[str, ...] = (), name: str = "calls.tsv") -> Path:
    """Four calls every day (8:00 to 9:00, 20 minutes apart), then ``extra`` lines."""
    lines = [_line(d * 4 + k, first + dt.timedelta(days=d), 8 + k // 3, (k * 20) % 60)
             for d in range(days) for k in range(4)]
    path = folder / name
    path.write_bytes(("\r\n".join([HEADER, *lines, *extra]) + "\r\n").encode("ascii"))
    return path


STRAY_2068 = _line(9_999, "680201", 17, 16)


def test_a_date_far_outside_the_file_s_calls_is_kept_aside(tmp_path) -> None:
    calls = read_bank_file(month_file(tmp_path, extra=(STRAY_2068,)))
    assert calls.lines == 28 * 4 + 1 and len(calls.interaction_ids) == 28 * 4
    [rejected] = calls.rejected
    assert (rejected.line, rejected.field) == (calls.lines + 1, "date")
    assert "2068-02-01" in rejected.reason and "implausible" in rejected.reason
    assert "1999-02-01 to 1999-02-28" in rejected.reason  # the file's own calls
    assert calls.arrived_ms.max() < 920_246_400_000  # 1999-03-01: the span is February's


def test_a_date_in_the_future_is_kept_aside_even_in_a_file_of_one_line(tmp_path) -> None:
    path = tmp_path / "one.tsv"
    path.write_bytes(f"{HEADER}\r\n{STRAY_2068}\r\n".encode())
    calls = read_bank_file(path)
    [rejected] = calls.rejected
    assert rejected.field == "date" and "2068-02-01 is in the future" in rejected.reason


@pytest.mark.parametrize("field, value", [("q_time", "86401"), ("ser_time", "999999999")])
def test_a_wait_or_talk_of_more_than_a_day_is_kept_aside(tmp_path, field, value) -> None:
    values = _line(2, FEB_1999, 9, 0).split("\t")
    values[anonymous_bank.FIELDS.index(field)] = value
    path = tmp_path / "calls.tsv"
    path.write_bytes(f"{HEADER}\r\n{_line(1, FEB_1999, 8, 0)}\r\n{chr(9).join(values)}\r\n"
                     .encode())
    calls = read_bank_file(path)
    [rejected] = calls.rejected
    assert (rejected.line, rejected.field) == (3, field)
    assert "more than a day" in rejected.reason


def test_one_implausible_line_does_not_block_the_next_month(tmp_path, store) -> None:
    """The issue's case: February with one 680201 line, then March."""
    feb = import_bank_file(store, month_file(tmp_path, extra=(STRAY_2068,)))
    assert feb.record.rejected == 1
    march = tmp_path / "march"
    march.mkdir()
    result = import_bank_file(store, month_file(march, dt.date(1999, 3, 1)))
    assert result.record.imported == 28 * 4


def test_a_database_an_older_import_poisoned_takes_the_next_month(tmp_path, store,
                                                                  monkeypatch) -> None:
    """Before the fix the 2068 call was stored and the import's span ran to 2068:
    such a database takes later months again, and still refuses a real copy."""
    monkeypatch.setattr(anonymous_bank, "_implausible", lambda *a, **k: None)
    monkeypatch.setattr(anonymous_bank, "_future_ms", lambda: 10**15)
    feb = import_bank_file(store, month_file(tmp_path, extra=(STRAY_2068,)))
    assert feb.record.rejected == 0 and feb.record.last_arrival_ms > 3e12  # 2068
    monkeypatch.undo()
    march = tmp_path / "march"
    march.mkdir()
    assert import_bank_file(store, month_file(march, dt.date(1999, 3, 1))).record.imported
    copy = tmp_path / "copy"
    copy.mkdir()
    before = _counts(store)
    with pytest.raises(IngestError, match=r"arrive within those of import #1 from "):
        import_bank_file(store, month_file(copy, days=3, name="feb-again.tsv"))
    assert _counts(store) == before
    assert [r.id for r in import_records(store)] == [1, 2]


def test_a_file_overlapping_half_of_an_earlier_one_is_refused(tmp_path, store) -> None:
    import_bank_file(store, month_file(tmp_path))
    later = tmp_path / "later"
    later.mkdir()
    with pytest.raises(IngestError, match=r"arrive within those of import #1"):
        import_bank_file(store, month_file(later, dt.date(1999, 2, 15)))


def _busy(start_ms: int, count: int, step_ms: int) -> list[int]:
    return [start_ms + i * step_ms for i in range(count)]


@settings(max_examples=200, deadline=None)
@given(stray=st.integers(-60 * DAY_MS, 4_000 * DAY_MS), stray_in_later=st.booleans(),
       step=st.integers(MINUTE_MS, BUSY_GAP_MS), days=st.integers(1, 40),
       gap=st.integers(0, 30 * DAY_MS))
def test_one_stray_call_never_makes_two_periods_overlap(stray, stray_in_later, step, days,
                                                       gap) -> None:
    """Two files of busy days, the later starting when (or after) the earlier ends; one
    call of either file anywhere at all. They never count as overlapping, and either
    file against a copy of itself always does."""
    earlier = _busy(0, days * DAY_MS // step, step)
    later = _busy(earlier[-1] + step + gap, days * DAY_MS // step, step)
    (later if stray_in_later else earlier).append(stray)
    a, b = np.sort(np.array(earlier)), np.sort(np.array(later))
    assert not share_busy_periods(a, b)
    assert not share_busy_periods(b, a)
    assert share_busy_periods(a, a.copy()) and share_busy_periods(b, b[: len(b) // 2 + 2])


def test_busy_periods_need_calls_within_the_gap() -> None:
    sparse = np.array([0, 2 * HOUR_MS, 4 * HOUR_MS])
    assert not share_busy_periods(sparse, sparse + MINUTE_MS)
    dense = np.array([0, 10 * MINUTE_MS, 20 * MINUTE_MS])
    assert share_busy_periods(dense, dense + MINUTE_MS)


@pytest.mark.skipif(not FEBRUARY.exists(), reason="shared/data/anonymous_bank is not beside "
                    "the project (see shared/data/README.md)")
def test_the_issue_s_line_in_the_real_february_is_the_only_one_kept_aside(tmp_path) -> None:
    lines = FEBRUARY.read_bytes().split(b"\r\n")
    lines[5_000] = lines[5_000].replace(b"\t9902", b"\t6802", 1)
    path = tmp_path / "february_1999.tsv"
    path.write_bytes(b"\r\n".join(lines))
    calls = read_bank_file(path)
    [rejected] = calls.rejected
    assert (rejected.line, rejected.field) == (5_001, "date")
    assert "1999-02-01 to 1999-02-2" in rejected.reason
    assert len(calls.interaction_ids) == 33_066 - 1
