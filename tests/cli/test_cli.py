"""The floorboard command as a user runs it: exit codes and messages."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from core.store import Store
from core.store.migrations import LATEST_VERSION
from tests import floor_data
from tests.conftest import REPO


def floorboard(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli", *args],
        cwd=REPO, capture_output=True, text=True, env=env, timeout=120,
    )


def test_export_end_to_end_with_pseudonyms_and_secrets(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    with Store.open(db) as s:
        floor_data.populate(s)
        s.audit("system", "gateway-check", detail={"password": "pw-Kannel-42"})
    config = tmp_path / "config.toml"
    config.write_text(
        f'[escalation.sms]\npassword = "pw-Kannel-42"\n'
        f'[export]\npseudonym_key_file = "{tmp_path / "key"}"\n'
    )
    out = tmp_path / "for-analysts.sqlite"
    r = floorboard("--config", str(config), "export", str(out), "--db", str(db),
                   "--pseudonymize")
    assert r.returncode == 0, r.stderr
    assert "customer numbers pseudonymised" in r.stdout
    data = out.read_bytes()
    assert b"pw-Kannel-42" not in data
    # Whole numbers, not fragments: with a fresh random key a pseudonym's hex
    # digits may contain any 4-digit run (CI once drew "7946").
    for form in ("+44 20 7946 0018", "020 7946 0018", "+442079460018", "442079460018",
                 "+380671234567", "380 67 123 4567"):
        assert form.encode() not in data, f"{form} leaked into the export"
    with sqlite3.connect(out) as c:
        assert c.execute("SELECT count(*) FROM v_interactions").fetchone()[0] == 8
    assert (tmp_path / "key").exists()


def test_corrupt_database_exits_non_zero_naming_the_file(tmp_path: Path) -> None:
    db = tmp_path / "floor.sqlite"
    db.write_bytes(b"\x00garbage" * 100)
    for args in (["info", "--db", str(db)], ["--db", str(db), "export", str(tmp_path / "o")]):
        r = floorboard(*args)
        assert r.returncode == 2
        assert str(db) in r.stderr and "not a Floorboard database" in r.stderr
        assert "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()


def test_bad_config_exits_non_zero_naming_line_and_key(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[floor]\nname = "x"\nlanguage = "en"\n')
    r = floorboard("--config", str(config), "info", "--db", str(tmp_path / "f.sqlite"))
    assert r.returncode == 2
    assert f"{config}, line 3: floor.language: unknown key" in r.stderr


def test_info_reads_the_embedded_database_in_the_user_data_folder() -> None:
    default = Path(os.environ["XDG_DATA_HOME"]) / "floorboard" / "floor.sqlite"
    Store.open(default).close()  # as the app or `floorboard simulate` makes it
    r = floorboard("info")
    assert r.returncode == 0, r.stderr
    assert str(default) in r.stdout  # conftest's private folder
    assert f"schema version: {LATEST_VERSION}" in r.stdout


def test_run_without_a_display_says_how_to_use_xvfb(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = floorboard("--db", str(tmp_path / "f.sqlite"), env=env)
    assert r.returncode == 3
    assert "no display" in r.stderr and "xvfb-run -a floorboard" in r.stderr
