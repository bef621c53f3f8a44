"""Saving settings into the configuration file the way a person would edit it: the
keys changed in place, everything else (comments, order, other sections) kept, and
nothing written that would not load."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from core.config.settings import SCHEMA, Config, load_config
from core.errors import ConfigError


def _table(doc: Any, section: str) -> Table:
    """The table for a dotted section ('escalation.sms'), made if missing."""
    node = doc
    for part in section.split("."):
        if part not in node:
            node[part] = tomlkit.table(is_super_table=False)
        node = node[part]
        if not isinstance(node, Table):
            raise ConfigError(f"[{section}] is not a table in the file")
    return node


def save_settings(path: Path, updates: Mapping[str, Any]) -> Config:
    """Set each 'section.key' of ``updates`` in the file at ``path`` (made if missing);
    None removes the key (its default applies). The file is replaced only once the
    new text loads without error; the loaded configuration is returned."""
    path = Path(path).expanduser()
    for dotted in updates:
        section, _, key = dotted.rpartition(".")
        if key not in SCHEMA.get(section, {}):
            raise ValueError(f"no configuration key {dotted!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ("# Floorboard configuration (assets/config.example.toml lists every key).\n"
                "# Written by the app's settings; comments and other keys are kept.\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc}).") from exc
    try:
        doc = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: the file is not valid TOML ({exc}); correct it before "
                          "saving settings into it.") from exc
    for dotted, value in updates.items():
        section, _, key = dotted.rpartition(".")
        table = _table(doc, section)
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(tomlkit.dumps(doc))
            f.flush()
            os.fsync(f.fileno())
        try:
            load_config(temp)
        except ConfigError as exc:
            # Name the real file: the temporary one is gone when the user reads this.
            raise ConfigError(str(exc).replace(temp, str(path))) from None
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return load_config(path)
