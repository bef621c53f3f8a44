"""The agents panel on a real (offscreen) Qt, over a simulated morning: every agent
with their floor definition, state and today's figures (the batch KPI engine's),
sortable and filtered by text and state."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from core.config import defaults
from core.config.scenario import load_scenario
from core.kpi.batch import contact_kpis
from core.kpi.contacts import contact_facts
from core.model import AgentState
from core.simulation.engine import Simulation
from core.store import Store
from core.wallboard.floor_view import floor_view_from_store
from desktop.agents_panel import COLUMNS
from desktop.main_window import MainWindow

TZ = "Europe/Kyiv"


@pytest.fixture(scope="module")
def morning(tmp_path_factory):
    path = tmp_path_factory.mktemp("agents") / "floor.sqlite"
    with Store.open(path) as store:
        sim = Simulation(dataclasses.replace(load_scenario("normal_day_28"), days=1), store)
        sim.run_until(sim.start_ms + 11 * 3_600_000)
        sim.flush()
        events = store.read_columns()
        view = floor_view_from_store(store, TZ)
        view.apply(events)
        board = view.wallboard()
        batch = contact_kpis(contact_facts(events), ("agent",), "hour", view.settings,
                             since_ms=board.day_start_ms, until_ms=board.at_ms + 1)
    return path, board, batch


def _cell(panel, row: int, column: str) -> str:
    return panel.proxy.index(row, COLUMNS.index(column)).data()


def test_agents_show_their_floor_state_and_today_s_figures(floor_of, qtbot, morning) -> None:
    path, board, batch = morning
    with Store.open(path) as store:
        window = MainWindow(floor_of(store.path), defaults(), None)
        qtbot.addWidget(window)
        window.show()
        window.show_wallboard(board)
        window.tabs.setCurrentWidget(window.agents)
        panel = window.agents
        qtbot.waitUntil(lambda: panel.proxy.rowCount() == 28, timeout=10_000)
        assert panel.proxy.rowCount() == 28 and panel.count.text() == "28 of 28 agents"
        names = [_cell(panel, r, "Agent") for r in range(28)]
        assert names == sorted(names, key=str.lower)
        by_name = {_cell(panel, r, "Agent"): r for r in range(28)}
        agents = {a.name: a for a in store.agents()}
        row = {int(a): i for i, a in enumerate(batch.keys["agent"].tolist())}
        tiles = {t.id: t for t in board.agents}
        busy_today = 0
        for name, r in by_name.items():
            a = agents[name]
            assert _cell(panel, r, "Languages") == " ".join(x.upper() for x in a.languages)
            assert _cell(panel, r, "Team") == (a.team or "–")
            assert _cell(panel, r, "State") == tiles[a.id].state.name.lower().replace(
                "_", "-")
            i = row.get(a.id)
            answered = 0 if i is None else int(batch.answered[i])
            assert _cell(panel, r, "Answered today") == f"{answered:,}"
            if i is not None and batch.talked[i]:
                busy_today += 1
                occ = batch.occupancy[i]
                assert _cell(panel, r, "Occupancy") == f"{100 * occ:.0f}%"
        assert busy_today >= 10
        # Sorting by a number sorts numbers, not text.
        panel.table.sortByColumn(COLUMNS.index("Answered today"), Qt.SortOrder.DescendingOrder)
        counts = [int(_cell(panel, r, "Answered today").replace(",", "")) for r in range(28)]
        assert counts == sorted(counts, reverse=True) and counts[0] > 9
        # Filters: a language, then a state.
        panel.search.setText("pl")
        shown = [_cell(panel, r, "Agent") for r in range(panel.proxy.rowCount())]
        assert shown and all("PL" in _cell(panel, r, "Languages") or "pl" in
                             _cell(panel, r, "Agent").lower() for r in range(len(shown)))
        assert len(shown) < 28
        panel.search.clear()
        panel.state_box.setCurrentIndex(panel.state_box.findData(AgentState.OFFLINE))
        offline = sum(t.state == AgentState.OFFLINE for t in board.agents)
        assert panel.proxy.rowCount() == offline > 0
        assert panel.count.text() == f"{offline} of 28 agents"
        window.close()
