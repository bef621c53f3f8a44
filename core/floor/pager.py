"""The pager: the sender loop running on its own thread, reading through the floor's
readers and writing through its writer, with the loopback listener for delivery
reports and replies. The desktop app runs
one beside the floor; ``floorboard pager`` runs one alone (a server without a
screen). Everything it does is in the database, so a pager started again after a
crash carries on from the outbox."""

from __future__ import annotations

import logging
import threading

from core.clock import now_ms
from core.config import Config
from core.escalation.configured import gateways_from_config, policy_from_config
from core.escalation.escalator import Escalator
from core.escalation.listener import Listener
from core.escalation.sender import Sender
from core.floor.escalation_db import FloorEscalationDb
from core.floor.floor import Floor

log = logging.getLogger(__name__)
TICK_S = 1.0


class Pager:
    def __init__(self, floor: Floor, config: Config, listen_port: int | None = None,
                 loopback_only: bool = False, tick_s: float = TICK_S) -> None:
        self.floor, self.config, self.tick_s = floor, config, tick_s
        port = config.get("escalation.listener.port") if listen_port is None else listen_port
        self.listener = Listener(port=port)
        self.gateways = gateways_from_config(config, loopback_only)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0
        self.error: str | None = None

    def run(self) -> None:
        """Rounds until ``stop``; a round that fails is logged and the next one tries
        again (a pager that stops on an error pages nobody)."""
        self.listener.start()
        report = f"{self.listener.base_url}/dlr?page={{page}}&type=%d"
        sender = Sender(Escalator(None, policy_from_config(self.config),
                                  self.config.get("floor.region"),
                                  db=FloorEscalationDb(self.floor)),
                        self.gateways, report_url=report, inbox=self.listener)
        while not self._stop.is_set():
            try:
                sender.run_once(now_ms())
                self.error = None
            except Exception as exc:
                self.error = f"{type(exc).__name__}: {exc}"
                log.exception("pager round failed")
            self.rounds += 1
            self._stop.wait(self.tick_s)
        self.listener.stop()

    def start(self) -> Pager:
        self._thread = threading.Thread(target=self.run, name="pager", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
