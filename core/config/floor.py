"""The floor definition file: languages, skills, groups, queues with overflow, agents.

Errors name the file, the line and the key ("floor.toml, line 41: queues[3]
(care-uk-chat).language: unknown language 'ua' (did you mean 'uk'?)"); nothing
starts on a bad file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

from core.config.toml_source import TomlReader as _Reader
from core.config.toml_source import line_of, read_toml_text, toml_value
from core.errors import ConfigError
from core.model import Agent, AgentSkill, BlendProfile, Channel, Queue, WorkMode
from core.model.floor_policy import (
    DEFAULT_SLA_S,
    MAX_OVERFLOW_STEPS,
    MAX_RULE_S,
    VOICE_CHANNELS,
    BlendPolicy,
    FloorPolicy,
    OverflowStep,
    QueuePolicy,
    Strategy,
    may_do,
)

_CHANNELS = {c.name.lower(): c for c in Channel}
_STRATEGIES = {s.name.lower(): s for s in Strategy}
_WORK = {w.name.lower(): w for w in WorkMode}
_BLEND = {b.name.lower(): b for b in BlendProfile}

_TOP = {"floor", "sla", "blend", "queues", "agents"}
_FLOOR = {"name", "languages", "skills", "groups"}
_BLEND_KEYS = {"outbound_inbound_threshold", "switch_cost_s"}
_QUEUE = {"name", "channel", "skill", "language", "work", "strategy", "groups",
          "min_proficiency", "secondary_language", "no_answer_s", "voicemail_after_s",
          "sla_target_s", "overflow"}
_STEP = {"after_s", "min_proficiency", "secondary_language", "groups", "any_language"}
_AGENT = {"name", "count", "languages", "skills", "capacity", "shift", "blend", "group"}


def _names(r: _Reader, table: dict, key: str, path: tuple) -> tuple[str, ...]:
    items = r.get(table, key, list, path)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item:
            raise r.error((*path, key, i), f"expected a name, got {toml_value(item)}")
    dupes = sorted({x for x in items if items.count(x) > 1})
    if dupes:
        raise r.error((*path, key), f"listed twice: {', '.join(dupes)}")
    return tuple(items)


def _steps(r: _Reader, raw: list, path: tuple, label: str, floor: dict,
           base_min: int, secondary: str | None,
           base_groups: tuple[str, ...]) -> tuple[OverflowStep, ...]:
    if len(raw) > MAX_OVERFLOW_STEPS:
        raise r.error(path, f"at most {MAX_OVERFLOW_STEPS} overflow steps", label)
    steps = []
    last_after, last_min = 0, base_min
    groups_so_far = set(base_groups)
    # the step that first reached the secondary language, and every language
    reached_secondary: int | None = None
    reached_any: int | None = None
    for i, step in enumerate(raw):
        p = (*path, i)
        r.table(step, p, label)
        r.keys(step, _STEP, p, label)
        after = r.count(r.get(step, "after_s", int, p, label=label), 1, (*p, "after_s"),
                        "after_s", label, MAX_RULE_S)
        if after <= last_after:
            raise r.error((*p, "after_s"), f"overflow steps must come later and later: "
                          f"{after} s does not follow {last_after} s (the rule would loop "
                          "back to an earlier step)", label)
        min_prof = step.get("min_proficiency")
        if min_prof is not None:
            r.get(step, "min_proficiency", int, p, label=label)
            r.count(min_prof, 1, (*p, "min_proficiency"), "min_proficiency", label, 5)
            if min_prof > last_min:
                raise r.error((*p, "min_proficiency"), f"overflow only widens: proficiency "
                              f"{min_prof} is stricter than {last_min} before it", label)
        use_secondary = r.get(step, "secondary_language", bool, p, False, label)
        if use_secondary and secondary is None:
            raise r.error((*p, "secondary_language"),
                          "the queue has no secondary_language to widen to", label)
        # Steps add up (the router keeps what earlier steps widened), so a language
        # reached before is no widening, whatever else the step does.
        if use_secondary and reached_any is not None:
            raise r.error((*p, "secondary_language"), f"every language was reached at "
                          f"overflow[{reached_any}] (any_language) already: this widens "
                          "nothing", label)
        if use_secondary and reached_secondary is not None:
            raise r.error((*p, "secondary_language"), f"the queue's secondary language "
                          f"{toml_value(secondary)} was reached at overflow[{reached_secondary}] "
                          "already: this widens nothing", label)
        groups = tuple(
            r.choice(g, floor["groups"], "group", (*p, "groups", j), label)
            for j, g in enumerate(r.get(step, "groups", list, p, [], label))
        )
        any_language = r.get(step, "any_language", bool, p, False, label)
        if any_language and reached_any is not None:
            raise r.error((*p, "any_language"), f"every language was reached at "
                          f"overflow[{reached_any}] already: this widens nothing", label)
        if groups and not base_groups:
            raise r.error((*p, "groups"), "the queue is open to every group already", label)
        new_groups = set(groups) - groups_so_far
        widened = ((min_prof is not None and min_prof < last_min)
                   or use_secondary or new_groups or any_language)
        if not widened:
            raise r.error(p, "this overflow step widens nothing (give min_proficiency, "
                          "secondary_language, groups or any_language)", label)
        steps.append(OverflowStep(after, min_prof, use_secondary, groups, any_language))
        last_after = after
        last_min = min_prof if min_prof is not None else last_min
        if use_secondary:
            reached_secondary = i
        if any_language:
            reached_any = i
        groups_so_far |= set(groups)
    return tuple(steps)


def _queue(r: _Reader, raw: dict, i: int, floor: dict, sla: dict[Channel, int]) -> QueuePolicy:
    p: tuple = ("queues", i)
    name = r.get(raw, "name", str, p)
    r.keys(raw, _QUEUE, p, name)
    g = lambda key, kind, default=...: r.get(raw, key, kind, p, default, name)  # noqa: E731
    channel = r.choice(g("channel", str), _CHANNELS, "channel", (*p, "channel"), name)
    skill = r.choice(g("skill", str), floor["skills"], "skill", (*p, "skill"), name)
    language = r.choice(g("language", str), floor["languages"], "language",
                        (*p, "language"), name)
    secondary = g("secondary_language", str, None)
    if secondary is not None:
        r.choice(secondary, floor["languages"], "language", (*p, "secondary_language"), name)
        if secondary == language:
            raise r.error((*p, "secondary_language"), f"{toml_value(secondary)} is the queue's own "
                          "language: an overflow step to it would widen nothing (give "
                          "another language, or none)", name)
    work = r.choice(g("work", str, "outbound" if channel == Channel.OUTBOUND_CALL else "care")
                    .replace("outbound", "sales"), _WORK, "work", (*p, "work"), name)
    strategy = r.choice(g("strategy", str, "longest_idle"), _STRATEGIES, "strategy",
                        (*p, "strategy"), name)
    groups = tuple(r.choice(x, floor["groups"], "group", (*p, "groups", j), name)
                   for j, x in enumerate(g("groups", list, [])))
    if len(set(groups)) != len(groups):
        raise r.error((*p, "groups"), "a group is listed twice", name)
    min_prof = r.count(g("min_proficiency", int, 1), 1, (*p, "min_proficiency"),
                       "min_proficiency", name, 5)
    voicemail = r.count(g("voicemail_after_s", int, 0), 0, (*p, "voicemail_after_s"),
                        "voicemail_after_s", name, MAX_RULE_S)
    if voicemail and channel != Channel.PHONE:
        raise r.error((*p, "voicemail_after_s"), "voicemail is for phone queues only", name)
    target = r.count(g("sla_target_s", int, sla[channel]), 1, (*p, "sla_target_s"),
                     "sla_target_s", name, MAX_RULE_S)
    steps = _steps(r, g("overflow", list, []), (*p, "overflow"), name, floor, min_prof,
                   secondary, groups)
    return QueuePolicy(
        queue=Queue(i + 1, name, channel, skill, language, target, strategy.name.lower()),
        work=work,
        groups=groups,
        min_proficiency=min_prof,
        secondary_language=secondary,
        no_answer_s=r.count(g("no_answer_s", int, 0), 0, (*p, "no_answer_s"), "no_answer_s",
                            name, MAX_RULE_S),
        voicemail_after_s=voicemail,
        overflow=steps,
    )


def _agents(r: _Reader, raw: dict, i: int, floor: dict, next_id: int) -> list[Agent]:
    p: tuple = ("agents", i)
    written = r.get(raw, "name", str, p)
    r.keys(raw, _AGENT, p, written)
    # Spaces around a name are a slip of the keyboard, not part of who it is; the
    # stored name never has them (and a scenario's "Olena" finds "Olena ").
    name = written.strip()
    if not name:
        raise r.error((*p, "name"), f"a name of only spaces ({toml_value(written)}): give the "
                      "agent's name", written)
    g = lambda key, kind, default=...: r.get(raw, key, kind, p, default, name)  # noqa: E731
    langs = tuple(r.choice(x, floor["languages"], "language", (*p, "languages", j), name)
                  for j, x in enumerate(g("languages", list)))
    if len(set(langs)) != len(langs):
        raise r.error((*p, "languages"), "a language is listed twice", name)
    if not langs:
        raise r.error((*p, "languages"), "an agent speaks at least one language", name)
    skills = []
    for skill, prof in g("skills", dict).items():
        r.choice(skill, floor["skills"], "skill", (*p, "skills", skill), name)
        if not isinstance(prof, int) or isinstance(prof, bool):
            raise r.error((*p, "skills", skill), "expected a proficiency 1-5, got "
                          f"{toml_value(prof)}",
                          name)
        r.count(prof, 1, (*p, "skills", skill), "proficiency", name, 5)
        skills.append(AgentSkill(skill, prof))
    capacity = {}
    for ch, cap in g("capacity", dict).items():
        channel = r.choice(ch, _CHANNELS, "channel", (*p, "capacity", ch), name)
        if not isinstance(cap, int) or isinstance(cap, bool):
            raise r.error((*p, "capacity", ch), "expected a whole number, got "
                          f"{toml_value(cap)}", name)
        r.count(cap, 1, (*p, "capacity", ch), "capacity", name, 1000)
        if channel in VOICE_CHANNELS and cap != 1:
            raise r.error((*p, "capacity", ch), "a voice channel takes the agent whole: "
                          "capacity is 1", name)
        capacity[channel] = cap
    if not capacity:
        raise r.error((*p, "capacity"), "give at least one channel a capacity", name)
    blend = r.choice(g("blend", str, "care_only"), _BLEND, "blend profile", (*p, "blend"), name)
    group = r.choice(g("group", str, floor["groups"][0] if floor["groups"] else ""),
                     floor["groups"] or [""], "group", (*p, "group"), name)
    count = r.count(g("count", int, 1), 1, (*p, "count"), "count", name)
    if count > 1 and "{n}" not in name:
        raise r.error((*p, "name"), "with count > 1 the name needs '{n}' for the number", name)
    return [
        Agent(next_id + k, name.replace("{n}", str(k + 1)), langs, tuple(skills), capacity,
              g("shift", str, ""), blend, group)
        for k in range(count)
    ]


def _check_staffable(r: _Reader, queues: list[QueuePolicy], agents: list[Agent]) -> None:
    """A queue that no agent could ever take is a mistake, not a policy."""
    for i, qp in enumerate(queues):
        q = qp.queue
        widest = qp.overflow[-1] if qp.overflow else None
        langs = {q.language}
        groups = set(qp.groups)
        min_prof = qp.min_proficiency
        for s in qp.overflow:
            if s.secondary_language and qp.secondary_language:
                langs.add(qp.secondary_language)
            groups |= set(s.groups)
            if s.min_proficiency is not None:
                min_prof = s.min_proficiency
        any_lang = bool(widest and any(s.any_language for s in qp.overflow))
        ok = any(
            (any_lang or langs & set(a.languages))
            and any(s.skill == q.skill and s.proficiency >= min_prof for s in a.skills)
            and q.channel in a.capacity
            and (not qp.groups or a.team in groups)
            and may_do(a.blend, qp.work)
            for a in agents
        )
        if not ok:
            raise r.error(("queues", i), f"no agent can take this queue ({q.channel.name.lower()}"
                          f", {q.language}, {q.skill} >= {min_prof}, {qp.work.name.lower()} work"
                          + (f", groups {', '.join(sorted(groups))}" if qp.groups else "")
                          + ")", q.name)


def parse_floor(text: str, source: str = "<floor>") -> FloorPolicy:
    """Parse and validate a floor definition; raises ConfigError naming line and key."""
    doc, r = _Reader.parse(text, source)
    r.keys(doc, _TOP, ())
    floor_t = r.get(doc, "floor", dict, ())
    r.keys(floor_t, _FLOOR, ("floor",))
    floor = {
        "languages": _names(r, floor_t, "languages", ("floor",)),
        "skills": _names(r, floor_t, "skills", ("floor",)),
        "groups": _names(r, floor_t, "groups", ("floor",)) if "groups" in floor_t else (),
    }
    sla = dict(DEFAULT_SLA_S)
    for ch, seconds in r.get(doc, "sla", dict, (), {}).items():
        channel = r.choice(ch, _CHANNELS, "channel", ("sla", ch))
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            raise r.error(("sla", ch), f"expected seconds, got {toml_value(seconds)}")
        sla[channel] = r.count(seconds, 1, ("sla", ch), "a service-level target")
    blend_t = r.get(doc, "blend", dict, (), {})
    r.keys(blend_t, _BLEND_KEYS, ("blend",))
    blend = BlendPolicy(
        outbound_inbound_threshold=r.count(
            r.get(blend_t, "outbound_inbound_threshold", int, ("blend",), 1), 0,
            ("blend", "outbound_inbound_threshold"), "outbound_inbound_threshold"),
        switch_cost_s=r.count(r.get(blend_t, "switch_cost_s", int, ("blend",), 600), 0,
                              ("blend", "switch_cost_s"), "switch_cost_s"),
    )
    raw_queues = r.get(doc, "queues", list, ())
    if not raw_queues:
        raise r.error(("queues",), "a floor needs at least one queue")
    queues = [_queue(r, r.table(q, ("queues", i)), i, floor, sla)
              for i, q in enumerate(raw_queues)]
    _unique(r, [q.queue.name for q in queues], "queues", "queue")
    agents: list[Agent] = []
    raw_agents = r.get(doc, "agents", list, ())
    if not raw_agents:
        raise r.error(("agents",), "a floor needs at least one agent")
    people: dict[str, tuple[int, str]] = {}  # one person's name -> (entry, as spelled)
    for i, a in enumerate(raw_agents):
        made = _agents(r, r.table(a, ("agents", i)), i, floor, len(agents) + 1)
        _one_person_one_name(r, a["name"], made, i, people)
        agents += made
    _check_staffable(r, queues, agents)
    return FloorPolicy(
        name=r.get(floor_t, "name", str, ("floor",), "Floor"),
        languages=floor["languages"],
        skills=floor["skills"],
        groups=floor["groups"],
        queues=tuple(queues),
        agents=tuple(agents),
        blend=blend,
        sla_s=sla,
    )


def _person(name: str) -> str:
    """What makes two spellings one person: 'Olena', 'olena ' and 'OLENA' are one, as
    are 'Zoë' typed composed or with a combining diaeresis."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name.strip()).casefold())


def _one_person_one_name(r: _Reader, written: str, made: list[Agent], i: int,
                         people: dict[str, tuple[int, str]]) -> None:
    """Refuses entry ``i`` when one of its agents is an earlier agent in another
    spelling: routing, reports and the scenario's lists would see two people."""
    for k, agent in enumerate(made):
        spelled = written.replace("{n}", str(k + 1))
        key = _person(agent.name)
        if key not in people:
            people[key] = (i, spelled)
            continue
        j, first = people[key]
        where = f"agents[{j}], line {line_of(r.text, ('agents', j, 'name'))}"
        if spelled == first:
            message = f"agent name {toml_value(spelled)} is used twice (first at {where})"
        else:
            message = (f"agent name {toml_value(spelled)} is {toml_value(first)} ({where}) "
                       "again: names that differ only in case or in spaces around them are "
                       "one person; name them apart")
        raise r.error(("agents", i, "name"), message, written)


def _unique(r: _Reader, names: list[str], table: str, what: str) -> None:
    seen: dict[str, int] = {}
    for i, n in enumerate(names):
        if n in seen:
            raise r.error((table, i, "name"), f"{what} name {toml_value(n)} is used twice")
        seen[n] = i


def load_floor(path: Path | str, read: Callable[[Path], str] | None = None) -> FloorPolicy:
    path = Path(path).expanduser()
    if read is None:
        return parse_floor(read_toml_text(path, "floor file"), str(path))
    try:
        text = read(path)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: floor file not found.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the floor file ({exc}).") from exc
    return parse_floor(text, str(path))
