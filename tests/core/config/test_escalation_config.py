"""[escalation]'s gateways and secrets at load: what cannot be sent or checked is
refused with the file, the line, the key and why; what can be sent loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import load_config
from core.errors import ConfigError


def _load(tmp_path: Path, text: str):
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return load_config(p)


def test_a_non_ascii_gateway_password_loads_and_knows_where_it_is(tmp_path: Path) -> None:
    c = _load(tmp_path, '[escalation.sms]\nurl = "http://127.0.0.1:13013/cgi-bin/sendsms"\n'
              'username = "floorboard"\npassword = "пароль2024"\n')
    [secret] = c.secret_values()
    assert secret == "пароль2024"
    assert (secret.key, secret.username) == ("escalation.sms.password", "floorboard")


@pytest.mark.parametrize("url", ["not a url at all", "ftp://127.0.0.1/sendsms", "http://",
                                 "127.0.0.1:13013/cgi-bin/sendsms", "http://host:99999/x"])
def test_a_gateway_url_that_is_not_an_http_url_is_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, f'[floor]\nregion = "UA"\n\n[escalation.sms]\nurl = "{url}"\n')
    assert str(e.value).startswith(f"{tmp_path / 'config.toml'}, line 5: escalation.sms.url: ")
    assert "http:// or https://" in str(e.value)


def test_an_ntfy_url_is_checked_too_and_no_password_goes_in_a_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 2: escalation.ntfy.url: .*http:// or https://"):
        _load(tmp_path, '[escalation.ntfy]\nurl = "ntfy.example.com"\n')
    with pytest.raises(ConfigError, match=r"line 2: escalation.sms.url: .*password = "):
        _load(tmp_path, '[escalation.sms]\nurl = "http://u:pw-in-url@127.0.0.1/x"\n')
    c = _load(tmp_path, '[escalation.ntfy]\nurl = "https://ntfy.example.com"\n')
    assert c.get("escalation.ntfy.url") == "https://ntfy.example.com"


@pytest.mark.parametrize("secret", ["1234", "care", "short7!"])
def test_a_secret_too_short_to_check_is_refused_saying_why(tmp_path: Path, secret) -> None:
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, f'[escalation.smtp]\nsender = "f@floor.example"\npassword = "{secret}"\n')
    message = str(e.value)
    assert "line 3: escalation.smtp.password: " in message
    assert "at least 8 characters" in message and secret not in message


def test_an_access_token_that_cannot_go_in_a_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 3: escalation.ntfy.token: .*ASCII") as e:
        _load(tmp_path, '[escalation.ntfy]\nurl = "http://127.0.0.1:8080"\n'
              'token = "tk_токен_доступу"\n')
    assert "токен" not in str(e.value)
    with pytest.raises(ConfigError, match=r"line 2: escalation.sms.password: .*line break"):
        _load(tmp_path, '[escalation.sms]\npassword = "two\\nlines-pass"\n')
