"""A FloorPolicy as a JSON document and back: how the floor a database was filled
from is kept beside it (``floor_policies``), so that the reports judge agents by the
floor that routed them rather than by a guess.

Enums are written by name, not by code: a document stays readable to an analyst, and
a renumbered enum could not silently change what an old document means."""

from __future__ import annotations

import json
from typing import Any

from core.model import Agent, AgentSkill, BlendProfile, Channel, Queue, WorkMode
from core.model.floor_policy import BlendPolicy, FloorPolicy, OverflowStep, QueuePolicy

#: Bumped when the document's shape changes; a reader refuses one it does not know.
FORMAT = 1


def _queue(q: Queue) -> dict[str, Any]:
    return {"id": q.id, "name": q.name, "channel": q.channel.name, "skill": q.skill,
            "language": q.language, "sla_target_s": q.sla_target_s, "strategy": q.strategy}


def _queue_policy(qp: QueuePolicy) -> dict[str, Any]:
    return {"queue": _queue(qp.queue), "work": qp.work.name, "groups": list(qp.groups),
            "min_proficiency": qp.min_proficiency,
            "secondary_language": qp.secondary_language, "no_answer_s": qp.no_answer_s,
            "voicemail_after_s": qp.voicemail_after_s,
            "overflow": [{"after_s": s.after_s, "min_proficiency": s.min_proficiency,
                          "secondary_language": s.secondary_language,
                          "groups": list(s.groups), "any_language": s.any_language}
                         for s in qp.overflow]}


def _agent(a: Agent) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "languages": list(a.languages),
            "skills": [[s.skill, s.proficiency] for s in a.skills],
            "capacity": {ch.name: n for ch, n in a.capacity.items()}, "shift": a.shift,
            "blend": a.blend.name, "team": a.team}


def policy_to_json(floor: FloorPolicy) -> str:
    """The whole policy: what the router was told, so that any report's rule of who
    could take what can be worked out from it again."""
    return json.dumps({
        "format": FORMAT, "name": floor.name, "languages": list(floor.languages),
        "skills": list(floor.skills), "groups": list(floor.groups),
        "queues": [_queue_policy(q) for q in floor.queues],
        "agents": [_agent(a) for a in floor.agents],
        "blend": {"outbound_inbound_threshold": floor.blend.outbound_inbound_threshold,
                  "switch_cost_s": floor.blend.switch_cost_s},
        "sla_s": {ch.name: s for ch, s in floor.sla_s.items()},
    }, ensure_ascii=False, separators=(",", ":"))


def _read_queue(d: dict[str, Any]) -> Queue:
    return Queue(id=d["id"], name=d["name"], channel=Channel[d["channel"]], skill=d["skill"],
                 language=d["language"], sla_target_s=d["sla_target_s"],
                 strategy=d["strategy"])


def _read_queue_policy(d: dict[str, Any]) -> QueuePolicy:
    return QueuePolicy(
        queue=_read_queue(d["queue"]), work=WorkMode[d["work"]], groups=tuple(d["groups"]),
        min_proficiency=d["min_proficiency"], secondary_language=d["secondary_language"],
        no_answer_s=d["no_answer_s"], voicemail_after_s=d["voicemail_after_s"],
        overflow=tuple(OverflowStep(after_s=s["after_s"],
                                    min_proficiency=s["min_proficiency"],
                                    secondary_language=s["secondary_language"],
                                    groups=tuple(s["groups"]),
                                    any_language=s["any_language"])
                       for s in d["overflow"]))


def _read_agent(d: dict[str, Any]) -> Agent:
    return Agent(id=d["id"], name=d["name"], languages=tuple(d["languages"]),
                 skills=tuple(AgentSkill(s, p) for s, p in d["skills"]),
                 capacity={Channel[ch]: n for ch, n in d["capacity"].items()},
                 shift=d["shift"], blend=BlendProfile[d["blend"]], team=d["team"])


def policy_from_json(text: str) -> FloorPolicy:
    """The policy ``policy_to_json`` wrote. ValueError for a document of another
    format or shape (written by a newer Floorboard, or edited by hand)."""
    try:
        d = json.loads(text)
        if d.get("format") != FORMAT:
            raise ValueError(f"floor policy format {d.get('format')!r}, not {FORMAT}")
        blend = d["blend"]
        return FloorPolicy(
            name=d["name"], languages=tuple(d["languages"]), skills=tuple(d["skills"]),
            groups=tuple(d["groups"]),
            queues=tuple(_read_queue_policy(q) for q in d["queues"]),
            agents=tuple(_read_agent(a) for a in d["agents"]),
            blend=BlendPolicy(outbound_inbound_threshold=blend["outbound_inbound_threshold"],
                              switch_cost_s=blend["switch_cost_s"]),
            sla_s={Channel[ch]: s for ch, s in d["sla_s"].items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a floor policy document ({type(exc).__name__}: {exc})") from None
