"""What a page keeps of a gateway's answer: one short readable line, no secret in any
form, a body that is not text described instead of copied."""

from __future__ import annotations

from core.escalation.answer_text import LIMIT, answer_text
from core.model.secret import Secret

SECRET = Secret('pa ss"w/&+x', "escalation.sms.password", "floorboard")


def test_an_html_error_page_is_its_words_on_one_line() -> None:
    page = b"<html>\n<head><title>502</title></head>\n<body><h1>Bad   Gateway</h1></body></html>"
    assert answer_text(page, []) == "502 Bad Gateway"


def test_a_long_answer_is_cut_and_says_how_long_it_was() -> None:
    text = answer_text(b"x" * 70_000, [], complete=False)
    assert text.startswith("x" * LIMIT) and text.endswith("... (70,000 bytes or more)")


def test_the_charset_the_gateway_names_is_used_and_binary_is_described() -> None:
    said = "Помилка: шлюз недоступний".encode("cp1251")
    assert answer_text(said, [], content_type="text/plain; charset=windows-1251") == (
        "Помилка: шлюз недоступний")
    assert answer_text(said, []) == "(25 bytes that are not UTF-8 text)"
    assert answer_text(bytes(range(256)), []) == "(256 bytes that are not UTF-8 text)"
    assert answer_text(b"", []) == "(an empty answer)"


def test_a_secret_is_masked_before_anything_is_cut_or_unescaped() -> None:
    # Cut first, the secret's start would stay; unescaped first, a tag could split it.
    body = ("y" * (LIMIT - 4) + str(SECRET) + "z" * 100).encode()
    assert answer_text(body, [SECRET]).startswith("y" * (LIMIT - 4) + "***z")
    escaped = b"<pre>password=pa ss&quot;w/&amp;+x</pre>"
    assert answer_text(escaped, [SECRET]) == "password=***"
