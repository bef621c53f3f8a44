"""Configuration: defaults, validation errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import defaults, load_config
from core.errors import ConfigError

GOOD = """\
[floor]
name = "Kyiv multilingual floor"
timezone = "Europe/Kyiv"
region = "UA"

[escalation.sms]
url = "http://127.0.0.1:13013/cgi-bin/sendsms"
username = "floorboard"
password = "s3cret-kannel"

[escalation.smtp]
port = 2525
password = "mail-pass"
"""


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_fills_defaults_and_knows_its_secrets(tmp_path: Path) -> None:
    c = load_config(_write(tmp_path, GOOD))
    assert c.get("floor.timezone") == "Europe/Kyiv"
    assert c.get("escalation.smtp.port") == 2525
    assert c.get("escalation.smtp.host") == "127.0.0.1"  # default
    assert c.get("store.path") is None
    assert sorted(c.secret_values()) == ["mail-pass", "s3cret-kannel"]


def test_no_file_means_defaults() -> None:
    assert load_config(None).values == defaults().values
    assert defaults().secret_values() == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[floor]\nname = "x"\ntimezon = "UTC"\n',
         r"line 3: floor.timezon: unknown key \(did you mean 'timezone'\?\)"),
        ('[flor]\nname = "x"\n', r"line 1: \[flor\]: unknown section \(did you mean \[floor\]\?\)"),
        ('[escalation.smtp]\nhost = "h"\nport = "25"\n',
         r"line 3: escalation.smtp.port: expected a port number \(1 to 65535\), got str '25'"),
        ('[escalation.smtp]\nport = true\n',
         r"line 2: escalation.smtp.port: expected a port number \(1 to 65535\), got true "
         r"\(a yes/no value\)"),
        ('[escalation.smtp]\nport = 70000\n', r"line 2: escalation.smtp.port: port 70000"),
        ('[floor]\n\ntimezone = "Europe/Kiev-ish"\n',
         r"line 3: floor.timezone: unknown time zone 'Europe/Kiev-ish'"),
        ('[floor]\nregion = "ua"\n', r"line 2: floor.region: 'ua' is not a two-letter"),
        ('[floor]\nname = \n', r"not valid TOML: .*line 2"),
        ('floor.name = 3\n', r"line 1: floor.name: expected str"),
        ('[wallboard]\nsl_green = 80\n', r"line 2: wallboard.sl_green: 80 is not a fraction"),
        ('[wallboard]\nsl_green = "high"\n',
         r"line 2: wallboard.sl_green: expected a fraction between 0 and 1, got str"),
        ('[wallboard]\nsl_green = 0.5\nsl_amber = 0.7\n',
         r"line 3: wallboard.sl_amber: 0.7 is above sl_green \(0.5\)"),
        ('[wallboard]\ntv_page_s = 0\n', r"line 2: wallboard.tv_page_s: 0 s is outside"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=expected) as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
