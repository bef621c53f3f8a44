"""Lines no export of the bank's would hold (far too long, not text, with quotes or
control bytes, empty): each is kept aside with its number and why, and every other
line of the file is still read. The line-length limit is a parameter, so the tests
use a small one; one slow test builds the real 200 MB line."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.ingest.anonymous_bank import BankFormatError, read_bank_file
from tests.core.ingest.test_anonymous_bank import GOOD, HEADER


def _call(n: int) -> str:
    return GOOD.replace("\t1\t", f"\t{n}\t", 1)


def _file(tmp_path: Path, *lines: bytes) -> Path:
    path = tmp_path / "calls.tsv"
    path.write_bytes(b"\r\n".join([HEADER.encode(), *lines]) + b"\r\n")
    return path


def _between_good(tmp_path: Path, odd: bytes) -> Path:
    return _file(tmp_path, _call(1).encode(), odd, _call(3).encode())


@pytest.mark.parametrize("odd, reason", [
    (b"x" * 500, "longer than 200 characters (500): not read"),
    (_call(2).encode() + b"\t" + b"9" * 300, "longer than 200 characters"),
    (_call(2).replace("DORIT", "DOR\xc9T").encode("latin-1"),
     "not UTF-8 text: byte 0xC9 at column"),
    (_call(2).replace("DORIT", "DOR\x00IT").encode(), "a NUL byte at column"),
    (_call(2).replace("DORIT", "DOR\x1bIT").encode(), "control character 0x1B at column"),
    (b"", "empty line"),
])
def test_an_odd_line_is_kept_aside_and_the_rest_read(tmp_path, odd, reason) -> None:
    calls = read_bank_file(_between_good(tmp_path, odd), max_line_chars=200)
    assert calls.lines == 3
    assert calls.interaction_ids.tolist() == [2, 4]
    [rejected] = calls.rejected
    assert (rejected.line, rejected.field) == (3, "(line)")
    assert reason in rejected.reason, rejected.reason
    assert len(rejected.text) <= 200 + 1  # a long line's start only, marked with "…"
    rejected.text.encode("utf-8")  # storable: undecodable bytes written as \xNN


def test_a_long_line_s_start_is_kept(tmp_path) -> None:
    calls = read_bank_file(_between_good(tmp_path, b"AB" * 1_000), max_line_chars=200)
    [rejected] = calls.rejected
    assert rejected.text == "AB" * 100 + "…"


def test_a_quote_does_not_swallow_the_lines_after_it(tmp_path) -> None:
    # The bank's fields are never quoted: a stray " is a character, not the start of
    # a field that runs on over the following lines.
    quoted = _call(2).replace("DORIT", '"DORIT').encode()
    calls = read_bank_file(_file(tmp_path, _call(1).encode(), quoted, b'"', _call(4).encode(),
                                 _call(5).encode()))
    assert calls.lines == 5
    assert calls.interaction_ids.tolist() == [2, 3, 5, 6]
    assert calls.agents == ["DORIT", '"DORIT']
    assert [r.line for r in calls.rejected] == [4]


def test_a_header_longer_than_the_limit_is_not_this_format(tmp_path) -> None:
    path = tmp_path / "one-line.tsv"
    path.write_bytes(b"y" * 5_000)
    with pytest.raises(BankFormatError, match=r"one-line.tsv, line 1: longer than 200 "
                                              r"characters, not the Anonymous Bank header"):
        read_bank_file(path, max_line_chars=200)


def test_a_field_longer_than_csv_s_own_limit_is_a_line_kept_aside(tmp_path) -> None:
    """csv's 131,072-byte field limit once ended the import with a traceback."""
    calls = read_bank_file(_between_good(tmp_path, _call(2).encode() + b"\tz" + b"z" * 200_000),
                           max_line_chars=300_000)
    assert calls.interaction_ids.tolist() == [2, 4]
    [rejected] = calls.rejected
    assert rejected.line == 3 and rejected.reason == "18 fields, expected 17"


@pytest.mark.slow
def test_a_200_mb_line_is_kept_aside_without_reading_it_into_memory(tmp_path) -> None:
    path = tmp_path / "huge.tsv"
    with path.open("wb") as f:
        f.write(HEADER.encode() + b"\r\n" + _call(1).encode() + b"\r\n")
        block = b"x" * (1 << 20)
        for _ in range(200):
            f.write(block)
        f.write(b"\r\n" + _call(3).encode() + b"\r\n")
    calls = read_bank_file(path)
    assert calls.interaction_ids.tolist() == [2, 4]
    [rejected] = calls.rejected
    assert rejected.line == 3
    assert "longer than 65,536 characters (209,715,200): not read" in rejected.reason
