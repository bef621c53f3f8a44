"""Saving settings into the config file: in place, comments and other keys kept, a
value that would not load refused with the file untouched."""

from __future__ import annotations

import re

import pytest

from core.config import channel_targets_s, load_config
from core.config.writer import save_settings
from core.errors import ConfigError
from core.model import Channel

WRITTEN = """\
# The floor in Kyiv; written by hand.
[floor]
timezone = "Europe/Kyiv"   # our clock

[wallboard]
sl_green = 0.85            # the client's contract
tv_page_s = 20
"""


def test_changed_keys_are_set_in_place_and_the_rest_is_kept(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(WRITTEN)
    config = save_settings(path, {"wallboard.sl_green": 0.9, "wallboard.sl_amber": 0.7,
                                  "targets.phone_s": 30, "targets.email_s": 7200})
    text = path.read_text()
    assert "# The floor in Kyiv; written by hand." in text
    assert 'timezone = "Europe/Kyiv"   # our clock' in text
    assert "sl_green = 0.9            # the client's contract" in text
    assert "tv_page_s = 20" in text
    assert text.index("[wallboard]") < text.index("[targets]")
    assert config.path == path and config == load_config(path)
    assert (config.get("wallboard.sl_green"), config.get("wallboard.sl_amber")) == (0.9, 0.7)
    assert channel_targets_s(config) == {Channel.PHONE: 30, Channel.EMAIL: 7200}
    # None takes a key out: its default applies again.
    config = save_settings(path, {"targets.phone_s": None})
    assert channel_targets_s(config) == {Channel.EMAIL: 7200}
    assert "phone_s" not in path.read_text()


def test_a_missing_file_is_made_with_its_folder(tmp_path) -> None:
    path = tmp_path / "new" / "config.toml"
    config = save_settings(path, {"targets.chat_s": 10, "wallboard.tv_page_s": 30})
    assert channel_targets_s(load_config(path)) == {Channel.CHAT: 10}
    assert config.get("wallboard.tv_page_s") == 30
    assert config.get("floor.timezone") == "UTC"  # the rest: defaults


@pytest.mark.parametrize("updates, message", [
    ({"wallboard.sl_amber": 0.9}, "amber must not be above green"),
    ({"targets.phone_s": 0}, "targets.phone_s: 0 s is outside 1..604800"),
    ({"wallboard.sl_green": 1.5}, "not a fraction between 0 and 1"),
])
def test_a_value_that_would_not_load_is_refused_and_the_file_kept(tmp_path, updates,
                                                                  message) -> None:
    path = tmp_path / "config.toml"
    path.write_text(WRITTEN)
    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        save_settings(path, updates)
    assert str(path) in str(err.value) and ", line " in str(err.value)
    assert path.read_text() == WRITTEN
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no leftovers


def test_a_broken_file_is_not_overwritten(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[wallboard\nsl_green = 0.8\n")
    with pytest.raises(ConfigError, match=r"not valid TOML.*correct it"):
        save_settings(path, {"wallboard.sl_green": 0.9})
    assert path.read_text() == "[wallboard\nsl_green = 0.8\n"


def test_unknown_keys_are_a_programming_error(tmp_path) -> None:
    with pytest.raises(ValueError, match=re.escape("no configuration key 'wallboard.colour'")):
        save_settings(tmp_path / "c.toml", {"wallboard.colour": "red"})
