"""A text file as numbered lines, whatever its bytes: a line far too long is skipped
in pieces (a 200 MB line never sits in memory whole), bytes that are not UTF-8 are
kept as they were (and said to be), and every line, good or not, has its number, so
a reader can account for each one.

Lines end at CRLF, LF or a lone CR (as the csv module read them, and classic Mac
files write them). A UTF-8 byte-order mark at the start is not part of line 1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

#: Longer lines are not read: no record of the readers' formats comes near it.
MAX_LINE_CHARS = 65_536
#: Of a line too long to read, the start kept to show what it was.
KEPT_CHARS = 1_000
_SKIP_CHUNK = 1 << 20
# Lone surrogates stand for the bytes that were not UTF-8 (surrogateescape).
_NOT_TEXT = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\udc80-\udcff]")


@dataclass(frozen=True, slots=True)
class TextLine:
    """Line ``number`` (from 1) of a file, without its line end. For a line longer than
    the limit, ``text`` is its start and ``length`` its whole length."""

    number: int
    text: str
    length: int

    @property
    def too_long(self) -> bool:
        return self.length > len(self.text)

    def stored_text(self) -> str:
        """The line as text that can be stored and shown: bytes that were not UTF-8 as
        \\xNN, and a line cut short ending in "…"."""
        text = self.text.encode("utf-8", "surrogateescape").decode("utf-8",
                                                                    "backslashreplace")
        return text + "…" if self.too_long else text

    def problem(self, max_chars: int) -> str | None:
        """Why the line is no text record at all, or None."""
        if self.too_long:
            return f"longer than {max_chars:,} characters ({self.length:,}): not read"
        if not self.text:
            return "empty line"
        bad = _NOT_TEXT.search(self.text)
        if bad is None:
            return None
        c, column = bad.group(), bad.start() + 1
        if "\udc80" <= c <= "\udcff":
            return f"not UTF-8 text: byte 0x{ord(c) - 0xDC00:02X} at column {column}"
        if c == "\x00":
            return f"a NUL byte at column {column}"
        return f"control character 0x{ord(c):02X} at column {column}"


def open_text(path: Path) -> TextIO:
    """``path`` for ``read_lines``: any bytes decode, and any line end is one."""
    return path.open(encoding="utf-8", errors="surrogateescape", newline=None)


def read_lines(f: TextIO, max_chars: int = MAX_LINE_CHARS) -> Iterator[TextLine]:
    """Every line of ``f`` (opened by ``open_text``), numbered from 1."""
    number = 0
    while True:
        piece = f.readline(max_chars + 1)
        if not piece:
            return
        number += 1
        if number == 1:
            piece = piece.removeprefix("\ufeff")
        if piece.endswith("\n"):
            text = piece[:-1]
            yield TextLine(number, text, len(text))
            continue
        if len(piece) <= max_chars:  # the last line, with no line end
            yield TextLine(number, piece, len(piece))
            continue
        length = len(piece)
        while True:
            rest = f.readline(_SKIP_CHUNK)
            if not rest:
                break
            if rest.endswith("\n"):
                length += len(rest) - 1
                break
            length += len(rest)
        yield TextLine(number, piece[: min(max_chars, KEPT_CHARS)], length)


__all__ = ["KEPT_CHARS", "MAX_LINE_CHARS", "TextLine", "open_text", "read_lines"]
