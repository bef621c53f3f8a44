"""Fuzzing the config loaders of core/config: the floor file, the scenario files and
the settings file with its [escalation] sections (issue 16).

Each starts from a file Floorboard ships (assets/), and its lines are mutated: a
value replaced by one of another type (`true` for a number, a date and time for a
date, `nan`, a list, a table, a number of 5,000 digits, a string of a megabyte),
characters inserted and cut, NUL and other control characters, lines doubled (a
key twice), dropped and swapped; the file is written in UTF-8, UTF-8 with a BOM,
UTF-16, Latin-1 or Windows-1252, and a byte may be flipped.

Whatever comes of it, the loader returns what it loads or raises a ConfigError
whose message starts with the file's name, and names a line whenever the bytes are
TOML (a line that holds the mistake, or the table it is missing from); never another
exception, never a message burying the user under a megabyte.

The 10,000-agent scenario makes its floor by rule (core/config/generated_floor.py),
which takes longer than the parsing fuzzed here: the scenario tests put a small
floor made by the same rule in its place.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from core.config import Config, load_config
from core.config import scenario as scenario_module
from core.config.floor import load_floor
from core.config.generated_floor import generated_floor
from core.config.scenario import load_scenario
from core.errors import ConfigError
from core.model.floor_policy import FloorPolicy
from core.model.scenario import Scenario
from tests.conftest import REPO

ASSETS = REPO / "assets"
FLOOR = ASSETS / "floors" / "seed_28_agents.toml"
SCENARIOS = sorted((ASSETS / "scenarios").glob("*.toml"))
CONFIG = ASSETS / "config.example.toml"
#: A few seconds in all; FLOORBOARD_FUZZ_EXAMPLES=3000 for a deeper search (minutes).
EXAMPLES = int(os.environ.get("FLOORBOARD_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
#: Longest message a refusal may be: a line or two, whatever the file held.
MESSAGE_LIMIT = 1_000
MEGABYTE = 1_000_000

#: What a value may become: other types, values at and past the edges, and huge.
values = st.one_of(
    st.sampled_from([
        "true", "false", "nan", "-nan", "inf", "-inf", "0", "-1", "1.5", "1e999",
        "99999999999999999999", "9" * 5_000, "0x1F", '""', '"   "', '"x"', "'Olena '",
        '"OLENA"', '"\\u0000"', '"\\t"', "[]", "[true, 1]", '["a", "a"]', "[[1], {}]",
        "{}", "{ a = 1 }", "2026-11-02", "2026-11-02T10:00:00", "10:00:00",
        '"Europe"', '"Europe/Kyiv"', '"phone"', '"uk"', '"care"', "[6, 14]", "[0, 1e999]",
    ]),
    st.integers(-(2**70), 2**70).map(str),
    st.floats().map(repr),
    st.text(max_size=12).map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"')
                             + '"'),
    # huge fields: a megabyte in a string, of spaces, of digits, of a bare word
    st.sampled_from(['"' + "x" * MEGABYTE + '"', " " * MEGABYTE, "1" * MEGABYTE,
                     '"' + "é" * (MEGABYTE // 2) + '"', "a" * MEGABYTE]),
)

ENCODINGS = ("utf-8",) * 6 + ("utf-8-sig", "utf-16", "latin-1", "cp1252")


class Sample(bytes):
    """A file's bytes and how they were made, shown short: a failing example's
    report would otherwise print a megabyte."""

    ops: list[str]

    def __repr__(self) -> str:
        return f"<{len(self)} bytes: {'; '.join(self.ops)}>"


def _short(text: str) -> str:
    return repr(text) if len(text) <= 50 else repr(text[:40]) + f"... ({len(text)} chars)"


_KEY_LINE = re.compile(r"^\s*[A-Za-z0-9_.\"-]+\s*=")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")


@st.composite
def mutated_text(draw, seed: str) -> tuple[str, list[str]]:
    """``seed`` with one to four lines mutated; most mutations keep it TOML, so that
    what the loader makes of the values is fuzzed and not only tomllib."""
    lines = seed.split("\n")
    keyed = [i for i, line in enumerate(lines) if _KEY_LINE.match(line)]
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    ops = []
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["value"] * 6 + ["key", "table", "double", "drop", "swap",
                                                   "insert", "cut", "control"]))
        pool = keyed if op in ("value", "key") else headers if op == "table" else None
        i = draw(st.sampled_from(pool) if pool else st.integers(0, len(lines) - 1))
        if i >= len(lines) or (op in ("value", "key") and "=" not in lines[i]):
            continue  # lines dropped or moved by an earlier mutation
        line = lines[i]
        if op == "value":
            lines[i] = f"{line.split('=', 1)[0]}= {draw(values)}"
        elif op == "key":  # a key another table has, or none has
            lines[i] = draw(st.sampled_from(
                ["name", "count", "days", "share", "after_s", "port", "duplicate_days",
                 "floor", "phone", "languages", "agents", "x", "name.x", '"a.b"', "a b"])) + \
                " =" + line.split("=", 1)[1]
        elif op == "table" and (m := _HEADER.match(line)):  # a table as a value
            lines[i] = f"{m.group(1)} = {draw(values)}"
        elif op == "double":  # a key twice, a table twice
            lines.insert(i, line)
        elif op == "drop":
            del lines[i]
            if not lines:
                lines = [""]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.text(max_size=6)) + line[at:]
        elif op == "cut":
            at, end = sorted(draw(st.lists(st.integers(0, len(line)), min_size=2,
                                           max_size=2)))
            lines[i] = line[:at] + line[end:]
        elif op == "control":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from("\x00\x01\x0b\x0c\x1b\x7f\r"
                                                        "\u2028\ufeff")) + line[at:]
        ops.append(f"{op} line {i + 1}: {_short(lines[i]) if i < len(lines) else ''}")
    return "\n".join(lines), ops


@st.composite
def mutated_bytes(draw, seed: str) -> Sample:
    text, ops = draw(mutated_text(seed))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    ops.append(encoding)
    if draw(st.integers(0, 9)) == 0:  # a flipped byte
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        ops.append(f"byte {at} flipped")
    event("over a megabyte" if len(data) > MEGABYTE else "small")
    sample = Sample(data)
    sample.ops = ops
    return sample


def assert_loads_or_names_the_file(load: Callable[[Path], object], path: Path, data: bytes,
                                   kind: type) -> None:
    path.write_bytes(data)
    try:
        result = load(path)
    except ConfigError as refused:
        message = str(refused)
        assert message.startswith(str(path)), message[:300]
        assert len(message) < MESSAGE_LIMIT, message[:300]
        assert "Traceback" not in message
        event("refused: " + ("not TOML" if "not valid TOML" in message else
                             "not UTF-8" if "UTF-" in message else "a value"))
        if _is_toml(data) and not re.match(rf"{re.escape(str(path))}, line \d+: ", message):
            # Only what is not in the file at all has no line to name.
            assert re.match(rf"{re.escape(str(path))}: missing key '\w+'$", message), message
        return
    event("loaded")
    assert isinstance(result, kind)


def _is_toml(data: bytes) -> bool:
    try:
        tomllib.loads(data.decode("utf-8-sig"))
    except ValueError:  # UnicodeDecodeError and TOMLDecodeError are ValueErrors
        return False
    return True


def _floor_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert_loads_or_names_the_file(load_floor, Path(folder) / "floor.toml", data,
                                       FloorPolicy)


@functools.lru_cache(maxsize=1)
def _small_generated_floor() -> FloorPolicy:
    return generated_floor(40)


def _stand_in_floor(n: int) -> FloorPolicy:
    # the count is checked before the floor is made; any valid count makes this one
    assert 1 <= n <= scenario_module.MAX_GENERATED_AGENTS
    return _small_generated_floor()


@st.composite
def scenario_bytes(draw) -> tuple[str, bytes]:
    seed = draw(st.sampled_from(SCENARIOS))
    return seed.name, draw(mutated_bytes(seed.read_text(encoding="utf-8")))


def _scenario_file(case: tuple[str, bytes]) -> None:
    name, data = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "floors").mkdir()
        (root / "scenarios").mkdir()
        shutil.copy(FLOOR, root / "floors" / FLOOR.name)  # the scenarios' floor = ../floors/
        with mock.patch.object(scenario_module, "generated_floor", _stand_in_floor):
            assert_loads_or_names_the_file(load_scenario, root / "scenarios" / name, data,
                                           Scenario)


def _settings_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert_loads_or_names_the_file(load_config, Path(folder) / "config.toml", data,
                                       Config)


FLOORS = mutated_bytes(FLOOR.read_text(encoding="utf-8"))
SETTINGS = mutated_bytes(CONFIG.read_text(encoding="utf-8"))

test_a_mutated_floor_file_loads_or_is_refused_naming_the_file = FUZZ(given(FLOORS)(
    _floor_file))
test_a_mutated_scenario_file_loads_or_is_refused_naming_the_file = FUZZ(given(
    scenario_bytes())(_scenario_file))
test_a_mutated_settings_file_loads_or_is_refused_naming_the_file = FUZZ(given(SETTINGS)(
    _settings_file))


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2_000),
       loader=st.sampled_from([(load_floor, FloorPolicy), (load_config, Config)]))
def test_any_bytes_load_or_are_refused_naming_the_file(data: bytes, loader) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert_loads_or_names_the_file(loader[0], Path(folder) / "any.toml", data, loader[1])


def test_every_shipped_file_loads_as_it_is() -> None:
    assert isinstance(load_floor(FLOOR), FloorPolicy)
    assert isinstance(load_config(CONFIG), Config)
    with mock.patch.object(scenario_module, "generated_floor", _stand_in_floor):
        for path in SCENARIOS:
            assert isinstance(load_scenario(path), Scenario)
