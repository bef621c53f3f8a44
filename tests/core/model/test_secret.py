"""A configured secret and the forms in which it can leave: as written, percent-encoded,
JSON-escaped and base64 (HTTP Basic, SMTP AUTH); scrubbing takes out every form."""

from __future__ import annotations

import base64
import json
import re
import urllib.parse

from hypothesis import given, settings
from hypothesis import strategies as st

from core.model.secret import MASK, Secret, scrub

PASSWORD = "пароль 2024/&+\"x"


def test_every_form_of_the_secret_is_scrubbed() -> None:
    s = Secret(PASSWORD, "escalation.sms.password", username="floorboard")
    basic = base64.b64encode(f"floorboard:{PASSWORD}".encode()).decode()
    forms = [PASSWORD, urllib.parse.quote(PASSWORD, safe=""), urllib.parse.quote(PASSWORD),
             urllib.parse.quote_plus(PASSWORD), urllib.parse.quote(PASSWORD).lower(),
             json.dumps(PASSWORD)[1:-1], json.dumps(PASSWORD, ensure_ascii=False)[1:-1],
             re.sub(r"\\u[0-9a-f]{4}", lambda m: "\\u" + m.group(0)[2:].upper(),
                    json.dumps(PASSWORD)[1:-1]), basic, basic.rstrip("=")]
    for form in forms:
        text = f"403 Forbidden: password={form}; try again"
        assert scrub(text, [s]) == f"403 Forbidden: password={MASK}; try again", form
    assert s == PASSWORD and s.key == "escalation.sms.password"


def test_the_labels_say_which_form_without_the_value() -> None:
    s = Secret("s3cret-kannel", "escalation.sms.password", username="floorboard")
    labels = dict((form, label) for label, form in s.forms())
    assert labels["s3cret-kannel"] == "as written"
    assert labels[base64.b64encode(b"floorboard:s3cret-kannel").decode().rstrip("=")] == (
        "base64 with the username (HTTP Basic)")
    assert all("s3cret" not in label for label in labels.values())


def test_plain_strings_are_secrets_too_and_text_without_one_is_left_alone() -> None:
    assert scrub("gateway unreachable (ConnectError)", ["s3cret-kannel"]) == (
        "gateway unreachable (ConnectError)")
    assert scrub("x s3cret-kannel y", ["s3cret-kannel"]) == f"x {MASK} y"
    assert scrub("nothing", []) == "nothing"


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=8, max_size=24).filter(lambda t: t.strip() == t and "\x00" not in t))
def test_no_encoding_of_any_password_survives_a_scrub(password: str) -> None:
    s = Secret(password, "escalation.smtp.password", username="me")
    for _label, form in s.forms():
        assert form not in scrub(f"[{form}]", [s]).replace(MASK, "")
