"""Columnar forms of agents and interactions, for the routing kernels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from core.model.codes import NONE, AgentState, Channel
from core.model.floor import Agent, Interaction, Queue

#: Bitmasks and fixed-width rows bound how many languages and skills a floor has.
MAX_LANGUAGES = 64
MAX_SKILLS = 64
N_CHANNEL_SLOTS = max(int(c) for c in Channel) + 1  # indexed by Channel code

AGENT_DTYPE = np.dtype(
    [
        ("id", "<i4"),
        ("state", "<i1"),
        ("blend", "<i1"),
        ("languages", "<u8"),  # bit i set: speaks Vocabulary.languages[i]
        ("primary_language", "<i2"),
        ("capacity", "<i2", (N_CHANNEL_SLOTS,)),  # 0: may not take this channel
        ("proficiency", "<i1", (MAX_SKILLS,)),  # 0: lacks the skill, else 1..5
    ]
)

INTERACTION_DTYPE = np.dtype(
    [
        ("id", "<i8"),
        ("channel", "<i1"),
        ("direction", "<i1"),
        ("language", "<i2"),
        ("queue_id", "<i4"),
        ("priority", "<i2"),
        ("arrived_ms", "<i8"),
        ("number_type", "<i1"),
    ]
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The floor's languages and skills, each given a fixed index for kernel arrays."""

    languages: tuple[str, ...]
    skills: tuple[str, ...]

    def __post_init__(self) -> None:
        for name, items, limit in (("languages", self.languages, MAX_LANGUAGES),
                                   ("skills", self.skills, MAX_SKILLS)):
            if len(set(items)) != len(items):
                raise ValueError(f"{name} repeat an entry: {list(items)}")
            if len(items) > limit:
                raise ValueError(f"{len(items)} {name}; at most {limit} are supported")

    @classmethod
    def of(cls, agents: Sequence[Agent], queues: Sequence[Queue] = ()) -> Vocabulary:
        langs = dict.fromkeys([lang for a in agents for lang in a.languages]
                              + [q.language for q in queues])
        skills = dict.fromkeys([s.skill for a in agents for s in a.skills]
                               + [q.skill for q in queues])
        return cls(tuple(langs), tuple(skills))

    def language_index(self, language: str) -> int:
        return _index_of("language", language, self.languages)

    def skill_index(self, skill: str) -> int:
        return _index_of("skill", skill, self.skills)


def _index_of(what: str, name: str, names: tuple[str, ...]) -> int:
    try:
        return names.index(name)
    except ValueError:
        raise ValueError(f"unknown {what} {name!r}; the floor has {', '.join(names)}") from None


def agents_to_array(
    agents: Sequence[Agent], vocab: Vocabulary, states: Mapping[int, AgentState] | None = None
) -> np.ndarray:
    """Columnar agents; ``states`` (agent id -> state) defaults to OFFLINE."""
    out = np.zeros(len(agents), dtype=AGENT_DTYPE)
    for i, a in enumerate(agents):
        row = out[i]
        row["id"] = a.id
        row["state"] = int((states or {}).get(a.id, AgentState.OFFLINE))
        row["blend"] = int(a.blend)
        mask = 0
        for lang in a.languages:
            mask |= 1 << vocab.language_index(lang)
        row["languages"] = mask
        row["primary_language"] = vocab.language_index(a.languages[0]) if a.languages else NONE
        for ch, cap in a.capacity.items():
            row["capacity"][int(ch)] = cap
        for s in a.skills:
            row["proficiency"][vocab.skill_index(s.skill)] = s.proficiency
    return out


def interactions_to_array(interactions: Sequence[Interaction], vocab: Vocabulary) -> np.ndarray:
    out = np.zeros(len(interactions), dtype=INTERACTION_DTYPE)
    for i, it in enumerate(interactions):
        out[i] = (it.id, int(it.channel), int(it.direction), vocab.language_index(it.language),
                  it.queue_id, it.priority, it.arrived_ms, int(it.number_type))
    return out
