"""Files that are not text files of call records at all: each refused saying what it
is (a gzip file, UTF-16 text, a folder, a pipe…) and what to do, with nothing
written; and the text files the reader does take whole (a BOM, old Mac line ends)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from core.errors import IngestError
from core.ingest.anonymous_bank import read_bank_file
from core.ingest.bank_import import check_file, import_bank_file
from tests.core.ingest.test_bank_import import GOOD, _counts, bank_file


def _text(tmp_path: Path) -> bytes:
    return bank_file(tmp_path, "source.tsv").read_bytes()


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _zip(path: Path, data: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("calls.tsv", data)
    return path


def _sqlite(path: Path, _: bytes) -> Path:
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE t (x)")
    return path


#: (name, how to make it from the good file's bytes, what the message must say)
KINDS = [
    ("calls.tsv.gz", lambda p, d: _write(p, gzip.compress(d)),
     "this looks like a gzip file; unpack it first"),
    ("calls.zip", _zip, "this looks like a zip archive"),
    ("calls.tsv.bz2", lambda p, d: _write(p, bz2.compress(d)),
     "this looks like a bzip2 file; unpack it first"),
    ("calls.tsv.xz", lambda p, d: _write(p, lzma.compress(d)),
     "this looks like an xz file; unpack it first"),
    ("utf16.tsv", lambda p, d: _write(p, d.decode("ascii").encode("utf-16")),
     "this looks like UTF-16 text"),
    ("utf16be.tsv", lambda p, d: _write(p, d.decode("ascii").encode("utf-16-be")),
     "this looks like UTF-16 text"),
    ("utf16le.tsv", lambda p, d: _write(p, d.decode("ascii").encode("utf-16-le")),
     "this looks like UTF-16 text"),
    ("utf32.tsv", lambda p, d: _write(p, d.decode("ascii").encode("utf-32")),
     "this looks like UTF-32 text"),
    ("floor.sqlite", _sqlite, "this looks like an SQLite database"),
    ("program", lambda p, d: _write(p, b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8),
     "this looks like a program (ELF executable)"),
    ("noise.bin", lambda p, d: _write(p, bytes(range(256)) * 16),
     "this looks like a binary file, not text"),
]


@pytest.mark.parametrize("name, make, message", KINDS, ids=[k[0] for k in KINDS])
def test_a_file_of_another_kind_is_named_as_such(tmp_path, store, name, make,
                                                  message) -> None:
    path = make(tmp_path / name, _text(tmp_path))
    before = _counts(store)
    with pytest.raises(IngestError) as caught:
        import_bank_file(store, path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text, text
    assert "\x00" not in text and "\ufffd" not in text and len(text) < 400, text
    assert "Nothing was imported" in text
    assert _counts(store) == before


def test_a_folder_is_named_as_such(tmp_path, store) -> None:
    with pytest.raises(IngestError, match=r": is a folder \(a directory\), not a file"):
        import_bank_file(store, tmp_path)


def test_a_pipe_is_named_as_such_and_not_opened(tmp_path, store) -> None:
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    # Opening a pipe nobody writes to would wait for ever: the refusal comes first.
    with pytest.raises(IngestError, match=r"calls.fifo: is a named pipe \(FIFO\), not a "
                                          r"file.*save what comes through it"):
        import_bank_file(store, fifo)


def test_a_device_is_named_as_such(store) -> None:
    with pytest.raises(IngestError, match=r"/dev/zero: is a character device, not a file"):
        import_bank_file(store, "/dev/zero")


def test_check_file_refuses_before_any_store_is_opened(tmp_path) -> None:
    path = tmp_path / "calls.tsv.gz"
    path.write_bytes(gzip.compress(_text(tmp_path)))
    with pytest.raises(IngestError, match="gzip"):
        check_file(path)
    with pytest.raises(IngestError, match="expected the Anonymous Bank header"):
        check_file(_write(tmp_path / "other.csv", b"date,u,Day\n1999-01-01,1,1\n"))
    assert check_file(bank_file(tmp_path)) == (tmp_path / "calls.tsv").resolve()


@pytest.mark.parametrize("convert", [
    lambda d: b"\xef\xbb\xbf" + d,  # a UTF-8 byte-order mark, as Windows tools write
    lambda d: d.replace(b"\r\n", b"\r"),  # classic Mac line ends
    lambda d: d.replace(b"\r\n", b"\n"),
], ids=["utf-8 BOM", "CR", "LF"])
def test_text_files_in_other_clothes_read_whole(tmp_path, convert) -> None:
    path = _write(tmp_path / "converted.tsv", convert(_text(tmp_path)))
    calls = read_bank_file(path)
    assert calls.lines == 11 and sorted(calls.interaction_ids.tolist()) == sorted(GOOD)
    assert len(calls.rejected) == 4
