"""Where a key stands in a TOML file, for error messages that name the line.

tomllib reports positions only for syntax errors, so valid-but-wrong values are
located by scanning table headers ([a], [[a]], [[a.b]]) and `key =` lines.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Sequence
from typing import Any

from core.errors import ConfigError

_ARRAY_TABLE = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]\s*(#.*)?$")
_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")

PathPart = str | int


def _names(header: str) -> list[str]:
    return [n.strip().strip("\"'") for n in header.split(".")]


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
        if target[: len(full)] == full and (best is None or len(full) > best[0]):
            best = (len(full), number)

    for number, line in enumerate(text.splitlines(), start=1):
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
            raise ConfigError(f"{source}: not valid TOML: {exc}.") from exc
        return doc, cls(source, text)

    def error(self, path: Sequence[PathPart], message: str, label: str = "") -> ConfigError:
        line = line_of(self.text, path)
        where = f"{self.source}, line {line}" if line else self.source
        name = dotted(path)
        if label:
            # queues[3] -> queues[3] (care-uk-chat): people know queues by name
            head = dotted(path[:2])
            name = f"{head} ({label}){name[len(head):]}"
        return ConfigError(f"{where}: {name}: {message}")

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
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
            name = kind.__name__ if isinstance(kind, type) else " or ".join(
                k.__name__ for k in kind)
            raise self.error((*path, key), f"expected {name}, got {value!r}", label)
        return value

    def choice(self, value: str, options: dict[str, Any] | Sequence[str], what: str,
               path: tuple, label: str = "") -> Any:
        names = list(options)
        if value in names:
            return options[value] if isinstance(options, dict) else value
        hint = difflib.get_close_matches(value, names, n=1, cutoff=0.5)
        raise self.error(path, f"unknown {what} {value!r}" + (
            f" (did you mean '{hint[0]}'?)" if hint else
            f"; known: {', '.join(names) or 'none'}"), label)

    def count(self, value: int, low: int, path: tuple, what: str, label: str = "",
              high: int | None = None) -> int:
        if value < low or (high is not None and value > high):
            bound = f"at least {low}" if high is None else f"from {low} to {high}"
            raise self.error(path, f"{what} must be {bound}, not {value}", label)
        return value
