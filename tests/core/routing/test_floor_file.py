"""The floor definition file: the seeds' floor loads; mistakes name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config.floor import load_floor, parse_floor
from core.errors import ConfigError
from core.model import BlendProfile, Channel
from core.routing import Router
from tests.conftest import REPO

SEED_FLOOR = REPO / "assets" / "floors" / "seed_28_agents.toml"

BASE = """\
[floor]
languages = ["en", "uk", "ru"]
skills = ["care", "sales"]
groups = ["care", "sales"]

[[queues]]
name = "care-uk-phone"
channel = "phone"
skill = "care"
language = "uk"
secondary_language = "ru"
min_proficiency = 3
  [[queues.overflow]]
  after_s = 30
  min_proficiency = 1
  [[queues.overflow]]
  after_s = 60
  secondary_language = true

[[agents]]
name = "Olena"
languages = ["uk", "ru"]
skills = { care = 3, sales = 5 }
capacity = { phone = 1, chat = 4 }
blend = "blended"
group = "sales"
"""


def test_the_seed_floor_loads() -> None:
    floor = load_floor(SEED_FLOOR)
    assert len(floor.agents) == 28
    assert floor.languages == ("en", "es", "it", "fr", "uk", "ru", "pl")
    assert {a.shift for a in floor.agents} == {"early", "late", "night"}
    assert {a.blend for a in floor.agents} == set(BlendProfile)
    assert {q.queue.channel for q in floor.queues} >= {Channel.PHONE, Channel.CHAT,
                                                        Channel.EMAIL, Channel.TICKET,
                                                        Channel.WEB_REQUEST,
                                                        Channel.OUTBOUND_CALL}
    assert max(a.capacity.get(Channel.CHAT, 0) for a in floor.agents) == 5
    Router(floor)  # and the router accepts it


def test_base_file_is_valid() -> None:
    floor = parse_floor(BASE, "floor.toml")
    assert floor.queues[0].overflow[1].secondary_language


@pytest.mark.parametrize(
    "old, new, message",
    [
        ('language = "uk"\nsecondary', 'language = "ua"\nsecondary',
         r"floor.toml, line 10: queues\[0\] \(care-uk-phone\).language: unknown language "
         r"'ua' \(did you mean 'uk'\?\)"),
        ('skill = "care"', 'skill = "billing"',
         r"line 9: queues\[0\] \(care-uk-phone\).skill: unknown skill 'billing'"),
        ("chat = 4", "chat = 0",
         r"line 24: agents\[0\] \(Olena\).capacity.chat: capacity must be from 1 to 1000, not 0"),
        ("  after_s = 60", "  after_s = 20",
         r"line 17: queues\[0\] \(care-uk-phone\).overflow\[1\].after_s: overflow steps must "
         r"come later and later: 20 s does not follow 30 s \(the rule would loop"),
        ("  min_proficiency = 1", "  min_proficiency = 1\n  any_langauge = true",
         r"line 16: queues\[0\] \(care-uk-phone\).overflow\[0\].any_langauge: unknown key "
         r"\(did you mean 'any_language'\?\)"),
        ('group = "sales"', 'group = "night"',
         r"agents\[0\] \(Olena\).group: unknown group 'night'"),
        ("care = 3, sales = 5", "care = 7, sales = 5",
         r"agents\[0\] \(Olena\).skills.care: proficiency must be from 1 to 5, not 7"),
        ('channel = "phone"', 'channel = "fax"',
         r"line 8: queues\[0\] \(care-uk-phone\).channel: unknown channel 'fax'"),
        ('languages = ["uk", "ru"]', 'languages = ["en"]',
         r"queues\[0\] \(care-uk-phone\): no agent can take this queue"),
        ("  secondary_language = true", "  secondary_language = false",
         r"overflow\[1\]: this overflow step widens nothing"),
        ("phone = 1, chat = 4", "phone = 2, chat = 4",
         r"capacity.phone: a voice channel takes the agent whole"),
    ],
)
def test_mistakes_name_file_line_and_key(old: str, new: str, message: str) -> None:
    assert old in BASE
    with pytest.raises(ConfigError, match=message):
        parse_floor(BASE.replace(old, new, 1), "floor.toml")


def test_missing_floor_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="floor file not found"):
        load_floor(tmp_path / "nope.toml")


@pytest.mark.parametrize("old, new, message", [
    ('languages = ["uk", "ru"]', 'languages = ["uk", "uk"]', "a language is listed twice"),
    ("  after_s = 30", "  after_s = 99999999999", "after_s must be from 1 to"),
    ("  secondary_language = true", "  secondary_language = true\n  [[queues.overflow]]\n"
     "  after_s = 90\n  secondary_language = true", r"line 21: queues\[0\] \(care-uk-phone\)"
     r"\.overflow\[2\]\.secondary_language: the queue's secondary language 'ru' was reached "
     r"at overflow\[1\] already: this widens nothing"),
    ("  secondary_language = true", '  groups = ["care"]',
     "the queue is open to every group already"),
])
def test_more_mistakes(old: str, new: str, message: str) -> None:
    assert old in BASE
    with pytest.raises(ConfigError, match=message):
        parse_floor(BASE.replace(old, new, 1), "floor.toml")
