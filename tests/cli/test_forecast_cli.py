"""`floorboard forecast` as a user runs it: the backtest of the Anonymous Bank's file
as JSON, the database's forecast saying when its history is short, and a bad file
line as one error line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from desktop import cli


def _bank_file(path: Path, weeks: int) -> Path:
    lines = ["date,u,Day,Month,calls"]
    for d in range(7 * weeks):
        day = dt.date(1999, 1, 1) + dt.timedelta(days=d)
        for u in range(1, 241):
            busy = 8 <= u // 10 <= 18 and day.weekday() not in (4, 5)
            lines.append(f"{day},{u},{day:%A},{day:%b},{(3 + d % 3) if busy else 0}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_bank_file_s_backtest_as_json(tmp_path: Path, capsys) -> None:
    path = _bank_file(tmp_path / "bank.csv", 6)
    assert cli.main(["forecast", "--backtest", "--weeks", "2", "--bank-csv", str(path),
                     "--format", "json", "--db", str(tmp_path / "none.sqlite")]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 12 and rows[0]["model"] == "floorboard"
    day_ahead = {r["model"]: r for r in rows if r["horizon"] == "day ahead"}
    assert day_ahead["floorboard"]["intervals"] == 14 * 48
    assert day_ahead["floorboard"]["coverage_80"] is not None
    assert day_ahead["seasonal naive"]["coverage_80"] is None
    assert not (tmp_path / "none.sqlite").exists()


def test_a_bad_line_of_the_file_is_one_error_line(tmp_path: Path, capsys) -> None:
    path = tmp_path / "bank.csv"
    path.write_text("date,u,Day,Month,calls\n1999-01-01,1,Friday,Jan,x\n")
    assert cli.main(["forecast", "--backtest", "--bank-csv", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bank.csv, line 2, field calls: 'x' is not a count" in err
    assert "Traceback" not in err


def test_the_database_s_forecast_says_its_history_is_short(populated_db: Path,
                                                            capsys) -> None:
    assert cli.main(["forecast", "--days", "2", "--db", str(populated_db)]) == 0
    out = capsys.readouterr().out
    assert "under 14" in out and "Forecast from store" in out


def test_a_december_uplift_below_zero_is_one_error_line(tmp_path: Path, capsys) -> None:
    path = _bank_file(tmp_path / "bank.csv", 3)
    assert cli.main(["forecast", "--bank-csv", str(path), "--december-uplift", "-1",
                     "--db", str(tmp_path / "none.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "december_uplift=-1.0: a multiplier above 0" in err and "Traceback" not in err
