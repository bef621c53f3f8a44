"""STORE-3: consistent snapshots while the floor is live; pseudonymised numbers;
no secret in any export."""

from __future__ import annotations

import collections
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from core.errors import ExportError
from core.phone_numbers import normalize_number
from core.store import Store
from core.store import export as export_module
from core.store.export import PSEUDONYM_PREFIX, REDACTED, export_snapshot, load_or_create_key
from tests import floor_data
from tests.conftest import REPO
from tests.core.store.append_child import batch_size

KEY = bytes(range(32))
ANALYST_VIEWS = ["v_events", "v_interactions", "v_agent_states", "v_agents", "v_sales"]


def _sqlite(path: Path) -> sqlite3.Connection:
    # Read-only through the URI so a check can never change the export.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


@pytest.mark.parametrize("copy_pages", [4096, 4])
def test_snapshot_is_consistent_while_another_process_appends(tmp_path: Path, monkeypatch,
                                                              copy_pages: int) -> None:
    # 4 pages a step: the copy takes many steps (as a large database's does), each
    # letting the writer in, and must still be one moment of the database.
    monkeypatch.setattr(export_module, "_COPY_PAGES", copy_pages)
    steps: list[float] = []
    db = tmp_path / "floor.sqlite"
    Store.open(db).close()
    writer = subprocess.Popen(
        # At a floor's pace (a batch each 2 ms), not flat out: a database growing
        # faster than a 4-page copy step can follow would make that copy endless.
        [sys.executable, "-m", "tests.core.store.append_child", str(db), "0", "100000", "2"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout is not None
        for _ in range(30):  # let the floor get going
            writer.stdout.readline()
        # Its lines read on from here: a full pipe would stop the writer (a line per
        # batch fills 64 KB in about 2,000 batches), and then no snapshot could see
        # it make progress.
        threading.Thread(target=collections.deque, args=(writer.stdout, 0),
                         daemon=True).start()
        with Store.open(db) as store:
            reports = [export_snapshot(
                store, tmp_path / f"snap{i}.sqlite",
                progress=lambda step, f: steps.append(f) if step.startswith("copying") else None)
                for i in range(3)]
        assert writer.poll() is None, "the writer was blocked or died during the export"
    finally:
        writer.kill()
        writer.communicate()
    if copy_pages == 4:
        assert len(steps) > 3 * 20, "the copy did not take many steps"
    seqs = [r.last_seq for r in reports]
    assert seqs == sorted(seqs) and seqs[0] > 0 and seqs[-1] > seqs[0], (
        "the writer made no progress between snapshots"
    )
    for report in reports:
        with _sqlite(report.path) as c:
            assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            total, max_seq = c.execute("SELECT count(*), max(seq) FROM events").fetchone()
            assert total == max_seq == report.last_seq == report.events
            info = dict(c.execute("SELECT key, value FROM export_info"))
            assert info["last_seq"] == str(report.last_seq)
            for b, n in c.execute("SELECT value, count(*) FROM events GROUP BY value"):
                assert n == batch_size(b), f"batch {b} is torn in the snapshot"
        assert not Path(f"{report.path}-wal").exists()
        assert not list(tmp_path.glob(".*partial*"))


def test_pandas_reads_every_table_and_view(populated_store: Store, tmp_path: Path) -> None:
    out = export_snapshot(populated_store, tmp_path / "export.sqlite").path
    with _sqlite(out) as c:
        names = [r[0] for r in c.execute(
            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")]
        assert set(ANALYST_VIEWS) <= set(names)
        # The live store keeps a time map only; analysts get per-row indexes.
        plan = " ".join(r[3] for r in c.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM events WHERE interaction_id = 3"))
        assert "events_by_interaction" in plan
        plan = " ".join(r[3] for r in c.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM events WHERE ts_ms BETWEEN 1 AND 2"))
        assert "events_by_time" in plan
        frames = {n: pd.read_sql_query(f"SELECT * FROM {n}", c) for n in names}
    assert len(frames["v_interactions"]) == len(floor_data.NUMBERS)
    assert len(frames["events"]) == len(floor_data.events())
    assert frames["v_interactions"]["outcome"].value_counts()["ABANDONED"] == 2
    assert frames["v_events"]["ts_utc"].str.endswith("Z").all()


def test_pseudonymized_numbers_keep_equality_and_type(
    populated_store: Store, tmp_path: Path
) -> None:
    secretary_note = "customer asked to be called back on +44 20 7946 0018 after six"
    populated_store.audit("agent:2", "note", "interaction:3", {"text": secretary_note})
    out = export_snapshot(populated_store, tmp_path / "anon.sqlite", pseudonymize_key=KEY).path

    src = populated_store.connection.execute(
        "SELECT id, customer_number, customer_number_type FROM interactions ORDER BY id"
    ).fetchall()
    with _sqlite(out) as c:
        dst = c.execute(
            "SELECT id, customer_number, customer_number_type FROM interactions ORDER BY id"
        ).fetchall()
        audit_text = c.execute("SELECT detail FROM audit WHERE action = 'note'").fetchone()[0]
        assert dict(c.execute("SELECT key, value FROM export_info"))["pseudonymized"] == "1"
    # The type column is untouched; each number became a pseudonym; NULL stays NULL.
    assert [(i, t) for i, _, t in src] == [(i, t) for i, _, t in dst]
    for (_, raw, _), (_, p, _) in zip(src, dst, strict=True):
        assert (raw is None) == (p is None)
        assert p is None or p.startswith(PSEUDONYM_PREFIX)
    # Equality kept: the same number in two notations gets one pseudonym.
    unique_numbers = {normalize_number(raw, "GB") for _, raw, _ in src if raw}
    assert len({p for _, p, _ in dst if p}) == len(unique_numbers) == 5
    # Free text loses the number too, and the pseudonym there is the same one.
    landline = next(p for (_, raw, _), (_, p, _) in zip(src, dst, strict=True)
                    if raw == "020 7946 0018")
    assert "7946" not in audit_text and landline in audit_text
    # Not one original number is left anywhere in the file's bytes.
    data = out.read_bytes()
    for _, raw, _ in src:
        if raw and len(raw) > 4:
            for form in (raw, normalize_number(raw, "GB"), normalize_number(raw, "GB")[1:]):
                assert form.encode() not in data, f"{form} leaked into the export"


def test_sales_leave_whole_and_by_name_pseudonymised_or_not(
    populated_store: Store, tmp_path: Path
) -> None:
    from tests.core.store.test_store import SALES

    populated_store.add_sales(SALES)
    cols = "interaction_id, agent_id, sold_ms, amount_cents, currency, partner_id, product"
    src = populated_store.connection.execute(f"SELECT {cols} FROM sales ORDER BY id").fetchall()
    for name, key in (("plain.sqlite", None), ("anon.sqlite", KEY)):
        out = export_snapshot(populated_store, tmp_path / name, pseudonymize_key=key).path
        with _sqlite(out) as c:
            # Amounts, products and partners are no one's personal data: kept as they are.
            assert c.execute(f"SELECT {cols} FROM sales ORDER BY id").fetchall() == src
            revenue = pd.read_sql_query(
                "SELECT currency, sum(amount) AS revenue, count(partner_id) AS partner_sales"
                " FROM v_sales GROUP BY currency ORDER BY currency", c)
        assert revenue.to_dict("records") == [
            {"currency": "EUR", "revenue": 174.5, "partner_sales": 1},
            {"currency": "UAH", "revenue": 0.0, "partner_sales": 0}]


def test_same_key_same_pseudonyms_other_key_other(populated_store: Store, tmp_path) -> None:
    def numbers(path: Path) -> list:
        with _sqlite(path) as c:
            return [r[0] for r in c.execute("SELECT customer_number FROM interactions")]

    a = numbers(export_snapshot(populated_store, tmp_path / "a.sqlite", pseudonymize_key=KEY)
                .path)
    b = numbers(export_snapshot(populated_store, tmp_path / "b.sqlite", pseudonymize_key=KEY)
                .path)
    c = numbers(export_snapshot(populated_store, tmp_path / "c.sqlite",
                                pseudonymize_key=b"another key of 16+ bytes").path)
    assert a == b and a != c


def test_secrets_never_reach_an_export(populated_store: Store, tmp_path: Path) -> None:
    password = "Kannel-pw-7Qz"
    # A careless line somewhere must not carry the password out of the building.
    populated_store.audit("system", "gateway-check", "sms",
                          {"url": f"http://127.0.0.1:13013/cgi-bin/sendsms?password={password}"})
    for pseudonymize in (None, KEY):
        out = tmp_path / f"export-{pseudonymize is not None}.sqlite"
        report = export_snapshot(populated_store, out, secrets=[password],
                                 pseudonymize_key=pseudonymize)
        assert report.secrets_scrubbed == 1
        assert password.encode() not in out.read_bytes()
        with _sqlite(out) as c:
            detail = c.execute("SELECT detail FROM audit WHERE action = 'gateway-check'")
            assert REDACTED in detail.fetchone()[0]
    # The live database keeps its audit as it was written.
    assert any(password in str(e.detail) for e in populated_store.audit_entries())


def test_rejected_lines_never_carry_customer_ids_out_of_a_pseudonymised_export(
    store: Store, tmp_path: Path
) -> None:
    from core.ingest.bank_import import import_bank_file
    from tests.core.ingest.test_bank_import import BAD, bank_file

    import_bank_file(store, bank_file(tmp_path))
    # 15696776 called on a good line too; 77777777 is only on a rejected one.
    ids = [b"15696776", b"77777777", b"6.02701E+11", b"33344455"]
    plain = export_snapshot(store, tmp_path / "plain.sqlite").path
    with _sqlite(plain) as c:  # without pseudonyms the lines stay as read, for fixing them
        rows = dict(c.execute("SELECT line, text FROM v_rejected_lines").fetchall())
    assert rows == {n: text for n, (text, _, _) in BAD.items()}
    anon = export_snapshot(store, tmp_path / "anon.sqlite", pseudonymize_key=KEY).path
    with _sqlite(anon) as c:
        rows = c.execute("SELECT line, field, reason, text FROM v_rejected_lines").fetchall()
        numbers = [r[0] for r in c.execute(
            "SELECT customer_number FROM interactions WHERE customer_number IS NOT NULL")]
    assert sorted((line, field) for line, field, _, _ in rows) == sorted(
        (n, field) for n, (_, field, _) in BAD.items())
    assert all(text is None for *_, text in rows) and all(reason for _, _, reason, _ in rows)
    assert len(numbers) == 3 and all(n.startswith(PSEUDONYM_PREFIX) for n in numbers)
    data = anon.read_bytes()
    for raw in ids:
        assert raw not in data, f"{raw!r} leaked into the export"


def test_existing_file_is_not_overwritten_without_force(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "keep.sqlite"
    out.write_text("yesterday's export")
    with pytest.raises(ExportError, match=r"already exists.*--force"):
        export_snapshot(store, out)
    assert out.read_text() == "yesterday's export"
    export_snapshot(store, out, force=True)
    with _sqlite(out) as c:
        assert c.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_failed_export_leaves_nothing(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="folder does not exist"):
        export_snapshot(store, tmp_path / "missing" / "x.sqlite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["floor.sqlite", "floor.sqlite-shm",
                                                          "floor.sqlite-wal"]


def test_export_is_audited_in_the_live_database(store: Store, tmp_path: Path) -> None:
    export_snapshot(store, tmp_path / "x.sqlite", actor="manager")
    entry = store.audit_entries()[-1]
    assert (entry.actor, entry.action, entry.subject) == (
        "manager", "export", str(tmp_path / "x.sqlite"))


def test_pseudonym_key_is_created_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "pseudonym.key"
    key = load_or_create_key(path)
    assert len(key) == 32 and load_or_create_key(path) == key
    assert path.stat().st_mode & 0o077 == 0
    path.write_text("not hex")
    with pytest.raises(ExportError, match="line 1: pseudonym key is not hexadecimal"):
        load_or_create_key(path)


def test_progress_is_told_every_step_in_order(populated_store: Store, tmp_path: Path) -> None:
    heard: list[tuple[str, float]] = []
    export_snapshot(populated_store, tmp_path / "out.sqlite", pseudonymize_key=b"k" * 32,
                    progress=lambda step, f: heard.append((step, f)))
    steps = [s for s, _ in heard]
    assert steps[0] == "copying the database" and steps[-1] == "done"
    assert "replacing customer numbers" in steps and "compacting" in steps
    fractions = [f for _, f in heard]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
