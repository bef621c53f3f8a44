"""A gateway that echoes the password back in its answer, URL-encoded or JSON-escaped
(a local HTTP server that answers as a careless one does): the page's last error and
its attempts keep no form of it, and neither does an export of the database."""

from __future__ import annotations

import json
import sqlite3
import urllib.parse

import pytest

from core.config import load_config
from core.config.escalation import parse_contacts
from core.escalation.configured import gateways_from_config
from core.escalation.escalator import Escalator
from core.escalation.policy import EscalationPolicy
from core.escalation.sender import Sender
from core.model import Agent, Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import PageChannel, PageState
from core.store.export import export_snapshot
from tests.gateways.loopback_http import LoopbackHttp, Reply, Request

#: One that is not ASCII, and one that is but that URLs and JSON escape.
PASSWORDS = ["пароль 2024/&+x", 'pa ss"w/&+x\\9']
T0 = 1_795_000_000_000


def _echo(how: str) -> LoopbackHttp:
    """Answers 500 with the password it was sent, as ``how`` encodes it."""

    def answer(req: Request) -> Reply:
        sent = req.header_utf8("X-Kannel-Password")
        body = (f"bad request: ?username=floorboard&password="
                f"{urllib.parse.quote_plus(sent)}" if how == "url" else
                json.dumps({"error": "auth", "password": sent}) if how == "json" else
                f"refused {urllib.parse.quote(sent)}")
        return Reply(500, body.encode())

    return LoopbackHttp(answer, "/cgi-bin/sendsms")


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("how", ["url", "json", "quote"])
def test_an_echoed_password_is_kept_out_of_the_pages_and_the_export(store, tmp_path, how,
                                                                    password) -> None:
    echo = _echo(how)
    try:
        path = tmp_path / "config.toml"
        path.write_text(f'[escalation.sms]\nurl = "{echo.url}"\nusername = "floorboard"\n'
                        f"password = '{password}'\n", encoding="utf-8")
        config = load_config(path)
        store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
        [cid] = store.add_complaints([Complaint(
            T0, ComplaintCategory.HARM, ComplaintSource.AGENT, None, 1, "+380671234567",
            "Engineer left the box damaged.")])
        policy = EscalationPolicy(parse_contacts([{"name": "Manager",
                                                   "reach": ["sms:+380501112233"]}]))
        sender = Sender(Escalator(store, policy, "UA"),
                        gateways_from_config(config, loopback_only=True))
        sender.run_once(T0)
    finally:
        echo.stop()
    [page] = sender.db.pages(cid)
    assert page.channel is PageChannel.SMS and page.state is PageState.PENDING
    assert page.last_error.startswith("500 ") and "***" in page.last_error
    [secret] = config.secret_values()
    recorded = page.last_error + " ".join(a.detail for a in sender.db.attempts(page.id))
    for _label, form in secret.forms():
        assert form not in recorded, _label
    out = export_snapshot(store, tmp_path / "out.sqlite", secrets=config.secret_values()).path
    data = out.read_bytes()
    for _label, form in secret.forms():
        assert form.encode() not in data, _label
    with sqlite3.connect(out) as c:
        assert c.execute("SELECT last_error FROM pages").fetchone()[0] == page.last_error
