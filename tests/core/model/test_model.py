"""Domain types and their columnar forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.model import (
    NONE,
    AgentState,
    BlendProfile,
    Channel,
    Event,
    EventKind,
    Vocabulary,
    agents_to_array,
    array_to_events,
    events_to_array,
    interactions_to_array,
)
from tests import floor_data

opt = st.one_of(st.none(), st.integers(0, 2**31 - 1))
events = st.builds(
    Event,
    ts_ms=st.integers(0, 2**62),
    kind=st.sampled_from(EventKind),
    interaction_id=opt,
    agent_id=opt,
    queue_id=opt,
    channel=st.one_of(st.none(), st.sampled_from(Channel)),
    value=opt,
)


@given(st.lists(events, max_size=30))
def test_events_round_trip_through_columns(evs: list[Event]) -> None:
    arr = events_to_array(evs)
    assert array_to_events(arr) == evs
    assert (arr["interaction_id"] == NONE).sum() == sum(e.interaction_id is None for e in evs)


def test_agents_in_columns() -> None:
    vocab = Vocabulary.of(floor_data.AGENTS, floor_data.QUEUES)
    assert vocab.languages[:3] == ("uk", "ru", "en")
    arr = agents_to_array(floor_data.AGENTS, vocab, {1: AgentState.AVAILABLE})
    olena, marco = arr
    assert olena["state"] == AgentState.AVAILABLE and marco["state"] == AgentState.OFFLINE
    assert olena["blend"] == BlendProfile.BLENDED
    speaks = [lang for i, lang in enumerate(vocab.languages) if int(olena["languages"]) >> i & 1]
    assert speaks == ["uk", "ru", "en"]
    assert olena["primary_language"] == vocab.language_index("uk")
    assert olena["capacity"][Channel.CHAT] == 4 and olena["capacity"][Channel.EMAIL] == 0
    assert olena["proficiency"][vocab.skill_index("sales")] == 5
    assert marco["proficiency"][vocab.skill_index("sales")] == 0


def test_interactions_in_columns() -> None:
    vocab = Vocabulary.of(floor_data.AGENTS, floor_data.QUEUES)
    its = floor_data.interactions()
    arr = interactions_to_array(its, vocab)
    assert arr["id"].tolist() == [i.id for i in its]
    assert [vocab.languages[j] for j in arr["language"]] == [i.language for i in its]
    np.testing.assert_array_equal(arr["arrived_ms"], [i.arrived_ms for i in its])


def test_unknown_language_is_named() -> None:
    vocab = Vocabulary(("en", "uk"), ("care",))
    with pytest.raises(ValueError, match=r"unknown language 'ua'; the floor has en, uk"):
        vocab.language_index("ua")
    with pytest.raises(ValueError, match="repeat"):
        Vocabulary(("en", "en"), ())
