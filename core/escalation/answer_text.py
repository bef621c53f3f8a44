"""What a gateway answered, as a page's detail can keep it: short, one line, readable,
and without any form of a secret. Gateways answer with anything (a proxy's HTML
error page, a crashed CGI's binary, text in the server's own code page, the request
echoed back), and whatever is kept lands in the database, the inbox and exports."""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Iterable

from core.model.secret import scrub

#: Characters of an answer a detail keeps.
LIMIT = 160

_TAG = re.compile(r"<[^>]{0,500}>")
_UNREADABLE = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f]|\ufffd+")


def answer_text(body: bytes, secrets: Iterable[str], complete: bool = True,
                content_type: str = "", limit: int = LIMIT) -> str:
    """``body`` as one readable line of at most ``limit`` characters (and "..."), with
    every form of every secret masked; a body that is not text is described instead."""
    if not body:
        return "(an empty answer)"
    size = f"{len(body):,} bytes{'' if complete else ' or more'}"
    text = body.decode(_charset(content_type) or "utf-8", errors="replace")
    bad = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n"))
    if bad > len(text) // 10:
        return f"({size} that are not UTF-8 text)"
    secrets = list(secrets)
    # Masked before anything is unescaped, stripped or cut: each of those could split
    # a secret's form into pieces no scrub would recognise.
    text = scrub(text, secrets)
    if "<" in text and ">" in text:
        text = scrub(html.unescape(text), secrets)
        text = _TAG.sub(" ", text)
    # Once more: taking out tags and odd characters may join what was apart.
    text = scrub(" ".join(_UNREADABLE.sub(" ", text).split()), secrets)
    if len(text) > limit:
        return text[:limit].rstrip() + f"... ({size})"
    return text if complete else f"{text}... ({size})"


def _charset(content_type: str) -> str | None:
    m = re.search(r"charset=\"?([\w.:-]+)", content_type, re.IGNORECASE)
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1)).name
    except LookupError:
        return None
