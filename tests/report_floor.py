"""What the report commands' tests share: the floor's clock in a config file (the
simulated day is the fixture ``sim`` in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

TZ = "Europe/Kyiv"


def write_config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(f'[floor]\ntimezone = "{TZ}"\n')
    return path
