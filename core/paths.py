"""Where Floorboard keeps its files by default: the user's data and config folders."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "floorboard"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "floor.sqlite"


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def default_pseudonym_key_path() -> Path:
    return config_dir() / "pseudonym.key"
