"""Where a key stands in a TOML file, for error messages that name the line.

tomllib reports positions only for syntax errors, so valid-but-wrong values are
located by scanning table headers ([a], [[a]], [[a.b]]) and `key =` lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
