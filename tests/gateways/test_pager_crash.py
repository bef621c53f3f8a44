"""`floorboard pager` killed with SIGKILL in the middle of delivering pages through a
real Kannel gateway: started again, it carries on from the outbox, and every valid
complaint reaches the phone. A page in flight at the kill may arrive twice; its
attempts show two tries, and its text and code are the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from core.model.escalation import PageState
from core.store import Store
from core.store.escalation import EscalationStore
from tests.conftest import REPO
from tests.gateways import kannel as K
from tests.gateways.pager_floor import pager_floor

pytestmark = pytest.mark.skipif(not K.installed(), reason="Kannel is not installed "
                                "(make test installs kannel and kannel-extras)")

COMPLAINTS = 300
PASSWORD = "pager-gw-pass"


def _pager(db, config, port) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop.cli", "pager", "--db", str(db), "--config",
         str(config), "--listen-port", str(port), "--loopback-only"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_a_killed_pager_resumes_from_the_outbox_and_loses_no_complaint(tmp_path) -> None:
    port = K.free_port()
    k = K.Kannel(tmp_path, PASSWORD, mo_url=f"http://127.0.0.1:{port}/mo").start()
    db, config = tmp_path / "floor.sqlite", tmp_path / "config.toml"
    pager_floor(db, config, k.sendsms_url, K.USERNAME, PASSWORD, COMPLAINTS,
                extra_floor='timezone = "Europe/Kyiv"\n', extra_sms='sender = "Floorboard"\n')
    first = _pager(db, config, port)
    try:
        end = time.monotonic() + 30
        while len(k.received()) < 20 and time.monotonic() < end:
            time.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        got_before = len(k.received())
        assert 0 < got_before < COMPLAINTS, "the kill was not mid-delivery"
        second = _pager(db, config, port)
        try:
            with Store.open(db) as store:
                esc = EscalationStore(store)

                def done() -> bool:
                    return all(p.state in (PageState.SENT, PageState.DELIVERED)
                               for p in esc.pages()) and len(esc.pages()) == COMPLAINTS

                end = time.monotonic() + 60
                while not done() and time.monotonic() < end:
                    time.sleep(0.2)
                assert done(), "not every page went out after the restart"
                pages = esc.pages()
                tries = {p.id: [a.outcome for a in esc.attempts(p.id)] for p in pages}
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(10)
        end = time.monotonic() + 10
        while len(k.received()) < COMPLAINTS and time.monotonic() < end:
            time.sleep(0.1)
        texts = [m.split(" text ", 1)[1].rstrip(">") for m in k.received()]
    finally:
        k.stop()
    # Every complaint on the phone; at most the page in flight at the kill twice.
    by_complaint = {p.complaint_id: p.text for p in pages}
    assert set(texts) == set(by_complaint.values())
    twice = [t for t in set(texts) if texts.count(t) > 1]
    assert len(texts) - len(set(texts)) == len(twice) <= 1
    resent = [pid for pid, outcomes in tries.items() if outcomes.count("sending") > 1]
    assert len(resent) <= 1
    for t in twice:  # a duplicate is the one with two tries, recognisable as such
        [page] = [p for p in pages if p.text == t]
        assert tries[page.id].count("sending") == 2
