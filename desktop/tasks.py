"""The window's task manager: work that touches the database runs off the GUI thread
(a thread pool), and its answer comes back on the GUI thread through a signal
(Anki's QueryOp / CollectionOp). The window itself never runs a statement."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Relay(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, relay: _Relay, ticket: int, work: Callable[[], object]) -> None:
        super().__init__()
        self._relay, self._ticket, self._work = relay, ticket, work

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # reported on the GUI thread; the app goes on
            log.exception("a background task failed")
            self._relay.failed.emit(self._ticket, f"{type(exc).__name__}: {exc}")
            return
        self._relay.done.emit(self._ticket, result)


class Tasks(QObject):
    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._relay.failed.connect(self._failed)
        self._ticket = 0
        self._waiting: dict[int, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}

    def run(self, work: Callable[[], T], done: Callable[[T], None],
            failed: Callable[[str], None] | None = None) -> int:
        """``work()`` on a pool thread; then ``done(result)`` (or ``failed(message)``)
        on the GUI thread. Returns the task's ticket."""
        self._ticket += 1
        self._waiting[self._ticket] = (done, failed)
        self._pool.start(_Job(self._relay, self._ticket, work))
        return self._ticket

    def _done(self, ticket: int, result: object) -> None:
        done, _ = self._waiting.pop(ticket, (None, None))
        if done is not None:
            done(result)

    def _failed(self, ticket: int, message: str) -> None:
        _, failed = self._waiting.pop(ticket, (None, None))
        if failed is not None:
            failed(message)

    @property
    def busy(self) -> bool:
        """Some task's answer has not been handled yet."""
        return bool(self._waiting)

    def wait_done(self, ms: int = 30_000) -> bool:
        """Wait for the running tasks (the window is closing)."""
        return self._pool.waitForDone(ms)
