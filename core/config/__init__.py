"""All TOML parsing and validation: the app's settings and the floor definition."""

from core.config.settings import (
    SCHEMA,
    Config,
    Key,
    channel_targets_s,
    defaults,
    load_config,
)

__all__ = ["SCHEMA", "Config", "Key", "channel_targets_s", "defaults", "load_config"]
