"""Issue 16 item 14: what a config file gets wrong is refused with file, line and key,
never read as something else (two spellings as two people, an overflow step to the
queue's own language, shares rescaled, `true` as 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import SCHEMA, load_config
from core.config.floor import load_floor, parse_floor
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


# -- odd bytes: a line naming the file, never a traceback (found by the fuzzing) --------

SEED_FLOOR = SCENARIO_DIR.parent / "floors" / "seed_28_agents.toml"


def test_a_file_in_utf_16_is_refused_saying_so(tmp_path: Path) -> None:
    path = tmp_path / "floor.toml"
    path.write_bytes(SEED_FLOOR.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(ConfigError, match=r"floor.toml: the floor file is UTF-16 or UTF-32 "
                       "text; save it as UTF-8"):
        load_floor(path)


def test_a_latin_1_byte_is_named_with_its_line(tmp_path: Path) -> None:
    path = _config(tmp_path, "")
    path.write_bytes(b'[floor]\nname = "Caf\xe9 floor"\n')
    with pytest.raises(ConfigError, match=r"config.toml, line 2: the configuration file is "
                       r"not UTF-8 text \(byte 0xe9\); save it as UTF-8"):
        load_config(path)


def test_a_byte_order_mark_is_read_past(tmp_path: Path) -> None:
    path = tmp_path / "floor.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_FLOOR.read_bytes())
    assert len(load_floor(path).agents) == 28


def test_a_megabyte_value_gives_a_message_of_a_line_or_two() -> None:
    huge = "x" * 1_000_000
    with pytest.raises(ConfigError) as exc:
        parse_floor(FLOOR.replace('channel = "phone"', f'channel = "{huge}"'), "floor.toml")
    assert str(exc.value).startswith("floor.toml, line 8: queues[0] (care-uk-phone).channel: "
                                     "unknown channel 'xxx")
    assert len(str(exc.value)) < 700


def test_a_long_run_of_spaces_does_not_hold_the_error_up() -> None:
    # the key pattern was cubic in it: 4,000 spaces took 23 s to place this error
    text = FLOOR.replace("[[agents]]", " " * 100_000 + "# \n[[agents]]").replace(
        "chat = 4", "chat = 0")
    with pytest.raises(ConfigError, match=r"line 25: agents\[0\] \(Olena\).capacity.chat"):
        parse_floor(text, "floor.toml")


def test_a_number_of_thousands_of_digits_is_named_with_its_line() -> None:
    with pytest.raises(ConfigError, match=r"floor.toml, line 14: not valid TOML: a number of "
                       "5000 digits"):
        parse_floor(FLOOR.replace("after_s = 30", "after_s = " + "9" * 5000), "floor.toml")


def test_a_list_where_tables_go_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"floor.toml, line 1: queues\[0\]: expected a table, "
                       "got 1"):
        parse_floor("queues = [1, 2]\n[floor]\nlanguages = ['en']\nskills = ['care']\n",
                    "floor.toml")
    with pytest.raises(ConfigError, match=r"^floor.toml: missing key 'floor'$"):
        parse_floor("", "floor.toml")


@pytest.mark.parametrize("zone", ["Europe", "Europe/" + "x" * 300])
def test_a_time_zone_that_is_a_folder_or_too_long_is_refused(tmp_path: Path,
                                                              zone: str) -> None:
    with pytest.raises(ConfigError, match=r"line 2: floor.timezone: unknown time zone"):
        load_config(_config(tmp_path, f'[floor]\ntimezone = "{zone}"\n'))
    with pytest.raises(ConfigError, match=r"line 2: scenario.timezone: unknown time zone"):
        parse_scenario(SCENARIO.replace("[scenario]", f'[scenario]\ntimezone = "{zone}"'),
                       "load.toml", tmp_path)


def test_a_floor_path_holding_a_nul_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"load.toml, line 2: scenario.floor: .*not a file "
                       "name"):
        parse_scenario(SCENARIO.replace("generate_agents = 30", 'floor = "a\\u0000b"'),
                       "load.toml", tmp_path)


def test_a_scenario_in_latin_1_is_refused_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_bytes(SCENARIO.replace("[scenario]", "[scenario]\nname = 'Caf\xe9'")
                     .encode("latin-1"))
    with pytest.raises(ConfigError, match=r"s.toml, line 2: the scenario file is not UTF-8"):
        load_scenario(path)


def test_a_huge_generated_floor_is_refused_before_it_is_made(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 2: scenario.generate_agents: generate_agents "
                       "must be from 1 to 100000, not 1000000000"):
        parse_scenario(SCENARIO.replace("= 30", "= 1000000000"), "load.toml", tmp_path)
