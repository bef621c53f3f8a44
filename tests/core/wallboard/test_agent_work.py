"""Which contacts an agent is handling, on hand-made streams (the simulator does not
transfer, so the day's tests cannot see transfers)."""

from __future__ import annotations

from core.model import Channel, Event, EventKind, events_to_array
from core.wallboard.agent_work import AgentWork

K = EventKind


def _work(*events: Event) -> AgentWork:
    work = AgentWork()
    work.apply(events_to_array(list(events)))
    return work


def test_a_transfer_takes_the_contact_from_its_agent_until_another_accepts_it() -> None:
    taken = Event(1_000, K.ACCEPTED, interaction_id=7, agent_id=1, channel=Channel.PHONE)
    chat = Event(1_000, K.ACCEPTED, interaction_id=8, agent_id=1, channel=Channel.CHAT)
    moved = Event(2_000, K.TRANSFERRED, interaction_id=7, agent_id=1, queue_id=3)
    again = Event(3_000, K.ACCEPTED, interaction_id=7, agent_id=2, channel=Channel.PHONE)
    ended = Event(4_000, K.ENDED, interaction_id=7, agent_id=2)
    assert _work(taken, chat).channels(1) == (Channel.PHONE, Channel.CHAT)
    assert _work(taken, chat, moved).channels(1) == (Channel.CHAT,)
    w = _work(taken, chat, moved, again)
    assert (w.channels(1), w.channels(2)) == ((Channel.CHAT,), (Channel.PHONE,))
    assert _work(taken, chat, moved, again, ended).channels(2) == ()


def test_a_logout_leaves_the_agent_holding_nothing() -> None:
    taken = Event(1_000, K.ACCEPTED, interaction_id=7, agent_id=1, channel=Channel.EMAIL)
    out = Event(2_000, K.AGENT_LOGOUT, agent_id=1)
    assert _work(taken).channels(1) == (Channel.EMAIL,)
    assert _work(taken, out).channels(1) == ()
