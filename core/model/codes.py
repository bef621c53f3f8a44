"""The codes of the floor: channels, states, outcomes, event kinds and the rest.

Enum values are the integer codes stored in SQLite and in kernel arrays, so they
are part of the file format: never renumber a member, only add new ones (and a
migration that adds its row to the lookup tables).
"""

from __future__ import annotations

import enum

#: Sentinel for "no value" in columnar arrays; SQLite stores NULL instead.
NONE = -1


class Channel(enum.IntEnum):
    PHONE = 1
    CHAT = 2
    TICKET = 3
    EMAIL = 4
    CALLBACK = 5
    WEB_REQUEST = 6
    OUTBOUND_CALL = 7


class Direction(enum.IntEnum):
    INBOUND = 1
    OUTBOUND = 2


class AgentState(enum.IntEnum):
    AVAILABLE = 1
    BUSY = 2
    WRAP_UP = 3
    AWAY = 4
    BREAK = 5
    OFFLINE = 6


class BlendProfile(enum.IntEnum):
    """Which kind of work an agent may be given (seed 001: not everyone can sell)."""

    CARE_ONLY = 1
    SALES_ONLY = 2
    BLENDED = 3


class WorkMode(enum.IntEnum):
    """The mode a blended agent is currently working in."""

    CARE = 1
    SALES = 2


class Outcome(enum.IntEnum):
    RESOLVED = 1
    SALE = 2
    NO_SALE = 3
    TRANSFERRED = 4
    ABANDONED = 5
    VOICEMAIL = 6
    NOT_REACHED = 7
    MEETING_SET = 8
    CALLBACK_SCHEDULED = 9
    PRANK = 10
    DROPPED = 11  # the floor stopped mid-contact (app closed, system down): no outcome


class NumberType(enum.IntEnum):
    """What kind of line a customer number is (seed 003 counts calls by it)."""

    UNKNOWN = 0
    MOBILE = 1
    LANDLINE = 2
    INTERNAL = 3
    TOLL_FREE = 4
    VOIP = 5
    OTHER = 6


class EventKind(enum.IntEnum):
    """One row of the events table. ``value`` holds the kind-specific code noted here."""

    ARRIVED = 1  # an interaction entered the floor
    ENQUEUED = 2  # queued on queue_id
    OFFERED = 3  # offered to agent_id
    ACCEPTED = 4  # agent_id took it
    NO_ANSWER = 5  # agent_id did not accept in time; re-queued
    OVERFLOW_STEP = 6  # value = index of the overflow step taken
    TRANSFERRED = 7  # moved to queue_id
    WRAP_UP_STARTED = 8
    ENDED = 9  # value = Outcome
    ABANDONED = 10  # customer hung up / left while waiting
    VOICEMAIL = 11  # waited past the queue's limit
    AGENT_STATE = 12  # value = AgentState
    AGENT_MODE = 13  # value = WorkMode (care <-> sales switch)
    AGENT_LOGIN = 14
    AGENT_LOGOUT = 15
    BLOCKED = 16  # no free phone line: a busy signal, the call never reached the IVR
    COMPLAINT_RAISED = 17  # value = ComplaintCategory; the complaint's row holds the rest


class ComplaintCategory(enum.IntEnum):
    """What a complaint is about (ESC-1). The first four are the serious kinds that a
    valid complaint belongs to by default (seed 000: 2-3 a month reach the manager)."""

    HARM = 1
    BILLING_ERROR = 2
    LEGAL_THREAT = 3
    REPEATED_FAILURE = 4
    RUDENESS = 5
    WAIT_TIME = 6
    PRODUCT = 7
    OTHER = 8


SERIOUS_COMPLAINTS = frozenset({ComplaintCategory.HARM, ComplaintCategory.BILLING_ERROR,
                                ComplaintCategory.LEGAL_THREAT,
                                ComplaintCategory.REPEATED_FAILURE})


class ComplaintSource(enum.Enum):
    AGENT = "agent"  # raised by the agent, with a category and a note
    TRANSCRIPT = "transcript"  # found in the customer's own words (chat, e-mail)


#: Enums that become lookup tables in the store (table name -> enum), for analysts.
LOOKUP_ENUMS: dict[str, type[enum.IntEnum]] = {
    "channels": Channel,
    "directions": Direction,
    "agent_states": AgentState,
    "blend_profiles": BlendProfile,
    "work_modes": WorkMode,
    "outcomes": Outcome,
    "number_types": NumberType,
    "event_kinds": EventKind,
    "complaint_categories": ComplaintCategory,
}
