"""What a path given to a reader is, before reading it as lines of text: a folder, a
pipe or a device is named as such (a pipe is never opened: that would wait for a
writer), and a file that is compressed, an archive, a database, a program or text in
UTF-16 is told apart by its first bytes, with what to do about it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Bytes looked at to tell what a file is.
HEAD_BYTES = 4_096


class InputFileError(ValueError):
    """The path is not a text file a reader can read at all; the message names it."""


def display_path(path: Path | str) -> str:
    """The path as text that can be printed and stored: bytes of a name that are not
    UTF-8 (Linux allows any) written as \\xNN."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def check_regular_file(path: Path) -> None:
    """Raises InputFileError unless ``path`` is a file (after symlinks)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputFileError(f"{display_path(path)}: no such file.") from None
    except OSError as exc:
        raise InputFileError(f"{display_path(path)}: cannot look at it ({exc.strerror}).") \
            from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        what = "is a folder (a directory), not a file; give the file in it"
    elif stat.S_ISFIFO(mode):
        what = ("is a named pipe (FIFO), not a file: an import reads its file twice (to "
                "fingerprint it, then its lines); save what comes through it to a file and "
                "import that")
    elif stat.S_ISCHR(mode):
        what = "is a character device, not a file"
    elif stat.S_ISBLK(mode):
        what = "is a block device (a disk), not a file"
    elif stat.S_ISSOCK(mode):
        what = "is a socket, not a file"
    else:
        what = "is not a file"
    raise InputFileError(f"{display_path(path)}: {what}.")


_UNPACK = "unpack it first"
#: First bytes of kinds of file, and what to say of them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", f"a gzip file; {_UNPACK} (gunzip -k FILE) and import what comes out"),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one too); unpack it and import "
                    "the file in it, or save the sheet as tab-separated text"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"BZh", f"a bzip2 file; {_UNPACK} (bunzip2 -k FILE)"),
    (b"\xfd7zXZ\x00", f"an xz file; {_UNPACK} (unxz -k FILE)"),
    (b"\x28\xb5\x2f\xfd", f"a zstd file; {_UNPACK} (unzstd FILE)"),
    (b"7z\xbc\xaf\x27\x1c", f"a 7-Zip archive; {_UNPACK}"),
    (b"Rar!\x1a\x07", f"a RAR archive; {_UNPACK}"),
    (b"SQLite format 3\x00", "an SQLite database, not a file of records (to look into "
                             "it, use sqlite3)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (an .xls workbook?); "
                                          "save the sheet as tab-separated text first"),
    (b"%PDF-", "a PDF document, not a file of records"),
    (b"\x7fELF", "a program (ELF executable), not a file of records"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image, not a file of records"),
    (b"\xff\xd8\xff", "a JPEG image, not a file of records"),
    # UTF-32 before UTF-16: FF FE 00 00 starts with UTF-16's FF FE.
    (b"\xff\xfe\x00\x00", "UTF-32 text; save it as UTF-8 first (iconv -f UTF-32 -t UTF-8)"),
    (b"\x00\x00\xfe\xff", "UTF-32 text; save it as UTF-8 first (iconv -f UTF-32 -t UTF-8)"),
)
_UTF16 = ("UTF-16 text (what Windows tools call 'Unicode'); save it as UTF-8 first "
          "(iconv -f UTF-16 -t UTF-8 FILE > calls.tsv)")


def kind_of(head: bytes) -> str | None:
    """What a file starting with ``head`` is, when it cannot be text of records at all
    (compressed, an archive, a database, UTF-16…): words to follow "this looks like",
    with what to do. None when it may be ASCII or UTF-8 text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _UTF16
    pairs = head[: len(head) - len(head) % 2]
    if len(pairs) >= 8:
        # UTF-16 without a byte-order mark: ASCII text with a NUL beside every character,
        # from the first (a header) or in most of the head.
        first = pairs[:16]
        if any(first[k::2].count(0) == len(first) // 2 and 0 not in first[1 - k::2]
               for k in (0, 1)):
            return _UTF16
        nul_even, nul_odd = pairs[0::2].count(0), pairs[1::2].count(0)
        half = len(pairs) // 2
        if max(nul_even, nul_odd) > 0.4 * half and min(nul_even, nul_odd) < 0.05 * half:
            return _UTF16
    return None


def binary_kind(head: bytes) -> str | None:
    """"a binary file" when ``head`` holds NUL or many control bytes. Only for a file
    whose first line is not what the reader expects: a text file with a few NUL bytes
    (written after a crash) has good lines to read around them."""
    if b"\x00" in head:
        return "a binary file, not text (it holds NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\x0c") + head.count(0x7f)
    if head and controls > 0.1 * len(head):
        return "a binary file, not text (it is full of control bytes)"
    return None


def read_head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(HEAD_BYTES)


def check_text_file(path: Path) -> None:
    """Raises InputFileError unless ``path`` is a file that may be text: not a folder,
    pipe or device, nor one of the kinds ``kind_of`` knows."""
    check_regular_file(path)
    try:
        head = read_head(path)
    except OSError as exc:
        raise InputFileError(f"{display_path(path)}: cannot read the file "
                             f"({exc.strerror}).") from None
    what = kind_of(head)
    if what is not None:
        raise InputFileError(f"{display_path(path)}: this looks like {what}.")


__all__ = ["HEAD_BYTES", "InputFileError", "binary_kind", "check_regular_file", "check_text_file",
           "display_path", "kind_of", "read_head"]
