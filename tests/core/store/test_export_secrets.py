"""The export and configured secrets: every form of a secret (as written, URL-encoded,
JSON-escaped, base64 for HTTP Basic) is taken out of the free text where gateway
answers and audit details are kept; a secret anywhere else makes the export refuse,
saying the table, the column and the row, and no name (a queue, a skill) is ever
rewritten."""

from __future__ import annotations

import base64
import sqlite3
import urllib.parse
from pathlib import Path

import pytest

from core.errors import ExportError
from core.model import Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import PageChannel, PageState, Urgency
from core.model.secret import Secret
from core.store import Store
from core.store.escalation import EscalationStore, PageDraft
from core.store.export import REDACTED, export_snapshot
from tests import floor_data

PASSWORD = "пароль-2024"
SECRET = Secret(PASSWORD, "escalation.sms.password", username="floorboard")


@pytest.fixture
def floor(store: Store) -> Store:
    floor_data.populate(store)
    return store


def test_encoded_forms_in_free_text_are_scrubbed(floor: Store, tmp_path: Path) -> None:
    basic = base64.b64encode(f"floorboard:{PASSWORD}".encode()).decode()
    floor.audit("system", "gateway-check", "sms", {
        "url": f"http://127.0.0.1/x?password={urllib.parse.quote_plus(PASSWORD)}",
        "header": f"Authorization: Basic {basic}",
        "said": PASSWORD})  # stored JSON-escaped: \u043f\u0430...
    report = export_snapshot(floor, tmp_path / "out.sqlite", secrets=[SECRET])
    data = report.path.read_bytes()
    for label, form in SECRET.forms():
        assert form.encode() not in data, label
    assert report.secrets_scrubbed == 3
    with sqlite3.connect(report.path) as c:
        [detail] = c.execute("SELECT detail FROM audit WHERE action = 'gateway-check'").fetchone()
    assert detail.count(REDACTED) == 3


def test_a_common_word_secret_never_rewrites_names_and_says_where_it_is(
        floor: Store, tmp_path: Path) -> None:
    # "care" is a skill and part of two queue names of the floor.
    out = tmp_path / "out.sqlite"
    with pytest.raises(ExportError) as e:
        export_snapshot(floor, out, secrets=[Secret("care", "escalation.smtp.password")])
    message = str(e.value)
    assert "escalation.smtp.password (as written)" in message
    assert "queues.name, row 1" in message and "queues.skill, row 1" in message
    # A key that is the secret itself is not said either.
    assert "agent_skills.skill, row (agent_id, skill) = (1, [redacted])" in message
    assert "bytes)" not in message and not out.exists()


def test_a_secret_where_nothing_scrubs_it_is_named_with_its_row(floor: Store,
                                                                tmp_path: Path) -> None:
    [cid] = floor.add_complaints([Complaint(
        floor_data.T0, ComplaintCategory.HARM, ComplaintSource.AGENT, None, 1,
        "+380671234567", f"pw {urllib.parse.quote(PASSWORD)} in a note")])
    with pytest.raises(ExportError) as e:
        export_snapshot(floor, tmp_path / "out.sqlite", secrets=[SECRET])
    assert f"escalation.sms.password (URL-encoded) in complaints.note, row {cid}" in str(e.value)
    assert PASSWORD not in str(e.value)


def test_page_errors_written_before_scrubbing_at_write_are_scrubbed(floor: Store,
                                                                    tmp_path: Path) -> None:

    esc = EscalationStore(floor)
    [cid] = floor.add_complaints([Complaint(floor_data.T0, ComplaintCategory.HARM,
                                            ComplaintSource.AGENT, None, 1, None, "x")])
    pid = esc.add_page(PageDraft(cid, 0, "Manager", PageChannel.SMS, "+380501112233", "t",
                                 "K7Q2", Urgency.URGENT, floor_data.T0, floor_data.T0))
    esc.attempt(pid, floor_data.T0, "failed", f'500 {{"password": "{PASSWORD}"}}',
                state=PageState.FAILED)
    report = export_snapshot(floor, tmp_path / "out.sqlite", secrets=[SECRET])
    assert PASSWORD.encode() not in report.path.read_bytes()
    with sqlite3.connect(report.path) as c:
        names = [r[0] for r in c.execute("SELECT name FROM queues ORDER BY id")]
    assert names == [q.name for q in floor_data.QUEUES]
