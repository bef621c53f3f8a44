"""Floorboard's configuration: a TOML file with defaults in code, validated on load.

Every error names the file, the line and the key. Keys marked secret (gateway
passwords) are known by path so that exports and audit never carry their values.
"""

from __future__ import annotations

import difflib
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config.escalation import (
    check_secret,
    parse_contacts,
    parse_gateway_url,
    parse_quiet_hours,
)
from core.config.toml_source import (
    TomlReader,
    clipped,
    line_of,
    read_toml_text,
    toml_value,
)
from core.errors import ConfigError
from core.model import Channel, ComplaintCategory
from core.model.secret import Secret


@dataclass(frozen=True, slots=True)
class Key:
    type: type | tuple[type, ...]
    default: Any = None
    secret: bool = False
    check: Any = None  # callable(value) -> error text or None
    what: str = ""  # what a number says, for "expected a whole number of minutes"

    def expected(self) -> str:
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        return self.what or ("a number" if float in types else "a whole number")


def timezone_problem(value: str) -> str | None:
    """Why ``value`` is no time zone, or None. zoneinfo reads the name as a path:
    'Europe' is a folder and a long name too long a path, OSErrors both."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone {toml_value(value)} (use an IANA name such as 'Europe/Kyiv')"
    return None


def _region(value: str) -> str | None:
    if not re.fullmatch(r"[A-Z]{2}", value):
        return f"{toml_value(value)} is not a two-letter ISO country code such as 'GB' or 'UA'"
    return None


def _fraction(value: float) -> str | None:
    if isinstance(value, bool) or not 0 <= value <= 1:
        return f"{toml_value(value)} is not a fraction between 0 and 1 (e.g. 0.8 for 80%)"
    return None


def _seconds(value: int) -> str | None:
    return None if 1 <= value <= 3600 else f"{value} s is outside 1..3600"


def _target_s(value: int) -> str | None:
    return None if 1 <= value <= 7 * 86_400 else f"{value} s is outside 1..604800 (a week)"


def _parses(parse: Callable[[Any], object]) -> Callable[[Any], str | None]:
    """A check that a value parses, saying why not in the parser's words."""
    def check(value: Any) -> str | None:
        try:
            parse(value)
        except ValueError as exc:
            return str(exc)
        return None
    return check


def _minutes(value: int) -> str | None:
    return None if 1 <= value <= 1440 else f"{value} min is outside 1..1440"


def _pages(value: int) -> str | None:
    return None if 1 <= value <= 10 else f"{value} is outside 1..10"


def _days(value: float) -> str | None:
    return None if 0 < value <= 365 else f"{value} days is outside (0, 365]"


def _strings(value: list) -> str | None:
    bad = [v for v in value if not isinstance(v, str)]
    return f"{toml_value(bad[0])} is not text (write numbers in quotes)" if bad else None


def _categories(value: list) -> str | None:
    names = [c.name.lower() for c in ComplaintCategory]
    bad = [v for v in value if not isinstance(v, str) or v not in names]
    return f"{toml_value(bad[0])} is not one of {', '.join(names)}" if bad else None


def _phrases(value: dict) -> str | None:
    names = [c.name.lower() for c in ComplaintCategory]
    for category, phrases in value.items():
        if category not in names:
            return f"{toml_value(category)} is not one of {', '.join(names)}"
        if not isinstance(phrases, list) or not phrases or not all(
                isinstance(p, str) and p.strip() for p in phrases):
            return f"{category}: give a list of phrases, such as [\"lawyer\", \"sue you\"]"
    return None


def _port(value: int) -> str | None:
    return None if 0 < value < 65536 else f"port {value} is outside 1..65535"


#: The whole schema: section -> key -> Key. Unknown sections and keys are errors.
SCHEMA: dict[str, dict[str, Key]] = {
    "floor": {
        "name": Key(str, "Contact-center floor"),
        "timezone": Key(str, "UTC", check=timezone_problem),
        "region": Key(str, "GB", check=_region),
    },
    "store": {
        "path": Key(str, None),
    },
    "export": {
        "pseudonym_key_file": Key(str, None),
    },
    # Service-level targets per channel, in seconds. Not set: each queue keeps its own
    # from the floor (by default the channel's: phone 20 s, chat 15 s, tickets and
    # e-mail 4 h). Set: every queue of the channel is measured against it.
    "targets": {key: Key(int, None, check=_target_s, what="a whole number of seconds")
                for key in ("phone_s", "chat_s", "ticket_s", "email_s", "callback_s",
                            "web_request_s")},
    "wallboard": {
        # Service level at or above sl_green is green, at or above sl_amber amber,
        # else red.
        "sl_green": Key((int, float), 0.80, check=_fraction, what="a fraction between 0 and 1"),
        "sl_amber": Key((int, float), 0.60, check=_fraction, what="a fraction between 0 and 1"),
        # TV mode shows each page this long.
        "tv_page_s": Key(int, 15, check=_seconds, what="a whole number of seconds"),
    },
    # Who is paged for a valid complaint and how (docs/escalation.md).
    "escalation": {
        "contacts": Key(list, [], check=_parses(parse_contacts)),
        "resend_after_min": Key(int, 5, check=_minutes, what="a whole number of minutes"),
        "pages_per_contact": Key(int, 2, check=_pages, what="a whole number of pages"),
        "quiet_hours": Key(str, "", check=_parses(parse_quiet_hours)),
        "duplicate_days": Key((int, float), 7, check=_days, what="a number of days"),
        "prank_numbers": Key(list, [], check=_strings),
        "categories": Key(list, ["harm", "billing_error", "legal_threat",
                                 "repeated_failure"], check=_categories),
    },
    # Phrases that raise a complaint from a customer's words, per language: a table of
    # category = [phrases]; a language given here replaces its defaults.
    "escalation.phrases": {lang: Key(dict, None, check=_phrases)
                           for lang in ("en", "es", "it", "fr", "uk", "ru", "pl")},
    "escalation.sms": {
        "url": Key(str, None, check=_parses(parse_gateway_url)),
        "username": Key(str, None),
        "password": Key(str, None, secret=True, check=_parses(check_secret)),
        "sender": Key(str, None),
    },
    "escalation.smtp": {
        "host": Key(str, "127.0.0.1"),
        "port": Key(int, 25, check=_port, what="a port number (1 to 65535)"),
        "username": Key(str, None),
        "password": Key(str, None, secret=True, check=_parses(check_secret)),
        "sender": Key(str, None),
        "starttls": Key(bool, False),
    },
    "escalation.ntfy": {
        # The ntfy server, e.g. https://ntfy.example.com
        "url": Key(str, None, check=_parses(parse_gateway_url)),
        "token": Key(str, None, secret=True,
                     check=_parses(lambda t: check_secret(t, header_token=True))),
    },
    "escalation.listener": {
        # Where gateways report deliveries and replies (loopback: Kannel runs here).
        "port": Key(int, 13080, check=_port, what="a port number (1 to 65535)"),
    },
}


@dataclass(frozen=True)
class Config:
    """Validated settings. ``values`` maps 'section.key' to its value (defaults filled)."""

    path: Path | None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, dotted: str) -> Any:
        if dotted not in self.values:
            raise KeyError(f"no configuration key {dotted!r}")
        return self.values[dotted]

    def secret_values(self) -> list[Secret]:
        """The configured secrets, for scrubbing anything that leaves the machine: each
        a str that knows its key and the username it goes with (core.model.secret)."""
        out = []
        for dotted, v in self.values.items():
            if v and _key(dotted).secret:
                section = dotted.rpartition(".")[0]
                out.append(Secret(v, dotted, self.values.get(f"{section}.username")))
        return out


def channel_targets_s(config: Config) -> dict[Channel, int]:
    """The configured service-level targets by channel (only those set)."""
    out = {}
    for ch in Channel:
        value = config.values.get(f"targets.{ch.name.lower()}_s")
        if value is not None:
            out[ch] = int(value)
    return out


def _key(dotted: str) -> Key:
    section, _, name = dotted.rpartition(".")
    return SCHEMA[section][name]


def defaults() -> Config:
    return Config(
        None,
        {f"{s}.{k}": spec.default for s, keys in SCHEMA.items() for k, spec in keys.items()},
    )


def _flatten(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{'escalation': {'sms': {...}}} -> {'escalation.sms': {...}} for known sections."""
    sections: dict[str, dict[str, Any]] = {}

    def walk(prefix: str, table: dict[str, Any]) -> None:
        for name, value in table.items():
            dotted = f"{prefix}.{name}" if prefix else name
            if isinstance(value, dict):
                if any(s.startswith(dotted + ".") for s in SCHEMA):
                    walk(dotted, value)
                else:  # a known section, or an unknown one to report whole
                    sections.setdefault(dotted, {}).update(value)
            else:
                sections.setdefault(prefix, {})[name] = value

    walk("", doc)
    return sections


def load_config(path: Path | str | None) -> Config:
    """Read and validate ``path``; a missing default file means all defaults."""
    if path is None:
        return defaults()
    path = Path(path).expanduser()
    text = read_toml_text(path, "configuration file")
    doc, _ = TomlReader.parse(text, str(path))

    def fail(section: str, key: str | None, message: str) -> ConfigError:
        parts = tuple(section.split(".")) if section else ()
        line = line_of(text, (*parts, key) if key else parts)
        where = f"{path}, line {line}" if line else str(path)
        name = (f"{section}.{key}" if section else key) if key else f"[{section}]"
        return ConfigError(clipped(f"{where}: {name}: {message}"))

    values = dict(defaults().values)
    for section, table in _flatten(doc).items():
        if section not in SCHEMA:
            known = sorted(SCHEMA)
            if section == "":
                name = next(iter(table))
                hint = difflib.get_close_matches(name, known, n=1)
                raise fail(
                    "", name,
                    "unknown key at top level" + (f" (did you mean [{hint[0]}]?)" if hint else
                                                 f"; sections are {', '.join(known)}"),
                )
            hint = difflib.get_close_matches(section, known, n=1)
            raise fail(
                section, None,
                "unknown section" + (f" (did you mean [{hint[0]}]?)" if hint else ""),
            )
        spec = SCHEMA[section]
        for key, value in table.items():
            if key not in spec:
                hint = difflib.get_close_matches(key, list(spec), n=1)
                raise fail(
                    section, key,
                    "unknown key" + (f" (did you mean '{hint[0]}'?)" if hint else
                                     f"; keys here are {', '.join(spec)}"),
                )
            k = spec[key]
            types = k.type if isinstance(k.type, tuple) else (k.type,)
            # bool is an int in Python: `duplicate_days = true` would read as 1 day.
            if isinstance(value, bool) and bool not in types and (
                    int in types or float in types):
                raise fail(section, key, f"expected {k.expected()}, got "
                           f"{toml_value(value)} (a yes/no value)")
            if isinstance(value, float) and not math.isfinite(value) and float in types:
                raise fail(section, key, f"expected {k.expected()}, got {toml_value(value)}")
            if not isinstance(value, k.type):
                expected = k.expected() if int in types or float in types else " or ".join(
                    t.__name__ for t in types)
                raise fail(
                    section, key, f"expected {expected}, got {type(value).__name__} "
                    f"{toml_value(value)}")
            if k.check and (problem := k.check(value)):
                raise fail(section, key, problem)
            values[f"{section}.{key}"] = value
    if values["wallboard.sl_amber"] > values["wallboard.sl_green"]:
        raise fail("wallboard", "sl_amber", f"{values['wallboard.sl_amber']} is above "
                   f"sl_green ({values['wallboard.sl_green']}): amber must not be above green")
    return Config(path, values)
