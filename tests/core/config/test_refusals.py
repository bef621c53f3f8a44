"""Issue 16 item 14: what a config file gets wrong is refused with file, line and key,
never read as something else (two spellings as two people, an overflow step to the
queue's own language, shares rescaled, `true` as 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import SCHEMA, load_config
from core.config.floor import parse_floor
from core.config.scenario import SCENARIO_DIR, load_scenario, parse_scenario
from core.errors import ConfigError
from tests.core.routing.test_floor_file import BASE as FLOOR
from tests.core.simulation.scenario_text import BASE as SCENARIO

OLENA = FLOOR[FLOOR.index("[[agents]]"):]


def _with_agent(name: str) -> str:
    """The base floor (Olena on line 21) and a second agent, named on line 29."""
    return FLOOR + "\n" + OLENA.replace('"Olena"', f'"{name}"')


# -- agents: one person, one name ------------------------------------------------------

@pytest.mark.parametrize("second", ["olena ", "OLENA", " Olena", "Olena\t"])
def test_an_agent_named_twice_in_other_case_or_spaces_is_refused(second: str) -> None:
    with pytest.raises(ConfigError) as exc:
        parse_floor(_with_agent(second), "floor.toml")
    message = str(exc.value)
    assert message.startswith("floor.toml, line 29: agents[1] (")
    assert ").name: " in message
    # both spellings, as written, and where the first one is
    assert repr(second) in message and "'Olena'" in message
    assert "line 21" in message


def test_names_are_compared_after_unicode_normalisation_and_case_folding() -> None:
    composed, decomposed = "Zo\u00eb", "ZOE\u0308"
    with pytest.raises(ConfigError, match=r"line 29: agents\[1\] .*\.name: "):
        parse_floor(_with_agent(composed).replace('"Olena"', f'"{decomposed}"', 1),
                    "floor.toml")
    with pytest.raises(ConfigError, match="line 29"):
        parse_floor(_with_agent("STRASSE").replace('"Olena"', '"Straße"', 1), "floor.toml")


def test_a_name_made_by_count_clashes_with_the_entry_that_repeats_it() -> None:
    text = FLOOR.replace('name = "Olena"', 'name = "Night {n}"\ncount = 3') + "\n" + \
        OLENA.replace('"Olena"', '"night 2"')
    with pytest.raises(ConfigError) as exc:
        parse_floor(text, "floor.toml")
    assert str(exc.value).startswith("floor.toml, line 30: agents[1] (night 2).name: ")
    assert "'Night 2'" in str(exc.value)


def test_spaces_around_a_name_are_not_kept() -> None:
    floor = parse_floor(FLOOR.replace('"Olena"', '"  Olena "'), "floor.toml")
    assert floor.agents[0].name == "Olena"


def test_a_name_of_only_spaces_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"floor.toml, line 21: agents\[0\] .*\.name: "):
        parse_floor(FLOOR.replace('"Olena"', '"   "'), "floor.toml")


def test_agents_whose_names_only_look_alike_are_two_people() -> None:
    floor = parse_floor(_with_agent("Olena K"), "floor.toml")
    assert [a.name for a in floor.agents] == ["Olena", "Olena K"]


# -- overflow: a step widens to a language not reached yet -----------------------------

def test_a_secondary_language_that_is_the_queue_s_own_is_refused() -> None:
    text = FLOOR.replace('secondary_language = "ru"', 'secondary_language = "uk"')
    with pytest.raises(ConfigError) as exc:
        parse_floor(text, "floor.toml")
    assert str(exc.value).startswith(
        "floor.toml, line 11: queues[0] (care-uk-phone).secondary_language: 'uk' is the "
        "queue's own language")


REPEAT = "  secondary_language = true\n  [[queues.overflow]]\n  after_s = 90\n"


@pytest.mark.parametrize("step, line, index, reached", [
    ("  secondary_language = true\n  any_language = true\n", 21, 2, "overflow[1]"),
    ("  any_language = true\n  [[queues.overflow]]\n  after_s = 120\n"
     "  secondary_language = true\n", 24, 3, "overflow[2]"),
])
def test_a_step_to_a_language_already_reached_is_refused(step: str, line: int, index: int,
                                                         reached: str) -> None:
    text = FLOOR.replace("  secondary_language = true\n", REPEAT + step, 1)
    with pytest.raises(ConfigError) as exc:
        parse_floor(text, "floor.toml")
    assert str(exc.value).startswith(f"floor.toml, line {line}: queues[0] (care-uk-phone)."
                                     f"overflow[{index}].secondary_language: ")
    assert f"reached at {reached}" in str(exc.value)


def test_any_language_twice_is_refused() -> None:
    text = FLOOR.replace("  secondary_language = true\n", "  secondary_language = true\n"
                         "  any_language = true\n  [[queues.overflow]]\n  after_s = 90\n"
                         "  any_language = true\n  min_proficiency = 1\n", 1)
    with pytest.raises(ConfigError, match=r"floor.toml, line 22: queues\[0\] \(care-uk-phone\)"
                       r"\.overflow\[2\]\.any_language: every language was reached at "
                       r"overflow\[1\]"):
        parse_floor(text, "floor.toml")


# -- scenario shares add up to 1 --------------------------------------------------------

def test_channel_shares_that_do_not_add_up_to_one_are_refused(tmp_path: Path) -> None:
    text = SCENARIO.replace("phone = 1.0", "phone = 1.0\n  chat = 0.5")
    with pytest.raises(ConfigError) as exc:
        parse_scenario(text, "load.toml", tmp_path)
    assert str(exc.value).startswith("load.toml, line 5: demand.channels: ")
    assert "1.5" in str(exc.value) and "add up to" in str(exc.value)


def test_language_shares_that_do_not_add_up_to_one_are_refused(tmp_path: Path) -> None:
    text = SCENARIO.replace("phone = 1.0", "phone = 1.0\n  [demand.languages]\n"
                            "  en = 0.5\n  uk = 0.4")
    with pytest.raises(ConfigError, match=r"load.toml, line 7: demand.languages: .*0\.9"):
        parse_scenario(text, "load.toml", tmp_path)


def test_shares_written_to_a_few_places_add_up(tmp_path: Path) -> None:
    text = SCENARIO.replace("phone = 1.0", "phone = 0.1\n  chat = 0.2\n  email = 0.7")
    parse_scenario(text, "load.toml", tmp_path)  # 0.1 + 0.2 + 0.7 is 0.9999999999999999


@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIO_DIR.glob("*.toml")))
def test_every_shipped_scenario_loads(name: str) -> None:
    assert load_scenario(name).queue_share


# -- numbers are not yes/no ------------------------------------------------------------

def _config(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_duplicate_days_true_is_refused(tmp_path: Path) -> None:
    path = _config(tmp_path, "[escalation]\nresend_after_min = 5\nduplicate_days = true\n")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert str(exc.value) == (f"{path}, line 3: escalation.duplicate_days: expected a number "
                              "of days, got true (a yes/no value)")


NUMBERS = [(section, key) for section, keys in SCHEMA.items() for key, spec in keys.items()
           if (spec.type if isinstance(spec.type, tuple) else (spec.type,))
           in ((int,), (int, float), (float,))]


@pytest.mark.parametrize("section, key", NUMBERS, ids=[f"{s}.{k}" for s, k in NUMBERS])
def test_no_number_in_the_settings_takes_a_yes_or_no(tmp_path: Path, section: str,
                                                     key: str) -> None:
    path = _config(tmp_path, f"[{section}]\n\n{key} = false\n")
    with pytest.raises(ConfigError, match=rf"line 3: {section}.{key}: expected .*, got false"):
        load_config(path)


@pytest.mark.parametrize("old, new, message", [
    ("interactions_per_day = 1000", "interactions_per_day = true",
     r"line 4: demand.interactions_per_day: expected a number, got true"),
    ("[shifts]", "[staffing]\nsick_rate = false\n[shifts]",
     r"line 8: staffing.sick_rate: expected a number, got false"),
    ("early = [6, 14]", "early = [true, 14]", r"line 8: shifts.early: give \[start hour"),
    ("interactions_per_day = 1000", "interactions_per_day = 1000\nweekly = [1, 1, 1, 1, 1, "
     "true, 1]", r"line 5: demand.weekly\[5\]: expected a number, got true"),
    ("interactions_per_day = 1000", "interactions_per_day = 1000\nweekly = [1, 1, 1, 1, 1, "
     "'x', 1]", r"line 5: demand.weekly\[5\]: expected a number, got 'x'"),
    ("interactions_per_day = 1000", "interactions_per_day = nan",
     r"line 4: demand.interactions_per_day: expected a number, got nan"),
    ("[scenario]", "[scenario]\ndays = true", r"line 2: scenario.days: expected a whole "
     "number, got true"),
])
def test_no_number_in_a_scenario_takes_a_yes_or_no(tmp_path: Path, old: str, new: str,
                                                   message: str) -> None:
    assert old in SCENARIO
    with pytest.raises(ConfigError, match=message):
        parse_scenario(SCENARIO.replace(old, new, 1), "load.toml", tmp_path)


def test_no_number_in_a_floor_takes_a_yes_or_no() -> None:
    with pytest.raises(ConfigError, match=r"floor.toml, line 14: queues\[0\] \(care-uk-phone\)"
                       r"\.overflow\[0\]\.after_s: expected a whole number, got true"):
        parse_floor(FLOOR.replace("after_s = 30", "after_s = true"), "floor.toml")
