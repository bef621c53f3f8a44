"""Where a key stands in a TOML file, for error messages that name the line.

tomllib reports positions only for syntax errors, so valid-but-wrong values are
located by scanning table headers ([a], [[a]], [[a.b]]) and `key =` lines.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import ConfigError

# A key is bare words or quoted strings joined by dots. Written so that no two parts
# can match the same spaces: the first try was cubic in a line's run of spaces, and
# a 4,000-space line took 23 s to place an error.
_PART = r"""[A-Za-z0-9_\-]+|"(?:[^"\\]|\\.)*"|'[^']*'"""
_DOTTED = rf"(?:{_PART})(?:[ \t]*\.[ \t]*(?:{_PART}))*"
_ARRAY_TABLE = re.compile(rf"^[ \t]*\[\[[ \t]*({_DOTTED})[ \t]*\]\][ \t]*(#.*)?$")
_TABLE = re.compile(rf"^[ \t]*\[[ \t]*({_DOTTED})[ \t]*\][ \t]*(#.*)?$")
_KEY = re.compile(rf"^[ \t]*({_DOTTED})[ \t]*=")
_PARTS = re.compile(_PART)

PathPart = str | int


def _names(header: str) -> list[str]:
    return [n[1:-1] if n[0] in "\"'" else n for n in _PARTS.findall(header)]


def line_of(text: str, path: Sequence[PathPart]) -> int | None:
    """Line number (1-based) of ``path`` such as ("queues", 2, "overflow", 0, "after_s"),
    or of its closest written ancestor; None when nothing of it is written."""
    target = tuple(path)
    counters: dict[tuple, int] = {}
    current: tuple = ()
    best: tuple[int, int] | None = None  # (depth matched, line)

    def resolve(names: list[str]) -> tuple:
        prefix: tuple = ()
        for n in names:
            prefix += (n,)
            if prefix in counters:
                prefix += (counters[prefix],)
        return prefix

    def consider(full: tuple, number: int) -> None:
        nonlocal best
        if target[: len(full)] == full:
            depth = len(full)
        elif target and full[: len(target)] == target:  # [a.b] is where table a begins
            depth = len(target)
        else:
            return
        if best is None or depth > best[0]:
            best = (depth, number)

    # Lines as TOML counts them: str.splitlines also breaks at \x0c, \u2028 and others,
    # which a TOML string may hold, and every line after would be named one too far.
    for number, line in enumerate(text.split("\n"), start=1):
        if m := _ARRAY_TABLE.match(line):
            names = _names(m.group(1))
            parent = resolve(names[:-1])
            key = (*parent, names[-1])
            counters[key] = counters.get(key, -1) + 1
            current = (*key, counters[key])
            consider(current, number)
        elif m := _TABLE.match(line):
            current = resolve(_names(m.group(1)))
            consider(current, number)
        elif m := _KEY.match(line):
            consider((*current, *_names(m.group(1))), number)
    return None if best is None else best[1]


def dotted(path: Sequence[PathPart]) -> str:
    """("queues", 2, "skill") -> 'queues[2].skill'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def read_toml_text(path: Path, what: str, not_found: str = "") -> str:
    """The text of a TOML file, or a ConfigError naming the file (and the line of a
    byte that is not UTF-8). A UTF-8 byte-order mark, as Windows editors write, is
    read past rather than refused as an 'invalid statement'."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: {not_found or what + ' not found.'}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc.strerror or exc}).") from exc
    except ValueError as exc:  # a NUL in the name, which no file name can hold
        raise ConfigError(clipped(f"{toml_value(str(path))}: not a file name ({exc}).")) from exc
    head = data[:400]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head.count(0) * 4 > len(head):
        raise ConfigError(f"{path}: the {what} is UTF-16 or UTF-32 text; save it as UTF-8.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}, line {line}: the {what} is not UTF-8 text (byte "
                          f"0x{data[exc.start]:02x}); save it as UTF-8.") from exc


def toml_value(value: Any) -> str:
    """A value as the file wrote it: `true`, not Python's `True`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    shown = repr(value)
    # a megabyte of value would bury the message
    return shown if len(shown) <= 80 else shown[:60] + f"... ({len(shown)} characters)"


def clipped(message: str, limit: int = 600) -> str:
    """``message`` in a few lines whatever the file held: its start (file, line, key)
    and its end (what to do) kept, a megabyte of value between them cut."""
    if len(message) <= limit:
        return message
    head, tail = limit * 2 // 3, limit // 4
    return (f"{message[:head]} [... {len(message) - head - tail} characters ...] "
            f"{message[-tail:]}")


def _expected(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds:
        return "a number"
    if int in kinds:
        return "a whole number"
    if kinds == (dt.date,):
        return "a date such as 2026-11-02"
    return " or ".join(k.__name__ for k in kinds)


class TomlReader:
    """Reads values out of a parsed TOML document; errors name file, line and key."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text

    @classmethod
    def parse(cls, text: str, source: str) -> tuple[dict[str, Any], TomlReader]:
        """The parsed document and a reader over it; bad TOML names file and line."""
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(clipped(f"{source}: not valid TOML: {exc}.")) from exc
        except ValueError as exc:
            # tomllib lets int()'s own refusal of a number of over 4,300 digits through
            m = re.search(r"[0-9_]{4000,}", text)
            if m is None:
                raise ConfigError(clipped(f"{source}: not valid TOML: {exc}.")) from exc
            line = text.count("\n", 0, m.start()) + 1
            raise ConfigError(f"{source}, line {line}: not valid TOML: a number of "
                              f"{len(m.group())} digits is longer than any setting "
                              "needs.") from exc
        return doc, cls(source, text)

    def error(self, path: Sequence[PathPart], message: str, label: str = "") -> ConfigError:
        line = line_of(self.text, path)
        where = f"{self.source}, line {line}" if line else self.source
        name = dotted(path)
        if len(label) > 40:
            label = label[:30] + "..."
        if label:
            # queues[3] -> queues[3] (care-uk-chat): people know queues by name
            head = dotted(path[:2])
            name = f"{head} ({label}){name[len(head):]}"
        return ConfigError(clipped(f"{where}: {name}: {message}" if name else
                                   f"{where}: {message}"))

    def keys(self, table: dict, allowed: set[str], path: tuple, label: str = "") -> None:
        for key in table:
            if key not in allowed:
                hint = difflib.get_close_matches(key, sorted(allowed), n=1)
                raise self.error((*path, key), "unknown key" + (
                    f" (did you mean '{hint[0]}'?)" if hint else
                    f"; allowed here: {', '.join(sorted(allowed))}"), label)

    def get(self, table: dict, key: str, kind: type | tuple[type, ...], path: tuple,
            default: Any = ..., label: str = "") -> Any:
        if key not in table:
            if default is ...:
                raise self.error(path, f"missing key '{key}'", label)
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds and (int in kinds or float in kinds):
            # bool is an int in Python: `true` would be read as 1
            raise self.error((*path, key), f"expected {_expected(kind)}, got "
                             f"{toml_value(value)} (a yes/no value)", label)
        if isinstance(value, dt.datetime) and dt.datetime not in kinds and dt.date in kinds:
            raise self.error((*path, key), f"expected {_expected(kind)}, got "
                             f"{value.isoformat()} (a date and time)", label)
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error((*path, key), f"expected {_expected(kind)}, got "
                             f"{toml_value(value)}", label)
        if not isinstance(value, kind):
            raise self.error((*path, key), f"expected {_expected(kind)}, got "
                             f"{toml_value(value)}", label)
        return value

    def table(self, value: Any, path: tuple, label: str = "") -> dict:
        """An item of an array of tables, or of a table of tables, that must be a table
        (`queues = [1, 2]` is TOML too)."""
        if not isinstance(value, dict):
            raise self.error(path, f"expected a table, got {toml_value(value)}", label)
        return value

    def number(self, value: Any, path: tuple, label: str = "") -> float:
        """A finite int or float that is not a yes/no, such as a list's item."""
        if (not isinstance(value, int | float) or isinstance(value, bool)
                or not math.isfinite(value)):
            raise self.error(path, f"expected a number, got {toml_value(value)}", label)
        return float(value)

    def choice(self, value: str, options: dict[str, Any] | Sequence[str], what: str,
               path: tuple, label: str = "") -> Any:
        names = list(options)
        if not isinstance(value, str):
            raise self.error(path, f"expected the name of a {what}, got "
                             f"{toml_value(value)}", label)
        if value in names:
            return options[value] if isinstance(options, dict) else value
        hint = difflib.get_close_matches(value, names, n=1, cutoff=0.5)
        raise self.error(path, f"unknown {what} {toml_value(value)}" + (
            f" (did you mean '{hint[0]}'?)" if hint else
            f"; known: {', '.join(names) or 'none'}"), label)

    def count(self, value: int, low: int, path: tuple, what: str, label: str = "",
              high: int | None = None) -> int:
        if value < low or (high is not None and value > high):
            bound = f"at least {low}" if high is None else f"from {low} to {high}"
            raise self.error(path, f"{what} must be {bound}, not {value}", label)
        return value
