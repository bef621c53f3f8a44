"""The window never runs a statement on the GUI thread: every read and write goes
through tasks and the floor's writer. Checked with apsw's exec tracer on every
connection the process opens, which records the thread each statement runs on."""

from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo

import apsw
import pytest
from PySide6.QtWidgets import QInputDialog

from core.config import load_config
from core.escalation.configured import policy_from_config
from core.escalation.escalator import Escalator
from core.floor.escalation_db import FloorEscalationDb
from core.model import Channel, Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import Verdict

TZ = "Europe/Kyiv"


@pytest.fixture
def statements(monkeypatch):
    """(thread id, SQL) of every statement run on a connection opened from now on."""
    seen: list[tuple[int, str]] = []
    lock = threading.Lock()

    def trace(_cursor, sql: str, _bindings) -> bool:
        with lock:
            seen.append((threading.get_ident(), sql))
        return True

    def hook(connection: apsw.Connection) -> None:
        connection.exec_trace = trace

    monkeypatch.setattr(apsw, "connection_hooks", [*apsw.connection_hooks, hook])
    return seen


def test_a_busy_window_runs_no_sql_on_the_gui_thread(qtbot, app, floor_of, db_path,
                                                      tmp_path, statements,
                                                      monkeypatch) -> None:
    config_path = tmp_path / "config.toml"
    config_path.write_text(f'[floor]\ntimezone = "{TZ}"\nregion = "UA"\n'
                           '[[escalation.contacts]]\nname = "Manager"\n'
                           'reach = ["sms:+380501112233"]\n')
    config = load_config(config_path)
    ten = dt.datetime.combine(dt.datetime.now(zoneinfo.ZoneInfo(TZ)).date(), dt.time(10),
                              zoneinfo.ZoneInfo(TZ))
    window = app(config=config, scenario="normal_day_28", speed=600, timezone=TZ,
                 clock_ms=int(ten.timestamp() * 1000), settings_path=config_path)
    floor = floor_of(db_path)
    gui = threading.get_ident()
    qtbot.waitUntil(lambda: window.wallboard.latest is not None, timeout=30_000)
    # A serious complaint, triaged as the pager would on a thread of its own: one to
    # acknowledge. (Floor.write runs it on the writer thread.)
    floor.write(lambda s: s.add_complaints([Complaint(
        int(time.time() * 1000), ComplaintCategory.HARM, ComplaintSource.AGENT, None, None,
        "+380671234567", "Engineer left the box damaged.")]))
    escalator = Escalator(None, policy_from_config(config), "UA", db=FloorEscalationDb(floor))
    triage = threading.Thread(target=lambda: escalator.triage_new(int(time.time() * 1000)))
    triage.start()
    triage.join(30)
    end = time.monotonic() + 10
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(300)
    window.tabs.setCurrentWidget(window.reports)
    with qtbot.waitSignal(window.reports.shown, timeout=30_000):
        window.reports.run_button.click()
    window.tabs.setCurrentWidget(window.inbox)
    window.inbox.refresh()
    qtbot.waitUntil(lambda: any(r.acked_ms is None and r.verdict is Verdict.VALID
                                for r in window.inbox.model.rows), timeout=20_000)
    valid = next(r.complaint_id for r in window.inbox.model.rows
                 if r.verdict is Verdict.VALID)
    window.inbox.select(valid)
    qtbot.waitUntil(lambda: window.inbox.ack_button.isEnabled(), timeout=10_000)
    window.inbox.ack_button.click()
    qtbot.waitUntil(lambda: any(r.complaint_id == valid and r.acked_ms is not None
                                for r in window.inbox.model.rows), timeout=10_000)
    # Settings saved, as from the dialog.
    window.open_settings()
    qtbot.waitUntil(lambda: window.settings_dialog is not None, timeout=10_000)
    phone = window.settings_dialog.targets[Channel.PHONE]
    phone.set_here.setChecked(True)
    phone.seconds.setValue(15)
    assert window.settings_dialog.save()
    window.tabs.setCurrentWidget(window.agents)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))
    while time.monotonic() < end:
        qtbot.wait(200)
    on_gui = [sql for thread, sql in statements if thread == gui]
    assert on_gui == []
    assert len(statements) > 100  # the tracer saw the floor's work
    assert "phone_s = 15" in config_path.read_text()
