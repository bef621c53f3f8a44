"""Domain values of the floor, with no behaviour beyond their own: the codes stored in
the database and kernel arrays, agents, queues, interactions, events and the specs
(floor policy, scenario, escalation) that config reads and engines build from.

The basic values are re-exported here; the specs are imported from their modules
(`core.model.floor_policy`, `core.model.scenario`, `core.model.escalation`)."""

from core.model.arrays import (
    AGENT_DTYPE,
    INTERACTION_DTYPE,
    MAX_LANGUAGES,
    MAX_SKILLS,
    N_CHANNEL_SLOTS,
    Vocabulary,
    agents_to_array,
    interactions_to_array,
)
from core.model.codes import (
    LOOKUP_ENUMS,
    NONE,
    SERIOUS_COMPLAINTS,
    AgentState,
    BlendProfile,
    Channel,
    ComplaintCategory,
    ComplaintSource,
    Direction,
    EventKind,
    NumberType,
    Outcome,
    WorkMode,
)
from core.model.events import (
    EVENT_DTYPE,
    Event,
    array_to_events,
    events_to_array,
)
from core.model.floor import (
    Agent,
    AgentSkill,
    Complaint,
    Interaction,
    Queue,
    Sale,
)

__all__ = [
    "AGENT_DTYPE", "EVENT_DTYPE", "INTERACTION_DTYPE", "LOOKUP_ENUMS", "MAX_LANGUAGES",
    "MAX_SKILLS", "NONE", "N_CHANNEL_SLOTS", "SERIOUS_COMPLAINTS", "Agent", "AgentSkill",
    "AgentState", "BlendProfile", "Channel", "Complaint", "ComplaintCategory",
    "ComplaintSource", "Direction", "Event", "EventKind", "Interaction", "NumberType",
    "Outcome", "Queue", "Sale", "Vocabulary", "WorkMode", "agents_to_array", "array_to_events",
    "events_to_array", "interactions_to_array",
]
