"""The page's words: category, the customer's callback number, the agent, a short
summary and the acknowledgement code, fitted into one SMS where possible (160 GSM
characters; 70 when a name needs Unicode)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

# GSM 03.38: the basic set (one unit each) and the extension (two units each).
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOP"
    "QRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXT = set("^{}\\[~]|€\f")
GSM_LIMIT, UCS2_LIMIT = 160, 70
#: Codes a manager can read out and type on a phone: no 0/O or 1/I.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def sms_units(text: str) -> tuple[int, int]:
    """(length in its encoding's units, the one-SMS limit of that encoding)."""
    if all(c in _GSM_BASIC or c in _GSM_EXT for c in text):
        return sum(2 if c in _GSM_EXT else 1 for c in text), GSM_LIMIT
    # UCS-2: characters outside the basic plane take two units.
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text), UCS2_LIMIT


def ack_code(length: int = 4) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class PageText:
    text: str
    one_sms: bool


def _fits(text: str) -> bool:
    units, limit = sms_units(text)
    return units <= limit


def page_text(category: str, callback: str | None, agent: str | None, summary: str,
              code: str, complaint_id: int) -> PageText:
    """The page: what must be there comes first and is never cut (category, callback
    number, agent, how to acknowledge); the summary gets the room that is left, cut
    at a word, and goes if there is none."""
    head = f"Complaint {complaint_id}: {category.upper()}. Call {callback or 'no number'}"
    head += f". Agent {agent}." if agent else "."
    tail = f" Ack: reply {code}"
    words = " ".join(summary.split()).split(" ") if summary.strip() else []
    # The longest run of the summary's first words that still fits.
    for n in range(len(words), 0, -1):
        part = " ".join(words[:n]).rstrip(" ,.;:")
        text = f"{head} {part}{'' if n == len(words) else '...'}{tail}"
        if _fits(text):
            return PageText(text, True)
    text = head + tail
    return PageText(text, _fits(text))
