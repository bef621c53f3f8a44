"""Screenshots of the app for docs/screenshots (run under Xvfb at 1920x1080):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py

The seeds' floor on a fresh database: the week before today simulated first (the
heatmap's earlier rows), then today caught up to the morning's peak and paused at a
moment with contacts waiting; the wallboard, the agents panel, the week's KPI report
by agent with the saboteur's contacts open, the escalations inbox, then TV mode's
pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
import zoneinfo
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from core.config import defaults
from core.config.escalation import parse_contacts
from core.config.scenario import load_scenario
from core.escalation.escalator import Escalator
from core.escalation.policy import EscalationPolicy
from core.floor.floor import Floor
from core.model.escalation import Verdict
from core.simulation.engine import Simulation
from core.store import Store
from desktop.main_window import MainWindow
from desktop.simulated_floor import SimulatedFloor

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
TZ = "Europe/Kyiv"


def main() -> int:
    app = QApplication(sys.argv)
    db = Path(tempfile.mkdtemp(prefix="fb-shots-")) / "floor.sqlite"
    store = Store.open(db)
    tz = zoneinfo.ZoneInfo(TZ)
    week = dataclasses.replace(load_scenario("normal_day_28"), days=7,
                               start=dt.datetime.now(tz).date() - dt.timedelta(days=7))
    Simulation(week, store).run()
    # The week's complaints triaged as the pager would (no gateway here: the pages wait
    # in the outbox), for the Escalations tab.
    Escalator(store, EscalationPolicy(parse_contacts([
        {"name": "Floor manager", "reach": ["sms:+380501112233", "ntfy:fb-manager"]},
        {"name": "Deputy", "reach": ["sms:+380502223344"]}]), timezone=TZ), "UA"
              ).triage_new(int(dt.datetime.now(tz).timestamp() * 1000))
    peak = dt.datetime.combine(dt.datetime.now(tz).date(), dt.time(10, 5), tz)
    # Slow enough that a pause lands while the queue still holds who was waiting.
    store.close()
    fl = Floor(db)
    floor = SimulatedFloor(fl, "normal_day_28", speed=5,
                           clock_ms=int(peak.timestamp() * 1000))
    window = MainWindow(fl, defaults(), floor)
    window.resize(1920, 1080)
    window.show()
    floor.start()
    shots: list[tuple[str, object]] = []
    start_ms = int(peak.timestamp() * 1000)  # caught up: the floor moves from here

    def waiting() -> bool:
        w = window.wallboard.latest
        return w is not None and w.missed is not None and w.at_ms >= start_ms and sum(
            c.waiting for c in w.channels) >= 2

    def poll() -> None:
        if not waiting():
            QTimer.singleShot(100, poll)
            return
        window.pause_button.setChecked(True)
        QTimer.singleShot(1500, wallboard)

    def wallboard() -> None:
        shots.append(("wallboard.png", window.grab()))
        window.tabs.setCurrentWidget(window.agents)
        QTimer.singleShot(1500, agents)

    def agents() -> None:
        shots.append(("agents.png", window.grab()))
        panel = window.reports
        window.tabs.setCurrentWidget(panel)
        panel.grouping.setCurrentIndex(0)  # by agent
        panel.set_days(6, 7)  # the last 7 days: enough dials to judge the saboteur
        panel.shown.connect(report_shown)
        panel.run_button.click()

    def report_shown() -> None:
        panel = window.reports
        if not panel.contacts:
            # The report is in: open the flagged saboteur's row, to show drill-down.
            row = next((i for i, r in enumerate(panel.report.rows)
                        if "sabotage" in str(r["flags"])), 0)
            panel.table.selectRow(panel.proxy.mapFromSource(panel.model.index(row, 0)).row())
            return
        panel.shown.disconnect(report_shown)
        QTimer.singleShot(500, report)

    def report() -> None:
        shots.append(("kpi-report.png", window.grab()))
        window.tabs.setCurrentWidget(window.inbox)
        window.refresh()
        QTimer.singleShot(800, choose_complaint)

    def choose_complaint() -> None:
        valid = next((r.complaint_id for r in window.inbox.model.rows
                      if r.verdict is Verdict.VALID), None)
        if valid is not None:
            window.inbox.select(valid)
        QTimer.singleShot(800, inbox)

    def inbox() -> None:
        shots.append(("escalations.png", window.grab()))
        window.tabs.setCurrentWidget(window.wallboard)
        window.tv_action.setChecked(True)
        QTimer.singleShot(1500, lambda: tv_page(0))

    def tv_page(i: int) -> None:
        shots.append((f"tv-mode-{i + 1}.png", window.tv.grab()))
        if i < 2:
            window.tv.next_page()
            QTimer.singleShot(800, lambda: tv_page(i + 1))
        else:
            window.close()
            app.quit()

    QTimer.singleShot(500, poll)
    app.exec()
    fl.close()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, pixmap in shots:
        pixmap.save(str(OUT / name))
        print(OUT / name)
    return 0 if len(shots) == 7 else 1


if __name__ == "__main__":
    raise SystemExit(main())
