"""The kernels' codes and columns are core.model's and core.kpi's."""

from __future__ import annotations

from core.kpi.batch import MEASURES
from core.model import AgentState, Channel, EventKind, Outcome
from core_ext import kpi_layout
from tests.core.kpi import reference


def test_kernel_codes_are_the_model_s() -> None:
    for name in ("ARRIVED", "ENQUEUED", "ACCEPTED", "TRANSFERRED", "ENDED", "ABANDONED",
                 "VOICEMAIL", "BLOCKED", "AGENT_STATE", "AGENT_LOGIN", "AGENT_LOGOUT"):
        assert getattr(kpi_layout, name) == EventKind[name]
    for state in AgentState:
        assert getattr(kpi_layout, f"ST_{state.name}") == state
    for name in ("RESOLVED", "SALE", "NO_SALE", "MEETING_SET", "PRANK"):
        assert getattr(kpi_layout, f"OUT_{name}") == Outcome[name]
    assert kpi_layout.OUTBOUND_CALL == Channel.OUTBOUND_CALL


def test_the_columns_are_the_measures_in_order() -> None:
    assert kpi_layout.N_MEASURES == len(MEASURES)
    assert MEASURES[kpi_layout.A_LONGEST] == "longest_wait_ms"
    assert MEASURES[kpi_layout.A_INBOUND_TALKED] == "inbound_conversations"
    columns = kpi_layout.STATE_COLUMN
    for state, measure in reference.STATE_MEASURE.items():
        assert MEASURES[columns[state]] == measure
        assert columns[state] - kpi_layout.A_AVAILABLE < kpi_layout.N_STATE_TIMES
    assert columns[AgentState.OFFLINE] == 0


def test_the_tables_are_docs_kpi_md_s() -> None:
    assert kpi_layout.WAIT_EDGES_MS.tolist() == [s * 1000 for s in reference.WAIT_EDGES_S]
    assert kpi_layout.N_WAIT_BINS == len(reference.WAIT_EDGES_S) + 1
    assert set(kpi_layout.FIRST_CONTACT_OUTCOME.nonzero()[0]) == \
        reference.FIRST_CONTACT_OUTCOMES
    how = {EventKind.ACCEPTED: kpi_layout.HOW_ANSWERED,
           EventKind.ABANDONED: kpi_layout.HOW_ABANDONED,
           EventKind.VOICEMAIL: kpi_layout.HOW_VOICEMAIL}
    assert {k: kpi_layout.HOW_OF[k] for k in range(len(kpi_layout.HOW_OF))
            if kpi_layout.HOW_OF[k]} == how
