"""Issue 16: `floorboard pager` stopped by SIGTERM or Ctrl+C (SIGINT) at a random
moment while it delivers pages through a loopback Kannel-like gateway that counts
what reaches it: it finishes the page in flight, records it, and exits 0 within
seconds; the database is whole; started again it delivers the rest, and no page
reaches the phone twice. Killed with SIGKILL instead, at most the page in flight is
delivered twice."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from core.model.escalation import PageState
from core.store import Store
from core.store.escalation import EscalationStore
from tests.faults.whole import assert_whole, floorboard, read_only
from tests.gateways.loopback_http import LoopbackHttp, Reply, Request
from tests.gateways.pager_floor import pager_floor

COMPLAINTS = 80
#: The gateway's time per message: a round of 80 takes seconds, so a stop lands mid-round.
GATEWAY_S = 0.03
PASSWORD = "pager-fault-pass"
#: How long a stopped pager may take to exit (the page in flight, then closing).
STOP_S = 5.0


class CountingGateway:
    """Takes every message as Kannel does ("0: Accepted for delivery") and counts each
    text that reaches it."""

    def __init__(self) -> None:
        self.http = LoopbackHttp(self._answer, "/cgi-bin/sendsms")
        self.url = self.http.url

    def _answer(self, req: Request) -> Reply:
        time.sleep(GATEWAY_S)
        return Reply(202, b"0: Accepted for delivery")

    def delivered(self) -> Counter[str]:
        return Counter(r.body.decode() for r in list(self.http.requests))

    def count(self) -> int:
        return len(self.http.requests)


@pytest.fixture
def gateway():
    g = CountingGateway()
    yield g
    g.http.stop()


def _floor(tmp_path: Path, url: str) -> tuple[Path, Path]:
    db, config = tmp_path / "floor.sqlite", tmp_path / "config.toml"
    pager_floor(db, config, url, "floorboard", PASSWORD, COMPLAINTS)
    return db, config


def _pager(db: Path, config: Path) -> subprocess.Popen:
    return floorboard("pager", "--db", str(db), "--config", str(config),
                      "--listen-port", "0", "--loopback-only")


def _pages(db: Path):
    with Store.open_reader(db) as s:
        esc = EscalationStore(s)
        return [(p, [a.outcome for a in esc.attempts(p.id)]) for p in esc.pages()]


def _wait_for(what: str, ok, process: subprocess.Popen, timeout_s: float = 60) -> None:
    end = time.monotonic() + timeout_s
    while not ok():
        if process.poll() is not None:
            pytest.fail(f"the pager exited ({process.returncode}):\n"
                        f"{''.join(process.communicate())}")
        assert time.monotonic() < end, f"{what} not within {timeout_s:g} s"
        time.sleep(0.01)


def _stop_mid_delivery(db: Path, config: Path, gateway: CountingGateway, sig: int,
                       rnd: random.Random) -> tuple[int, int, subprocess.Popen, str, str]:
    """Starts a pager, signals it at a random moment of its delivering; (delivered when
    signalled, delivered after it exited, the process, its stdout and stderr)."""
    p = _pager(db, config)
    at = rnd.randint(1, COMPLAINTS // 2)
    _wait_for(f"{at} deliveries", lambda: gateway.count() >= at, p)
    time.sleep(rnd.uniform(0, GATEWAY_S))
    before = gateway.count()
    p.send_signal(sig)
    started = time.monotonic()
    out, err = p.communicate(timeout=30)
    took = time.monotonic() - started
    assert took <= STOP_S, f"the pager took {took:.1f} s to stop"
    after = gateway.count()
    assert before < COMPLAINTS, "the stop was not mid-delivery"
    return before, after, p, out, err


def _restart_until_all_sent(db: Path, config: Path) -> None:
    p = _pager(db, config)
    try:
        _wait_for("every page sent", lambda: (
            len(pages := _pages(db)) == COMPLAINTS
            and all(pg.state is PageState.SENT for pg, _ in pages)), p)
    finally:
        p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=30)
    assert p.returncode == 0, err


def _check_database(db: Path) -> None:
    assert_whole(db)
    with read_only(db) as c:
        orphans = c.execute("SELECT count(*) FROM page_attempts WHERE page_id NOT IN"
                            " (SELECT id FROM pages)").fetchone()[0]
    assert orphans == 0


@pytest.mark.parametrize(("sig", "seed"), [(signal.SIGTERM, 0), (signal.SIGINT, 2)],
                         ids=["SIGTERM-0", "SIGINT-2"])
def test_a_stopped_pager_finishes_the_page_in_flight_and_none_is_sent_twice(
        tmp_path, gateway, sig, seed) -> None:
    db, config = _floor(tmp_path, gateway.url)
    before, after, p, out, err = _stop_mid_delivery(db, config, gateway, sig,
                                                     random.Random(seed))
    name = {signal.SIGTERM: "SIGTERM", signal.SIGINT: "Ctrl+C"}[sig]
    assert p.returncode == 0, err
    assert "Traceback" not in err
    assert f"floorboard pager: stopped ({name})" in out, out
    # Between pages, not at the end of the round: at most the page in flight went on.
    assert after - before <= 1, f"{after - before} pages went out after the stop"
    _check_database(db)
    pages = _pages(db)
    sent = [pg for pg, _ in pages if pg.state is PageState.SENT]
    assert len(sent) == after, "a page the gateway took is not recorded as sent"
    assert all(not outcomes or outcomes[-1] != "sending" for _, outcomes in pages), \
        "a try was left without its outcome"
    _restart_until_all_sent(db, config)
    _check_database(db)
    delivered = gateway.delivered()
    assert set(delivered) == {pg.text for pg, _ in _pages(db)}
    assert max(delivered.values()) == 1, "a page reached the phone twice"


@pytest.mark.parametrize("seed", [3])
def test_a_killed_pager_loses_no_page_and_repeats_at_most_the_one_in_flight(
        tmp_path, gateway, seed) -> None:
    _killed_and_resumed(tmp_path, gateway, seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 20))
def test_many_stops_and_kills_at_random_moments(tmp_path, gateway, seed) -> None:
    rnd = random.Random(seed)
    if rnd.random() < 0.5:
        _killed_and_resumed(tmp_path, gateway, seed)
        return
    db, config = _floor(tmp_path, gateway.url)
    sig = rnd.choice([signal.SIGTERM, signal.SIGINT])
    before, after, p, _, err = _stop_mid_delivery(db, config, gateway, sig, rnd)
    assert p.returncode == 0 and after - before <= 1, err
    _check_database(db)
    _restart_until_all_sent(db, config)
    assert max(gateway.delivered().values()) == 1


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_asked_twice_the_pager_stops_at_once_and_leaves_a_whole_database(
        tmp_path, sig) -> None:
    from tests.faults.rude_servers import RawServer, never_answers

    with RawServer(never_answers) as silent:
        db, config = _floor(tmp_path, silent.url)
        p = _pager(db, config)
        _wait_for("the gateway asked", lambda: silent.connections > 0, p)
        p.send_signal(sig)
        time.sleep(0.2)
        p.send_signal(sig)
        started = time.monotonic()
        _, err = p.communicate(timeout=30)
        took = time.monotonic() - started
    assert took < STOP_S
    if sig == signal.SIGINT:
        assert p.returncode == 130 and "Traceback" not in err, err
        assert "stopped at once (Ctrl+C twice)" in err
    else:
        assert p.returncode == -signal.SIGTERM
    _check_database(db)


@pytest.mark.slow
def test_a_pager_stopped_while_the_gateway_never_answers_stops_at_its_deadline(
        tmp_path) -> None:
    # The page in flight waits for the gateway's deadline (10 s), no longer; it is
    # recorded as worth another try, not left "sending".
    from core.escalation.gateways import TIMEOUT_S
    from tests.faults.rude_servers import RawServer, never_answers

    with RawServer(never_answers) as silent:
        db, config = _floor(tmp_path, silent.url)
        p = _pager(db, config)
        _wait_for("the gateway asked", lambda: silent.connections > 0, p)
        p.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, err = p.communicate(timeout=60)
        took = time.monotonic() - started
    assert p.returncode == 0, err
    assert took <= TIMEOUT_S + STOP_S, f"the pager took {took:.1f} s to stop"
    _check_database(db)
    tried = [(pg, o) for pg, o in _pages(db) if o]
    assert len(tried) == 1 and tried[0][1] == ["sending", "retry"], tried
    assert "no answer from the gateway within 10 s" in tried[0][0].last_error


def _killed_and_resumed(tmp_path: Path, gateway: CountingGateway, seed: int) -> None:
    db, config = _floor(tmp_path, gateway.url)
    _, _, p, _, _ = _stop_mid_delivery(db, config, gateway, signal.SIGKILL,
                                       random.Random(seed))
    assert p.returncode == -signal.SIGKILL
    _check_database(db)
    _restart_until_all_sent(db, config)
    _check_database(db)
    delivered = gateway.delivered()
    pages = _pages(db)
    assert set(delivered) == {pg.text for pg, _ in pages}, "a page was lost"
    twice = [t for t, n in delivered.items() if n > 1]
    assert len(twice) <= 1 and all(n <= 2 for n in delivered.values())
    for t in twice:  # the one in flight, with two tries to show it
        [outcomes] = [o for pg, o in pages if pg.text == t]
        assert outcomes.count("sending") == 2
