"""The Floor: one writer thread owns the only write connection, readers are
read-only, and listeners hear what each write changed after it committed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import apsw
import pytest

from core.errors import StoreError
from core.floor.floor import Changes, Floor
from core.model import Agent
from core.store import Store


def _agent(i: int) -> Agent:
    return Agent(i, f"Agent {i}", ("en",), (), {}, "early")


def test_writes_run_on_one_thread_in_the_order_submitted(tmp_path: Path) -> None:
    with Floor(tmp_path / "f.sqlite") as floor:
        threads, order = set(), []

        def op(i):
            def run(store: Store) -> int:
                threads.add(threading.current_thread().name)
                order.append(i)
                store.add_agents([_agent(i)])
                return i
            return run

        futures = [floor.submit(op(i), Changes(agents=True)) for i in range(1, 51)]
        assert [f.result() for f in futures] == list(range(1, 51))
        assert order == list(range(1, 51))
        assert threads == {"floor-writer"}
        assert floor.read(lambda s: len(s.agent_rows())) == 50


def test_a_failed_write_raises_where_it_was_asked_and_tells_no_listener(tmp_path) -> None:
    with Floor(tmp_path / "f.sqlite") as floor:
        heard = []
        floor.on_change(heard.append)
        floor.write(lambda s: s.add_agents([_agent(1)]), Changes(agents=True))
        with pytest.raises(apsw.ConstraintError):
            floor.write(lambda s: s.add_agents([_agent(1)]), Changes(agents=True))
        floor.write(lambda s: None)  # changes nothing: nobody is told
        assert heard == [Changes(agents=True)]
        assert floor.write(lambda s: len(s.agent_rows())) == 1  # the writer goes on


def test_readers_are_read_only_and_see_what_was_committed(tmp_path: Path) -> None:
    with Floor(tmp_path / "f.sqlite") as floor:
        with floor.reader() as r:
            with pytest.raises(apsw.ReadOnlyError):
                r.add_agents([_agent(1)])
            r.connection.execute("BEGIN")
            before = len(r.agent_rows())
            floor.write(lambda s: s.add_agents([_agent(2)]))  # no lock held by the reader
            assert len(r.agent_rows()) == before  # its snapshot
        assert floor.read(lambda s: len(s.agent_rows())) == 1


def test_readers_read_while_a_long_write_runs(tmp_path: Path) -> None:
    with Floor(tmp_path / "f.sqlite") as floor:
        floor.write(lambda s: s.add_agents([_agent(1)]))
        started, release = threading.Event(), threading.Event()

        def long_write(store: Store) -> None:
            with store.transaction():
                store.add_agents([_agent(2)])
                started.set()
                release.wait(10)

        done = floor.submit(long_write)
        started.wait(10)
        t0 = time.monotonic()
        assert floor.read(lambda s: len(s.agent_rows())) == 1
        assert time.monotonic() - t0 < 1.0
        release.set()
        done.result()


def test_close_lets_what_was_submitted_finish(tmp_path: Path) -> None:
    floor = Floor(tmp_path / "f.sqlite")
    futures = [floor.submit(lambda s, i=i: s.add_agents([_agent(i)])) for i in range(1, 21)]
    floor.close()
    assert all(f.done() for f in futures)
    with Store.open_reader(tmp_path / "f.sqlite") as s:
        assert len(s.agent_rows()) == 20
    with pytest.raises(RuntimeError, match="the floor is closed"):
        floor.submit(lambda s: None)


def test_a_write_inside_a_write_is_refused(tmp_path: Path) -> None:
    with Floor(tmp_path / "f.sqlite") as floor:
        with pytest.raises(RuntimeError, match="from inside a write operation"):
            floor.write(lambda s: floor.write(lambda s2: None))


def test_changes_combine_and_name_themselves() -> None:
    both = Changes(agents=True) | Changes(pages=True)
    assert both.names() == ("agents", "pages")
    assert not Changes() and both


def test_a_database_that_cannot_be_opened_is_refused_before_anything_runs(tmp_path) -> None:
    bad = tmp_path / "not-ours.sqlite"
    bad.write_bytes(b"\x00garbage" * 100)

    def writers() -> int:
        return sum(t.name == "floor-writer" for t in threading.enumerate())

    before = writers()
    with pytest.raises(StoreError, match="not a Floorboard database"):
        Floor(bad)
    assert writers() == before  # its thread ended
