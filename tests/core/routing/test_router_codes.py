"""The compiled router's constants are core.model's codes (they are part of the
stored events)."""

from core.model import AgentState, BlendProfile, Channel, EventKind
from core.model.floor_policy import Strategy
from core_ext._router import codes


def test_compiled_codes_equal_the_model() -> None:
    c = codes()
    for name in ("PHONE", "CHAT", "CALLBACK", "OUTBOUND_CALL"):
        assert c[name] == Channel[name]
    for kind in ("ENQUEUED", "OFFERED", "ACCEPTED", "NO_ANSWER", "OVERFLOW_STEP", "ENDED",
                 "ABANDONED", "VOICEMAIL", "AGENT_STATE", "AGENT_MODE"):
        assert c[f"EV_{kind}"] == EventKind[kind]
    for state in ("AVAILABLE", "BUSY", "WRAP_UP", "AWAY", "OFFLINE"):
        assert c[f"ST_{state}"] == AgentState[state]
    assert c["BLENDED"] == BlendProfile.BLENDED
    assert c["NC"] == max(Channel) + 1
    assert [int(s) for s in Strategy] == [0, 1, 2, 3, 4]
