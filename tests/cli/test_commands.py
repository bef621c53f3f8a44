"""The floorboard command line as a user meets it: one module per subcommand, `run`
opens the app, readers never create a database, the headless commands need no Qt,
and every mistake is one line and exit 2."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from core.cli.main import HEADLESS
from desktop import cli
from tests.conftest import REPO
from tests.core.ingest.test_bank_import import bank_file

READERS = [c.name for c in HEADLESS if c.reads_only]
#: Requirement ids are the team's words, not a user's.
INTERNAL_ID = re.compile(r"\b(KPI|ESC|ROUTE|SIM|WFM|PLAY|INGEST|STORE|UI)-\d")


def test_the_readers_are_the_commands_that_only_read() -> None:
    assert sorted(READERS) == ["calls", "forecast", "info", "kpi", "missed", "outbound",
                             "sales"]


@pytest.mark.parametrize("command", [*READERS, "export"])
def test_a_command_that_reads_refuses_a_database_that_does_not_exist(
        tmp_path: Path, capsys, command: str) -> None:
    missing = tmp_path / "typo.sqlite"
    extra = [str(tmp_path / "out.sqlite")] if command == "export" else []
    assert cli.main([command, *extra, "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: no such database; nothing was created" in err
    assert list(tmp_path.iterdir()) == []


def test_run_and_no_command_open_the_app(monkeypatch, tmp_path: Path) -> None:
    import desktop.app

    opened = []
    monkeypatch.setattr(desktop.app, "run_app",
                        lambda store, config, scenario, speed, problems, path:
                        opened.append((store.path, scenario, speed)) or 0)
    db = tmp_path / "floor.sqlite"
    assert cli.main(["run", "--db", str(db), "--speed", "60"]) == 0
    assert cli.main(["--db", str(db), "--no-simulation"]) == 0
    assert cli.main(["--scenario", "december_peak", "--db", str(db)]) == 0
    assert opened == [(db, "normal_day_28", 60.0), (db, None, 1.0), (db, "december_peak", 1.0)]


@pytest.mark.parametrize("args, message", [
    (["--speed", "60", "info"], "--speed is an option of the app (floorboard run), not of "
     "floorboard info"),
    (["--no-simulation", "kpi"], "--no-simulation is an option of the app"),
    (["run", "--speed", "0"], "0: give a speed above 0"),
    (["run", "--scenario", "no_such_floor"], "scenario not found (shipped: december_peak"),
    (["kpi", "--by", "agent,agent"], "agent is given twice; give each once"),
    (["kpi", "--by", "mood"], "--by 'mood': one or more of channel, queue"),
    (["sales", "--by", "agent,team"], "this report groups by one of agent, team"),
    (["simulate", "normal_day_28", "--speed", "-5"], "-5: give a speed above 0"),
    (["simulate", "normal_day_28", "--days", "0"], "0: give 1 day or more"),
    (["simulate", "normal_day_28", "--days", "-3"], "-3: give 1 day or more"),
    (["pager", "--listen-port", "70000"], "70000: a port is 1-65535"),
])
def test_a_mistake_is_one_line_and_exit_2(populated_db: Path, capsys, args, message) -> None:
    with pytest.raises(SystemExit) as stopped:
        code = cli.main([*args, "--db", str(populated_db)])
        raise SystemExit(code)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err


def test_a_pager_port_in_use_is_named(populated_db: Path, capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["pager", "--db", str(populated_db), "--listen-port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen for delivery reports on 127.0.0.1:{port}" in err


@pytest.mark.parametrize("command", ["run", *(c.name for c in HEADLESS)])
def test_each_command_s_help_has_one_line_and_an_example(capsys, command: str) -> None:
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    text = capsys.readouterr().out
    description = text.split("\n\n")[1]
    assert description.strip().endswith(".") and "\n" not in description.strip()[:70]
    assert re.search(r"^examples?:\n  floorboard", text, re.M), text
    assert not INTERNAL_ID.search(text), INTERNAL_ID.search(text)


def test_the_main_help_lists_every_command_without_internal_ids(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    for c in ("run", *(c.name for c in HEADLESS)):
        assert re.search(rf"^\s+{c}\s", text, re.M), c
    assert not INTERNAL_ID.search(text)


#: Runs desktop.cli (the installed entry point) where Qt cannot be imported.
_NO_QT = textwrap.dedent("""
    import importlib.abc, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"):
                raise ImportError(f"{name} is blocked: this machine has no Qt")
            return None

    sys.meta_path.insert(0, NoQt())
    from desktop.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def _no_qt(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _NO_QT, *args], cwd=REPO,
                          capture_output=True, text=True, timeout=180, **kw)


def test_the_headless_commands_run_where_qt_cannot_be_imported(tmp_path: Path) -> None:
    db = tmp_path / "sim.sqlite"
    r = _no_qt("simulate", "normal_day_28", "--days", "1", "--db", str(db))
    assert r.returncode == 0, r.stderr
    for command in ("info", "kpi", "calls", "outbound", "missed", "sales"):
        r = _no_qt(command, "--db", str(db))
        assert r.returncode == 0, (command, r.stderr)
        assert r.stdout.strip(), command
    r = _no_qt("export", str(tmp_path / "copy.sqlite"), "--db", str(db))
    assert r.returncode == 0 and "Exported" in r.stdout, r.stderr
    r = _no_qt("import", "anonymous-bank", str(bank_file(tmp_path)), "--db",
               str(tmp_path / "bank.sqlite"))
    assert r.returncode == 0, r.stderr
    r = _no_qt("run", "--db", str(db))
    assert r.returncode != 0 and "PySide6 is blocked" in r.stderr  # the blocker works


def test_the_pager_runs_where_qt_cannot_be_imported(populated_db: Path) -> None:
    p = subprocess.Popen([sys.executable, "-c", _NO_QT, "pager", "--db", str(populated_db),
                          "--listen-port", "0"], cwd=REPO, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline()
        assert line.startswith("floorboard pager: listening on http://127.0.0.1:"), (
            line + p.stderr.read() if p.poll() is not None else line)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=30) == 0
    finally:
        p.kill()
        p.wait()
