"""A floor for pager tests: one manager paged by SMS through ``url``, and ``count``
valid (harm) complaints waiting to be triaged and paged."""

from __future__ import annotations

import time
from pathlib import Path

from core.model import Agent, Complaint, ComplaintCategory, ComplaintSource
from core.store import Store


def pager_floor(db: Path, config: Path, url: str, username: str, password: str,
                count: int, extra_floor: str = "", extra_sms: str = "") -> None:
    config.write_text(f"""[floor]
{extra_floor}region = "UA"

[escalation]
resend_after_min = 60

[[escalation.contacts]]
name = "Manager"
reach = ["sms:+380501112233"]

[escalation.sms]
url = "{url}"
username = "{username}"
password = "{password}"
{extra_sms}""")
    now = int(time.time() * 1000)
    with Store.open(db) as store:
        store.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
        store.add_complaints([Complaint(now, ComplaintCategory.HARM, ComplaintSource.AGENT,
                                        None, 1, f"+3806710{i:05d}", f"case {i}")
                              for i in range(count)])
