"""Scenario files (assets/scenarios/*.toml): a floor plus the demand put on it.

Errors name the file, the line and the key, like the floor file's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

from core.config.floor import load_floor
from core.config.generated_floor import generated_floor
from core.config.settings import timezone_problem
from core.config.toml_source import TomlReader, read_toml_text, toml_value
from core.errors import ConfigError
from core.model import Channel
from core.model.floor_policy import FloorPolicy
from core.model.scenario import (
    BANK_1999_HOURLY,
    AbsencePlan,
    BreakPlan,
    ChannelModel,
    Product,
    SabotagePlan,
    SalesModel,
    Scenario,
    SeasonPoint,
    night_floored,
)

_CHANNELS = {c.name.lower(): c for c in Channel}
_TOP = {"scenario", "demand", "season", "channels", "shifts", "staffing", "complaints",
        "breaks", "absence", "sabotage", "sales"}
_BREAKS = {"short", "short_min", "meal", "meal_min", "spread_min", "jitter_min",
           "keep_languages_covered"}
_ABSENCE = {"agents", "share", "per_shift", "mean_min", "max_min"}
_SABOTAGE = {"agents", "share", "after_s"}
_SALES = {"currency", "amount_cv", "partner_share", "partners", "partner_mean", "products"}
_PRODUCT = {"mean", "share"}
_COMPLAINTS = {"rate", "serious_share", "prank_rate"}
_SCENARIO = {"name", "floor", "generate_agents", "start", "days", "seed", "timezone"}
_DEMAND = {"interactions_per_day", "hourly_shape", "weekly", "channels", "languages",
           "prank_share", "conversion", "language_offset_h"}
_CHANNEL_MODEL = {"handle_mean_s", "handle_cv", "handle_min_s", "handle_max_s",
                  "patience_mean_s", "wrap_up_s", "handle_distribution", "wave_shift_h",
                  "wave_flatness"}
_STAFFING = {"sick_rate", "phone_lines", "logins"}
#: How far from 1 the shares may add up: what decimal fractions cost in binary
#: (0.1 + 0.2 + 0.7 is 0.9999999999999999), not a slip of the pen.
SHARE_TOLERANCE = 1e-6
#: More than the 10,000 agents the core is built for, less than a floor that would
#: take minutes and gigabytes to make before anything is said.
MAX_GENERATED_AGENTS = 100_000

#: Defaults per channel (seed 000: 3 minutes to 1.5 hours; chats run long).
DEFAULT_CHANNELS = {
    Channel.PHONE: ChannelModel(300, 1.0, 45, 3600, patience_mean_s=120, wrap_up_s=30),
    Channel.CHAT: ChannelModel(720, 1.2, 180, 5400, patience_mean_s=180),
    Channel.EMAIL: ChannelModel(420, 0.8, 60, 3600),
    Channel.TICKET: ChannelModel(480, 0.8, 60, 3600),
    Channel.WEB_REQUEST: ChannelModel(360, 0.8, 60, 3600),
    Channel.CALLBACK: ChannelModel(300, 1.0, 45, 3600, wrap_up_s=30),
    Channel.OUTBOUND_CALL: ChannelModel(240, 1.0, 30, 3600, wrap_up_s=30),
}


def _number(r: TomlReader, table: dict, key: str, path: tuple, default: float,
            low: float = 0.0) -> float:
    value = r.get(table, key, (int, float), path, default)
    if value < low:
        raise r.error((*path, key), f"must be at least {low}, not {value}")
    return float(value)


def _hours(r: TomlReader, table: dict, key: str, path: tuple) -> float:
    value = r.get(table, key, (int, float), path, 0.0)
    if not -12 <= value <= 12:
        raise r.error((*path, key), f"hours from -12 to 12, not {value}")
    return float(value)


def _shares(r: TomlReader, table: dict, path: tuple, names) -> dict:
    out = {}
    for key, value in table.items():
        name = r.choice(key, names, path[-1].rstrip("s"), (*path, key))
        if r.number(value, (*path, key)) < 0:
            raise r.error((*path, key), f"expected a share >= 0, got {toml_value(value)}")
        out[name] = float(value)
    total = math.fsum(out.values())
    if out and total <= 0:
        raise r.error(path, "shares add up to nothing")
    # Rescaling them would run another scenario than the one written: 0.45 + 0.35 +
    # 0.7 meant something, and nobody can tell what.
    if out and abs(total - 1) > SHARE_TOLERANCE:
        raise r.error(path, f"the shares add up to {total:.6g}, not 1 ("
                      + " + ".join(f"{v:g}" for v in out.values())
                      + "): give each its share of the whole")
    return out


def _share(r: TomlReader, table: dict, key: str, path: tuple, default: float) -> float:
    value = _number(r, table, key, path, default)
    if value > 1:
        raise r.error((*path, key), f"a share (0..1), not {value}")
    return value


def _agent_ids(r: TomlReader, table: dict, path: tuple, floor: FloorPolicy) -> tuple[int, ...]:
    """The agents a list names, by their names on the floor."""
    by_name: dict[str, list[int]] = {}
    for a in floor.agents:
        by_name.setdefault(a.name, []).append(a.id)
    out = []
    for j, name in enumerate(r.get(table, "agents", list, path, [])):
        where = (*path, "agents", j)
        if not isinstance(name, str):
            raise r.error(where, f"expected an agent's name, got {toml_value(name)}")
        ids = r.choice(name, by_name, "agent", where)
        if len(ids) > 1:
            raise r.error(where, f"{len(ids)} agents are called {toml_value(name)}: name them "
                          "apart "
                          "in the floor file")
        if ids[0] in out:
            raise r.error(where, f"{toml_value(name)} is listed twice")
        out.append(ids[0])
    return tuple(out)


def _breaks(r: TomlReader, doc: dict) -> BreakPlan | None:
    if "breaks" not in doc:
        return None
    t = r.get(doc, "breaks", dict, ())
    p = ("breaks",)
    r.keys(t, _BREAKS, p)
    d = BreakPlan()
    return BreakPlan(
        short=r.count(r.get(t, "short", int, p, d.short), 0, (*p, "short"), "short"),
        short_min=_number(r, t, "short_min", p, d.short_min, low=1),
        meal=r.count(r.get(t, "meal", int, p, d.meal), 0, (*p, "meal"), "meal"),
        meal_min=_number(r, t, "meal_min", p, d.meal_min, low=1),
        spread_min=_number(r, t, "spread_min", p, d.spread_min),
        jitter_min=_number(r, t, "jitter_min", p, d.jitter_min),
        keep_languages_covered=r.get(t, "keep_languages_covered", bool, p,
                                     d.keep_languages_covered))


def _absence(r: TomlReader, doc: dict, floor: FloorPolicy) -> AbsencePlan | None:
    if "absence" not in doc:
        return None
    t = r.get(doc, "absence", dict, ())
    p = ("absence",)
    r.keys(t, _ABSENCE, p)
    d = AbsencePlan()
    plan = AbsencePlan(
        agent_ids=_agent_ids(r, t, p, floor), share=_share(r, t, "share", p, d.share),
        per_shift=_number(r, t, "per_shift", p, d.per_shift),
        mean_min=_number(r, t, "mean_min", p, d.mean_min, low=1),
        max_min=_number(r, t, "max_min", p, d.max_min, low=2))
    if plan.mean_min > plan.max_min:
        raise r.error((*p, "mean_min"), f"{plan.mean_min:g} min is above max_min "
                      f"({plan.max_min:g})")
    return plan


def _sabotage(r: TomlReader, doc: dict, floor: FloorPolicy) -> SabotagePlan | None:
    if "sabotage" not in doc:
        return None
    t = r.get(doc, "sabotage", dict, ())
    p = ("sabotage",)
    r.keys(t, _SABOTAGE, p)
    d = SabotagePlan()
    ids = _agent_ids(r, t, p, floor)
    agents = {a.id: a for a in floor.agents}
    for j, aid in enumerate(ids):
        if Channel.OUTBOUND_CALL not in agents[aid].capacity:
            raise r.error((*p, "agents", j), f"{toml_value(agents[aid].name)} takes no "
                          "outbound calls "
                          "(no outbound_call capacity in the floor file)")
    after = r.get(t, "after_s", list, p, list(d.after_s))
    ok = (len(after) == 2 and all(isinstance(x, int | float) and not isinstance(x, bool)
                                  for x in after) and 0 < after[0] <= after[1] < math.inf)
    if not ok:
        raise r.error((*p, "after_s"), "give [shortest, longest] seconds before hanging up, "
                      f"e.g. [2, 6], not {toml_value(after)}")
    return SabotagePlan(agent_ids=ids, share=_share(r, t, "share", p, d.share),
                        after_s=(float(after[0]), float(after[1])))


def _sales(r: TomlReader, doc: dict) -> SalesModel:
    d = SalesModel()
    if "sales" not in doc:
        return d
    t = r.get(doc, "sales", dict, ())
    p = ("sales",)
    r.keys(t, _SALES, p)
    currency = r.get(t, "currency", str, p, d.currency)
    if not re.fullmatch("[A-Z]{3}", currency):
        raise r.error((*p, "currency"), "an ISO 4217 code such as 'EUR', not "
                      f"{toml_value(currency)}")
    products = []
    for name, table in r.get(t, "products", dict, p, {}).items():
        pp = (*p, "products", name)
        if not isinstance(table, dict):
            raise r.error(pp, "give the product's mean amount and share, e.g. "
                          "{ mean = 60, share = 0.5 }")
        r.keys(table, _PRODUCT, pp)
        products.append(Product(name, _number(r, table, "mean", pp, 0.0, low=0.01),
                                _number(r, table, "share", pp, 1.0)))
    if products and sum(x.share for x in products) <= 0:
        raise r.error((*p, "products"), "shares add up to nothing")
    partners = r.get(t, "partners", list, p, [])
    for j, pid in enumerate(partners):
        if not isinstance(pid, str) or not pid.strip():
            raise r.error((*p, "partners", j), f"expected a partner id, got {toml_value(pid)}")
        if pid in partners[:j]:
            raise r.error((*p, "partners", j), f"partner {toml_value(pid)} is listed twice")
    share = _share(r, t, "partner_share", p, d.partner_share)
    if share > 0 and not partners:
        raise r.error((*p, "partner_share"), "partner sales need partners: list their ids "
                      "in sales.partners")
    return SalesModel(
        currency=currency, products=tuple(products) or d.products,
        amount_cv=_number(r, t, "amount_cv", p, d.amount_cv), partner_share=share,
        partners=tuple(partners),
        partner_mean=_number(r, t, "partner_mean", p, d.partner_mean, low=0.01))


def parse_scenario(text: str, source: str, base: Path) -> Scenario:
    doc, r = TomlReader.parse(text, source)
    r.keys(doc, _TOP, ())
    sc = r.get(doc, "scenario", dict, ())
    r.keys(sc, _SCENARIO, ("scenario",))
    p = ("scenario",)
    if "floor" in sc and "generate_agents" in sc:
        raise r.error((*p, "generate_agents"), "give either floor or generate_agents")
    if "floor" in sc:
        floor_path = base / r.get(sc, "floor", str, p)
        try:
            floor = load_floor(floor_path)
        except ConfigError as exc:
            raise r.error((*p, "floor"), str(exc)) from exc
    else:
        n = r.get(sc, "generate_agents", int, p)
        r.count(n, 1, (*p, "generate_agents"), "generate_agents", high=MAX_GENERATED_AGENTS)
        floor = generated_floor(n)
    start = r.get(sc, "start", dt.date, p, dt.date(2026, 11, 2))
    days = r.count(r.get(sc, "days", int, p, 1), 1, (*p, "days"), "days")

    d = r.get(doc, "demand", dict, ())
    r.keys(d, _DEMAND, ("demand",))
    per_day = _number(r, d, "interactions_per_day", ("demand",), 0, low=1)
    shape = tuple(r.number(x, ("demand", "hourly_shape", i)) for i, x in enumerate(
        r.get(d, "hourly_shape", list, ("demand",), list(BANK_1999_HOURLY))))
    if len(shape) != 24 or min(shape) < 0 or sum(shape) <= 0:
        raise r.error(("demand", "hourly_shape"), "give 24 non-negative hourly weights")
    weekly = tuple(r.number(x, ("demand", "weekly", i))
                   for i, x in enumerate(r.get(d, "weekly", list, ("demand",), [1.0] * 7)))
    if len(weekly) != 7 or min(weekly) < 0:
        raise r.error(("demand", "weekly"), "give 7 non-negative weights, Monday first")
    channel_share = _shares(r, r.get(d, "channels", dict, ("demand",), {}),
                            ("demand", "channels"), _CHANNELS)
    lang_share = _shares(r, r.get(d, "languages", dict, ("demand",), {}),
                         ("demand", "languages"), list(floor.languages))
    offsets_table = r.get(d, "language_offset_h", dict, ("demand",), {})
    offsets = {}
    for key in offsets_table:
        lang = r.choice(key, list(floor.languages), "language",
                        ("demand", "language_offset_h", key))
        offsets[lang] = _hours(r, offsets_table, key, ("demand", "language_offset_h"))
    queue_share = {}
    for qp in floor.queues:
        q = qp.queue
        ch_w = channel_share.get(q.channel, 0.0) if channel_share else 1.0
        lang_w = lang_share.get(q.language, 0.0) if lang_share else 1.0
        same = sum(1 for o in floor.queues
                   if o.queue.channel == q.channel and o.queue.language == q.language)
        queue_share[q.id] = ch_w * lang_w / same
    for ch, share in channel_share.items():
        if share > 0 and not any(queue_share[qp.queue.id] > 0 for qp in floor.queues
                                 if qp.queue.channel == ch):
            raise r.error(("demand", "channels", ch.name.lower()),
                          "demand on a channel no queue of the floor takes "
                          "(in the languages with demand)")
    total = sum(queue_share.values())
    if total <= 0:
        raise r.error(("demand",), "no queue of the floor gets any demand")
    queue_share = {k: v / total for k, v in queue_share.items()}

    season = []
    for i, point in enumerate(r.get(doc, "season", list, (), [])):
        sp = ("season", i)
        r.table(point, sp)
        day = r.get(point, "day", dt.date, sp)
        mult = _number(r, point, "multiplier", sp, 1.0)
        if season and day <= season[-1].day:
            raise r.error((*sp, "day"), "season points must come in date order")
        season.append(SeasonPoint(day, mult))

    channels = dict(DEFAULT_CHANNELS)
    for key, table in r.get(doc, "channels", dict, (), {}).items():
        ch = r.choice(key, _CHANNELS, "channel", ("channels", key))
        cp = ("channels", key)
        r.keys(r.table(table, cp), _CHANNEL_MODEL, cp)
        base_model = DEFAULT_CHANNELS[ch]
        model = ChannelModel(
            handle_mean_s=_number(r, table, "handle_mean_s", cp, base_model.handle_mean_s, 1),
            handle_cv=_number(r, table, "handle_cv", cp, base_model.handle_cv),
            handle_min_s=_number(r, table, "handle_min_s", cp, base_model.handle_min_s),
            handle_max_s=_number(r, table, "handle_max_s", cp, base_model.handle_max_s, 1),
            patience_mean_s=_number(r, table, "patience_mean_s", cp,
                                    base_model.patience_mean_s),
            wrap_up_s=_number(r, table, "wrap_up_s", cp, base_model.wrap_up_s),
            handle_distribution=r.choice(
                r.get(table, "handle_distribution", str, cp, base_model.handle_distribution),
                ["lognormal", "exponential"], "distribution", (*cp, "handle_distribution")),
            wave_shift_h=_hours(r, table, "wave_shift_h", cp),
            wave_flatness=_number(r, table, "wave_flatness", cp, 0.0),
        )
        if model.wave_flatness > 1:
            raise r.error((*cp, "wave_flatness"), "0 (the wave itself) to 1 (flat)")
        if model.handle_min_s > model.handle_max_s:
            raise r.error((*cp, "handle_min_s"), "handle_min_s is above handle_max_s")
        channels[ch] = model

    shifts = {}
    for name, hours in r.get(doc, "shifts", dict, (), {"day": [0, 24]}).items():
        ok = (isinstance(hours, list) and len(hours) == 2
              and all(isinstance(h, int | float) and not isinstance(h, bool)
                      for h in hours)
              and 0 <= hours[0] < hours[1] <= hours[0] + 24)
        if not ok:
            raise r.error(("shifts", name), "give [start hour, end hour], e.g. [22, 30] "
                          "for a night shift")
        shifts[name] = (float(hours[0]), float(hours[1]))
    for a in floor.agents:
        if a.shift not in shifts:
            raise r.error(("shifts",), f"agent {a.name}'s shift {toml_value(a.shift)} has no hours "
                          f"here (shifts: {', '.join(shifts)})")
    staffing = r.get(doc, "staffing", dict, (), {})
    r.keys(staffing, _STAFFING, ("staffing",))
    sick = _number(r, staffing, "sick_rate", ("staffing",), 0.0)
    if sick >= 1:
        raise r.error(("staffing", "sick_rate"), "a share below 1")
    prank = _number(r, d, "prank_share", ("demand",), 0.0)
    conversion = _number(r, d, "conversion", ("demand",), 0.17)
    if prank >= 1 or conversion > 1:
        raise r.error(("demand",), "prank_share and conversion are shares (0..1)")
    complaints = r.get(doc, "complaints", dict, (), {})
    r.keys(complaints, _COMPLAINTS, ("complaints",))
    rates = {k: _number(r, complaints, k, ("complaints",), 0.0) for k in _COMPLAINTS}
    for key, value in rates.items():
        if value > 1:
            raise r.error(("complaints", key), f"a share (0..1), not {value}")
    timezone = r.get(sc, "timezone", str, p, "UTC")
    if problem := timezone_problem(timezone):
        raise r.error((*p, "timezone"), problem)
    return Scenario(
        name=r.get(sc, "name", str, p, Path(source).stem),
        floor=floor,
        start=start,
        days=days,
        seed=r.count(r.get(sc, "seed", int, p, 1), 0, (*p, "seed"), "seed"),
        interactions_per_day=per_day,
        queue_share=queue_share,
        hourly_shape=night_floored(shape) if "hourly_shape" not in d else tuple(
            x / sum(shape) for x in shape),
        weekly=weekly,
        season=tuple(season),
        channels=channels,
        shifts=shifts,
        sick_rate=sick,
        phone_lines=int(_number(r, staffing, "phone_lines", ("staffing",), 0)),
        conversion=conversion,
        prank_share=prank,
        language_offset_h=offsets,
        complaint_rate=rates["rate"],
        serious_complaint_share=rates["serious_share"],
        prank_complaint_rate=rates["prank_rate"],
        timezone=timezone,
        logins=r.get(staffing, "logins", bool, ("staffing",), True),
        breaks=_breaks(r, doc),
        absence=_absence(r, doc, floor),
        sabotage=_sabotage(r, doc, floor),
        sales=_sales(r, doc),
    )


SCENARIO_DIR = Path(__file__).resolve().parents[2] / "assets" / "scenarios"


def scenario_source(name_or_path: str | Path) -> str:
    """Where a scenario's floor comes from, in words, as ``load_scenario`` is given it:
    a shipped scenario's name, or a file (its full path: the words outlive the folder
    they were said in)."""
    path = Path(name_or_path)
    if not path.suffix:
        return f"the floor of scenario {name_or_path}"
    return f"the floor of scenario file {path.expanduser().resolve()}"


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A scenario by file path, or by name from assets/scenarios ("normal_day_28")."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SCENARIO_DIR / f"{name_or_path}.toml"
    known = ", ".join(sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
    text = read_toml_text(path, "scenario file", f"scenario not found (shipped: {known}).")
    return parse_scenario(text, str(path), path.parent)
