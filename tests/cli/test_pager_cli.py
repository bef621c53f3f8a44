"""`floorboard pager` as a user starts it: with no contacts configured it says at once
that nobody would be paged, and still triages, recording that nobody was paged."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from core.model import Agent, Complaint, ComplaintCategory, ComplaintSource
from core.model.escalation import Verdict
from core.store import Store
from core.store.escalation import EscalationStore
from tests.conftest import REPO


def test_a_pager_with_no_contacts_says_nobody_would_be_paged(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    config = tmp_path / "config.toml"
    config.write_text('[floor]\nregion = "UA"\n')
    with Store.open(db) as s:
        s.add_agents([Agent(1, "Olena", ("uk",), (), {}, "early")])
        [cid] = s.add_complaints([Complaint(
            int(time.time() * 1000), ComplaintCategory.HARM, ComplaintSource.AGENT, None, 1,
            "+380671234567", "Engineer left the box damaged.")])
    p = subprocess.Popen([sys.executable, "-m", "desktop.cli", "pager", "--db", str(db),
                          "--config", str(config), "--listen-port", "0"], cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().startswith("floorboard pager: listening on ")
        end = time.monotonic() + 30
        decided = None
        while decided is None and time.monotonic() < end:
            with Store.open_reader(db) as s:
                decided = EscalationStore(s).verdict(cid)
            time.sleep(0.1)
        p.send_signal(signal.SIGTERM)
        _out, err = p.communicate(timeout=30)
    finally:
        p.kill()
        p.wait()
    assert p.returncode == 0, err
    assert (f"floorboard pager: no [[escalation.contacts]] in {config}: complaints are "
            "triaged, but nobody is paged") in err, err
    assert decided.verdict is Verdict.VALID and decided.reasons[-1].startswith("nobody paged")
