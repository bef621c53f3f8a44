"""The floor a database was filled from: the one given with ``--floor`` (checked
against the database), or the one stored when the floor was saved."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.config.floor import load_floor
from core.config.scenario import load_scenario, scenario_source
from core.errors import ConfigError
from core.model.floor_policy import FloorPolicy
from core.store import AgentRow, QueueRow, Store


@dataclass(frozen=True)
class FloorSource:
    """A floor definition and where it came from, in words for the output."""

    floor: FloorPolicy
    source: str


def _floor_rows(floor: FloorPolicy) -> tuple[set[QueueRow], set[AgentRow]]:
    """The floor's queues and agents as the store keeps them (queue_rows, agent_rows)."""
    return ({QueueRow(qp.queue.id, qp.queue.name, qp.queue.channel, qp.queue.language,
                      qp.queue.sla_target_s) for qp in floor.queues},
            {AgentRow(a.id, a.name, a.team, a.shift) for a in floor.agents})


def load_floor_arg(text: str) -> FloorSource:
    """``--floor``: a shipped scenario's name (normal_day_28), a scenario file or a
    floor file; a scenario means its floor."""
    path = Path(text).expanduser()
    try:
        if not path.suffix and not path.exists():
            return FloorSource(load_scenario(text).floor, scenario_source(text))
        try:
            head = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError("no such file; give a floor file, a scenario file or a "
                              "shipped scenario's name (normal_day_28)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read it ({exc})") from None
        if re.search(r"^\s*\[scenario\]", head, re.MULTILINE):
            return FloorSource(load_scenario(path).floor,
                               f"the floor of scenario file {path}")
        return FloorSource(load_floor(path), f"floor file {path}")
    except ConfigError as exc:
        raise ConfigError(f"--floor {text}: {exc}") from None


def check_floor(store: Store, given: FloorSource) -> None:
    """Refuse a floor whose queues or agents are not the database's: its agents'
    eligibility would be about other people. The database may hold more (an import)."""
    queues, agents = _floor_rows(given.floor)
    stored_q = {r.id: r for r in store.queue_rows()}
    stored_a = {r.id: r for r in store.agent_rows()}
    for what, mine, stored in (("queue", queues, stored_q), ("agent", agents, stored_a)):
        for row in sorted(mine):
            there = stored.get(row.id)
            if there != row:
                found = ("not in the database" if there is None
                         else f"{there.name!r} in the database")
                raise ConfigError(
                    f"--floor: {given.source} is not this database's floor: its {what} "
                    f"{row.id} is {row.name!r}, {found}. Give the floor the database was "
                    "filled from, or leave --floor out.")


def floor_of_store(store: Store) -> FloorSource | None:
    """The floor stored when the database's floor was last saved (by the simulator,
    or an import with a floor), else None: the reports then judge without one."""
    stored = store.stored_floor()
    if stored is None:
        return None
    return FloorSource(stored.floor, f"'{stored.floor.name}', {stored.source} (saved with "
                                     "the database)")
