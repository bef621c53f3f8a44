"""The pager: the sender loop running on its own thread, reading through the floor's
readers and writing through its writer, with the loopback listener for delivery
reports and replies. The desktop app runs
one beside the floor; ``floorboard pager`` runs one alone (a server without a
screen). Everything it does is in the database, so a pager started again after a
crash carries on from the outbox."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable

from core.clock import now_ms
from core.config import Config
from core.escalation.configured import gateways_from_config, policy_from_config
from core.escalation.escalator import Escalator
from core.escalation.listener import Listener
from core.escalation.sender import Sender
from core.floor.escalation_db import FloorEscalationDb
from core.floor.floor import Floor
from core.model.secret import scrub

log = logging.getLogger(__name__)
TICK_S = 1.0


class Pager:
    def __init__(self, floor: Floor, config: Config, listen_port: int | None = None,
                 loopback_only: bool = False, tick_s: float = TICK_S) -> None:
        self.floor, self.config, self.tick_s = floor, config, tick_s
        port = config.get("escalation.listener.port") if listen_port is None else listen_port
        self.listener = Listener(port=port)
        self.gateways = gateways_from_config(config, loopback_only)
        self.policy = policy_from_config(config)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0
        self.error: str | None = None

    def warnings(self) -> list[str]:
        """What the pager will not do as configured, to say at its start."""
        where = self.config.path or "the configuration (no config file: the defaults)"
        if not self.policy.contacts:
            return [f"no [[escalation.contacts]] in {where}: complaints are triaged, but "
                    "nobody is paged (each valid complaint's decision says so). Add "
                    "contacts, each with a name and reach (docs/escalation.md)."]
        out = []
        for contact in self.policy.contacts:
            for channel, address in contact.reach:
                if channel not in self.gateways:
                    section = {"sms": "[escalation.sms] url", "email":
                               "[escalation.smtp] sender", "ntfy": "[escalation.ntfy] url"}
                    out.append(f"{contact.name} is reached by {channel.value} "
                               f"({address}), but {where} sets no "
                               f"{section[channel.value]}: those pages fail, and the "
                               "next way is paged.")
        return out

    def run(self, stop_requested: Callable[[], bool] | None = None) -> None:
        """Rounds until ``stop`` (or ``stop_requested`` says so: a flag a signal handler
        sets); a round that fails is logged and the next one tries again (a pager that
        stops on an error pages nobody). Either stop waits for the page in flight,
        never for the rest of the round."""
        def stopping() -> bool:
            return self._stop.is_set() or (stop_requested is not None and stop_requested())

        self.listener.start()
        report = f"{self.listener.base_url}/dlr?page={{page}}&type=%d"
        sender = Sender(Escalator(None, self.policy, self.config.get("floor.region"),
                                  db=FloorEscalationDb(self.floor)),
                        self.gateways, report_url=report, inbox=self.listener)
        try:
            while not stopping():
                try:
                    sender.run_once(now_ms(), stopping=stopping)
                    self.error = None
                except Exception as exc:
                    self.error = scrub(f"{type(exc).__name__}: {exc}", sender.secrets)
                    log.error("pager round failed: %s",
                              scrub(traceback.format_exc(), sender.secrets))
                self.rounds += 1
                self._rest(stopping)
        finally:
            self.listener.stop()

    def _rest(self, stopping: Callable[[], bool]) -> None:
        """The wait between rounds, in short steps that look at the flag. A signal
        handler must not set the Event: it runs on this thread, and would deadlock on
        the Event's lock if the signal landed while ``wait`` held it."""
        end = time.monotonic() + self.tick_s
        while not stopping() and (left := end - time.monotonic()) > 0:
            self._stop.wait(min(left, 0.1))

    def start(self) -> Pager:
        self._thread = threading.Thread(target=self.run, name="pager", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
