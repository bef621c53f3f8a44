"""The floor behind the window: on first start a paced simulation on its own thread,
writing to the embedded database like a live floor would; and on the same thread the
wallboard's view of it, fed from the database (as any other source would feed it)
and published a few times a second."""

from __future__ import annotations

import gc
import logging
import sys
import threading
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from core import clock
from core.clock import DAY_MS, HOUR_MS, day_start_ms
from core.config.scenario import SCENARIO_DIR
from core.errors import StoreError
from core.floor.demo import resume_floor
from core.floor.floor import Floor
from core.model import Channel
from core.simulation.engine import Simulation
from core.wallboard.days import day_starts
from core.wallboard.floor_view import HEATMAP_DAYS, FloorView, floor_view_from_store
from core.wallboard.missed import missed_by_hour

log = logging.getLogger(__name__)

GIL_SWITCH_S = 0.001
#: The floor moves and the wallboard is published this often (4 Hz).
TICK_MS = 250
#: Events read before today's midnight: contacts offered yesterday and ended today.
LOOKBACK_MS = DAY_MS


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


class _Worker(QObject):
    snapshot = Signal(object)
    wallboard = Signal(object)
    failed = Signal(str)

    def __init__(self, floor: Floor, scenario: str | None, speed: float,
                 clock_ms: int | None = None, timezone: str = "UTC",
                 targets: Mapping[Channel, int] | None = None) -> None:
        super().__init__()
        self._clock_ms = clock_ms
        self._targets = dict(targets or {})
        self._timezone = timezone
        self._floor = floor
        self._scenario = scenario
        self._speed = speed
        self._paused = False
        self._sim: Simulation | None = None
        self._timer: QTimer | None = None
        self._view: FloorView | None = None
        self._seq = 0
        self._published = 0
        #: Set from the GUI thread when the window closes: the catch-up stops between
        #: hours (the thread's event loop, where a stop signal waits, is not running).
        self.closing = threading.Event()

    @Slot()
    def start(self) -> None:
        now = clock.now_ms() if self._clock_ms is None else self._clock_ms
        if self._scenario is not None:
            try:
                # Small flushes: the window shows the floor as it moves.
                self._sim = resume_floor(self._floor, self._scenario, now,
                                         flush_events=200)
            except StoreError as exc:  # another program simulates here; a full disk
                self.failed.emit(str(exc))
            except Exception as exc:  # a bad scenario: say so, and watch the store
                log.exception("simulation failed to start")
                self.failed.emit(f"{exc}\n\nCorrect the scenario and start Floorboard "
                                 "again.")
        try:
            self._open_view(self._sim.scenario.timezone if self._sim else self._timezone,
                            now)
            # The floor has been busy since midnight (or the last run): catch up to
            # now an hour at a time, showing it, then keep pace.
            while (self._sim is not None and self._sim.now < min(now, self._sim.end_ms)
                   and not self.closing.is_set()):
                self._sim.run_until(min(now, self._sim.now + HOUR_MS))
                self._sim.flush()
                self._follow()
        except Exception as exc:
            log.exception("the floor failed")
            self.failed.emit(str(exc))
            return
        # What start-up built stays: a full collection would otherwise walk it again
        # and again, stopping both threads (tens of ms at 1,000 agents).
        gc.freeze()
        self._wall = time.monotonic()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(TICK_MS)
        self._publish()

    def _open_view(self, timezone: str, now_ms: int) -> None:
        """The wallboard's view, fed with what the store holds of today already (and
        the day before, for contacts offered then), and the heatmap's earlier days
        counted once; from here on the view follows the events."""
        with self._floor.reader() as store:
            # One read transaction: the catch-up and the seq it ends at agree.
            store.connection.execute("BEGIN")
            self._view = view = floor_view_from_store(store, timezone, self._targets)
            self._seq = store.last_seq()
            last = store.last_event_ms()
            today = day_start_ms(now_ms if last is None else max(last, 0), timezone)
            fed_from = today - LOOKBACK_MS
            view.apply(store.read_time_range(fed_from, (last or 0) + 1))
            days = [d for d in day_starts(today, HEATMAP_DAYS, timezone) if d < fed_from]
            if days:
                counts = missed_by_hour(store, days[0], fed_from, timezone, days)
                view.earlier_missed = dict(zip(days, counts, strict=True))
        self._publish_wallboard()

    def _follow(self) -> None:
        """Feed the view what was stored since it last looked, and publish it."""
        with self._floor.reader() as store:
            new = store.read_columns(since_seq=self._seq)
        if len(new) and self._view.strangers(new):
            # A floor saved since (another program's, or a new run's): the view starts
            # again from the store, which now knows its queues and agents.
            self._open_view(self._view.timezone, int(new["ts_ms"].max()))
            return
        if len(new):
            self._seq = int(new["seq"][-1])
            self._view.apply(new)
        self._publish_wallboard()

    def _publish_wallboard(self) -> None:
        # The agents' figures once a second, the rest at every tick.
        self._published += 1
        self.wallboard.emit(self._view.wallboard(with_agents=self._published % 4 == 1))

    def _tick(self) -> None:
        sim = self._sim
        now = time.monotonic()
        if sim is not None and not self._paused and sim.now < sim.end_ms:
            sim.run_until(sim.now + int((now - self._wall) * self._speed * 1000))
            sim.flush()
        self._wall = now
        self._follow()
        self._publish()

    def _publish(self) -> None:
        sim = self._sim
        if sim is None:  # watching the database only
            return
        self.snapshot.emit(FloorSnapshot(
            scenario=sim.scenario.name, sim_time_ms=sim.now, since_ms=sim.begin_ms,
            timezone=sim.scenario.timezone,
            speed=self._speed, paused=self._paused, waiting=sim.router.waiting,
        ))

    @Slot(float)
    def set_speed(self, speed: float) -> None:
        self._speed = speed
        self._publish()

    @Slot(bool)
    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        self._publish()

    @Slot(object)
    def set_targets(self, targets: Mapping[Channel, int]) -> None:
        self._targets = dict(targets)
        if self._view is not None:
            # Today's figures measured against the new targets from midnight on, as
            # a report of today would be: the view is built again from the store.
            now = self._sim.now if self._sim else clock.now_ms()
            self._open_view(self._view.timezone, now)

    @Slot()
    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            # Deleted here, on its own thread: Qt refuses to stop a timer from another.
            self._timer.setParent(None)
            self._timer = None
        if self._sim is not None:
            self._sim.flush()


class SimulatedFloor(QObject):
    """Owns the simulation thread. Signals come back on the GUI thread."""

    snapshot = Signal(object)
    wallboard = Signal(object)
    failed = Signal(str)
    _speed = Signal(float)
    _paused = Signal(bool)
    _targets = Signal(object)
    _stop = Signal()

    def __init__(self, floor: Floor, scenario: str | None = "normal_day_28",
                 speed: float = 1.0, parent: QObject | None = None,
                 clock_ms: int | None = None, timezone: str = "UTC",
                 targets: Mapping[Channel, int] | None = None) -> None:
        """``scenario``: None watches the database without simulating (the wallboard
        follows whatever writes to it). ``clock_ms``: the moment to catch up to on
        start (default: now), e.g. a busy hour for a demonstration or a test.
        ``timezone``: the floor's, when no scenario says it. ``targets``: the
        configured service-level targets by channel (else each queue's own)."""
        super().__init__(parent)
        self.scenario = scenario
        self.timezone = timezone
        self._thread = QThread()
        self.targets = dict(targets or {})
        self._worker = _Worker(floor, scenario, speed, clock_ms, timezone, targets)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.start)
        self._worker.snapshot.connect(self.snapshot)
        self._worker.wallboard.connect(self.wallboard)
        self._worker.failed.connect(self.failed)
        self._speed.connect(self._worker.set_speed)
        self._paused.connect(self._worker.set_paused)
        self._targets.connect(self._worker.set_targets)
        # Blocking: the worker must have stopped its timer (on its own thread) before
        # the thread's loop is told to quit, or the timer outlives the thread.
        self._stop.connect(self._worker.stop, Qt.ConnectionType.BlockingQueuedConnection)

    def start(self) -> None:
        # Two busy Python threads now share the interpreter: hand it over every 1 ms
        # (default 5 ms), so the GUI thread never waits long behind the floor's.
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_S))
        self._thread.start()

    def set_speed(self, speed: float) -> None:
        self._speed.emit(speed)

    def set_paused(self, paused: bool) -> None:
        self._paused.emit(paused)

    def set_targets(self, targets: Mapping[Channel, int]) -> None:
        """Measure against these service-level targets from now on (the wallboard's
        day is measured again)."""
        self.targets = dict(targets)
        self._targets.emit(self.targets)

    def stop(self) -> None:
        if self._thread.isRunning():
            self._worker.closing.set()
            self._stop.emit()
            self._thread.quit()
            self._thread.wait(5000)


def shipped_scenarios() -> list[tuple[str, str]]:
    """(file stem, the scenario's name) of every shipped scenario, read without
    building them (a 10,000-agent floor takes a while)."""
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.toml")):
        try:
            name = tomllib.loads(path.read_text(encoding="utf-8"))["scenario"]["name"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            name = path.stem
        out.append((path.stem, str(name)))
    return out
