"""The simulated floor behind the window on first start: a paced simulation on its
own thread, writing to the embedded database like a live floor would."""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from core.model import Channel
from core.simulation.demo import resume_floor
from core.simulation.engine import ChannelSummary, Simulation
from core.store import Store

log = logging.getLogger(__name__)

TICK_MS = 250


@dataclass(frozen=True)
class FloorSnapshot:
    """What the window shows of the simulation; plain data, safe across threads."""

    scenario: str
    sim_time_ms: int
    since_ms: int  # the counts cover this run: from here to sim_time_ms
    timezone: str
    speed: float
    paused: bool
    waiting: int
    channels: dict[Channel, ChannelSummary] = field(default_factory=dict)


class _Worker(QObject):
    snapshot = Signal(object)
    failed = Signal(str)

    def __init__(self, db_path: Path, scenario: str, speed: float) -> None:
        super().__init__()
        self._db_path = db_path
        self._scenario = scenario
        self._speed = speed
        self._paused = False
        self._sim: Simulation | None = None
        self._store: Store | None = None
        self._timer: QTimer | None = None

    @Slot()
    def start(self) -> None:
        try:
            self._store = Store.open(self._db_path)
            now = int(time.time() * 1000)
            # Small flushes: the window shows the floor as it moves.
            self._sim = resume_floor(self._store, self._scenario, now, flush_events=200)
            # The floor has been busy since midnight (or the last run): catch up to
            # now, then keep pace.
            self._sim.run_until(now)
            self._sim.flush()
        except Exception as exc:  # shown to the user; the app keeps running
            log.exception("simulation failed to start")
            self.failed.emit(str(exc))
            return
        self._wall = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(TICK_MS)
        self._publish()

    def _tick(self) -> None:
        sim = self._sim
        now = time.monotonic()
        if not self._paused and sim.now < sim.end_ms:
            sim.run_until(sim.now + int((now - self._wall) * self._speed * 1000))
            sim.flush()
        self._wall = now
        self._publish()

    def _publish(self) -> None:
        sim = self._sim
        self.snapshot.emit(FloorSnapshot(
            scenario=sim.scenario.name, sim_time_ms=sim.now, since_ms=sim.begin_ms,
            timezone=sim.scenario.timezone,
            speed=self._speed, paused=self._paused, waiting=sim.router.waiting,
            channels={ch: dataclasses.replace(s) for ch, s in sim.summary.by_channel.items()},
        ))

    @Slot(float)
    def set_speed(self, speed: float) -> None:
        self._speed = speed
        self._publish()

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self._publish()

    @Slot()
    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._sim is not None:
            self._sim.flush()
        if self._store is not None:
            self._store.close()


class SimulatedFloor(QObject):
    """Owns the simulation thread. Signals come back on the GUI thread."""

    snapshot = Signal(object)
    failed = Signal(str)
    _speed = Signal(float)
    _paused = Signal(bool)
    _stop = Signal()

    def __init__(self, db_path: Path, scenario: str = "normal_day_28", speed: float = 1.0,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._worker = _Worker(db_path, scenario, speed)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.start)
        self._worker.snapshot.connect(self.snapshot)
        self._worker.failed.connect(self.failed)
        self._speed.connect(self._worker.set_speed)
        self._paused.connect(self._worker.set_paused)
        self._stop.connect(self._worker.stop)

    def start(self) -> None:
        self._thread.start()

    def set_speed(self, speed: float) -> None:
        self._speed.emit(speed)

    def set_paused(self, paused: bool) -> None:
        self._paused.emit(paused)

    def stop(self) -> None:
        if self._thread.isRunning():
            self._stop.emit()
            self._thread.quit()
            self._thread.wait(5000)
