"""Complaints found in the customer's words in the floor's seven languages; the page
fitted into one SMS; the escalation settings checked with file, line and key."""

from __future__ import annotations

import re

import pytest

from core.config import load_config
from core.errors import ConfigError
from core.escalation.configured import policy_from_config
from core.escalation.detect import LANGUAGES, PhraseBook
from core.escalation.message import page_text, sms_units
from core.model import ComplaintCategory as C
from core.model.escalation import PageChannel


@pytest.mark.parametrize("lang, text, category", [
    ("en", "If this is not fixed I will call my LAWYER tomorrow.", C.LEGAL_THREAT),
    ("es", "Me han cobrado dos veces este mes.", C.BILLING_ERROR),
    ("it", "È la terza volta che chiamo per lo stesso guasto.", C.REPEATED_FAILURE),
    ("fr", "Votre technicien a endommagé ma box.", C.HARM),
    ("uk", "З мене списали двічі за один місяць!", C.BILLING_ERROR),
    ("ru", "Я подам в суд, если вы не вернёте деньги.", C.LEGAL_THREAT),
    ("pl", "Mój syn jest ranny przez wasz sprzęt.", C.HARM),
])
def test_each_language_s_words_raise_their_category(lang, text, category) -> None:
    found = PhraseBook.default().find(text, lang)
    assert found is not None and (found.category, found.language) == (category, lang)


def test_every_floor_language_has_every_serious_category() -> None:
    from core.escalation.detect import DEFAULT_PHRASES
    assert set(DEFAULT_PHRASES) == set(LANGUAGES)
    for lang, phrases in DEFAULT_PHRASES.items():
        assert {C.HARM, C.BILLING_ERROR, C.LEGAL_THREAT, C.REPEATED_FAILURE} <= set(phrases), lang


def test_ordinary_words_raise_nothing_and_words_must_start_a_word() -> None:
    book = PhraseBook.default()
    assert book.find("Thanks, that solved it. Have a nice day!", "en") is None
    assert book.find("Our courtyard is lovely", "en") is None  # "court" inside a word
    # Another language than the contact's is looked in too (a customer switches).
    assert book.find("Я звернуся до юриста", "en").language == "uk"


def test_a_page_fits_one_sms_and_never_loses_the_callback_number() -> None:
    long = "Charged twice this month; " * 20
    p = page_text("billing error", "+380671234567", "Olena", long, "K7Q2", 12)
    units, limit = sms_units(p.text)
    assert p.one_sms and units <= limit == 160
    assert "Call +380671234567" in p.text and p.text.endswith("Ack: reply K7Q2")
    assert "..." in p.text
    # A name in Cyrillic makes it Unicode: 70 characters, and the summary goes first.
    p = page_text("harm", "+380671234567", "Олена", long, "K7Q2", 12)
    assert sms_units(p.text) == (len(p.text), 70) and p.one_sms
    assert p.text == "Complaint 12: HARM. Call +380671234567. Agent Олена. Ack: reply K7Q2"


def _config(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_config(path)


def test_contacts_and_rules_come_from_the_config_file(tmp_path) -> None:
    config = _config(tmp_path, """
[floor]
timezone = "Europe/Kyiv"
region = "UA"

[escalation]
resend_after_min = 3
quiet_hours = "22:00-07:00"
prank_numbers = ["0670000000"]
categories = ["harm", "legal_threat"]

[[escalation.contacts]]
name = "Manager"
reach = ["sms:+380501112233", "email:manager@example.com"]

[[escalation.contacts]]
name = "Deputy"
reach = ["ntfy:fb-deputy"]
""")
    policy = policy_from_config(config)
    assert [c.name for c in policy.contacts] == ["Manager", "Deputy"]
    assert policy.contacts[0].reach == ((PageChannel.SMS, "+380501112233"),
                                        (PageChannel.EMAIL, "manager@example.com"))
    assert policy.resend_after_ms == 180_000 and policy.quiet_hours == (1320, 420)
    assert policy.rules.prank_numbers == frozenset({"+380670000000"})
    assert policy.rules.escalating == frozenset({C.HARM, C.LEGAL_THREAT})


@pytest.mark.parametrize("body, message", [
    ('[escalation]\nquiet_hours = "22-7"\n',
     "line 2: escalation.quiet_hours: '22-7' is not a span of the day"),
    ('[escalation]\ncategories = ["harm", "fraud"]\n',
     "line 2: escalation.categories: 'fraud' is not one of harm"),
    ('[[escalation.contacts]]\nname = "Manager"\nreach = ["sms:12ab"]\n',
     "escalation.contacts: contact 1 ('Manager'): reach 'sms:12ab': an SMS goes to a "
     "number of 6-15 digits"),
    ('[[escalation.contacts]]\nname = "Manager"\nreach = ["pager:123"]\n',
     "reach 'pager:123': begin with sms:, email: or ntfy:"),
])
def test_mistakes_name_the_file_line_and_key(tmp_path, body, message) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        _config(tmp_path, body)
    assert str(tmp_path / "config.toml") in str(err.value)


def test_phrases_of_a_language_can_be_replaced_in_the_config_file(tmp_path) -> None:
    config = _config(tmp_path, '[escalation.phrases]\nen = { harm = ["burnt"], '
                               'legal_threat = ["my solicitor"] }\n')
    book = policy_from_config(config).phrases
    assert book.find("The heater burnt my hand", "en").category is C.HARM
    assert book.find("I will call my solicitor", "en").category is C.LEGAL_THREAT
    assert book.find("I will call my lawyer", "en") is None  # English replaced
    assert book.find("Я звернуся до юриста", "uk").category is C.LEGAL_THREAT
    with pytest.raises(ConfigError, match="'fraud' is not one of harm"):
        _config(tmp_path, '[escalation.phrases]\nen = { fraud = ["scam"] }\n')
