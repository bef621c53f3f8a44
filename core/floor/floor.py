"""`Floor`: the one front door to a Floorboard database, for the desktop, the CLI and
the pager alike (as Anki's `Collection` is for its GUI).

- **One writer.** A single thread owns the process's only write connection; it
  migrates the file once, at open. Every write is an operation submitted to it and
  run there, in the order submitted, so two parts of the app never race for the
  write lock and a long read never holds it.
- **Readers.** Reports, drill-downs, the wallboard's catch-up and the status line
  read through read-only connections from a small pool: no migration, no write
  lock, and they see only committed data.
- **Changes.** Each write says what it changed; listeners hear it after the write
  committed, and redraw what it names instead of polling."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

import apsw

from core.store import Store
from core.store.database import disk_full
from core.store.source_lock import SourceLock

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Read-only connections kept open: the reports tab, the wallboard's catch-up and the
#: status line read at once at most.
READERS = 3


@dataclass(frozen=True)
class Changes:
    """What a write changed, for views to redraw what it names."""

    agents: bool = False
    queues: bool = False
    interactions: bool = False
    events: bool = False
    complaints: bool = False
    pages: bool = False
    settings: bool = False
    audit: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name)
                          for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if getattr(self, f.name))


NOTHING = Changes()

_STOP = object()


class Floor:
    """A Floorboard database opened for a whole process. Thread-safe: any thread may
    submit writes and take readers."""

    def __init__(self, path: Path | str, readers: int = READERS) -> None:
        """Opens (creating and migrating if needed) the database at ``path``: raises
        StoreError as ``Store.open`` does, before any thread is started."""
        self.path = Path(path).expanduser().resolve()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._listeners: list[Callable[[Changes], None]] = []
        self._readers: queue.LifoQueue[Store] = queue.LifoQueue()
        self._reader_slots = threading.BoundedSemaphore(readers)
        self._reader_lock = threading.Lock()
        self._open_readers: list[Store] = []
        self._closed = False
        self._source: SourceLock | None = None
        # The write connection is opened (and the file migrated) on the writer thread
        # too: every statement of the writer runs there, none on the caller's.
        opened: Future[Store] = Future()
        self._thread = threading.Thread(target=self._write_loop, args=(opened,),
                                        name="floor-writer", daemon=True)
        self._thread.start()
        try:
            opened.result()
        except BaseException:
            self._thread.join()
            raise

    # -- writes ------------------------------------------------------------------------

    def submit(self, op: Callable[[Store], T], changes: Changes = NOTHING) -> Future[T]:
        """Run ``op(store)`` on the writer thread; its result (or exception) comes in
        the future. ``changes``: what it changes, told to the listeners once it has
        run without error."""
        if self._closed:
            raise RuntimeError(f"{self.path}: the floor is closed")
        done: Future[T] = Future()
        self._jobs.put((op, changes, done))
        return done

    def write(self, op: Callable[[Store], T], changes: Changes = NOTHING) -> T:
        """``submit`` and wait for the result. Never call it on the writer thread (an
        operation that writes more uses the store it is given)."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("Floor.write called from inside a write operation")
        return self.submit(op, changes).result()

    def on_change(self, listener: Callable[[Changes], None]) -> None:
        """``listener(changes)`` after each write that changed something, on the
        writer thread: hand it to your own thread (a Qt signal does)."""
        self._listeners.append(listener)

    def off_change(self, listener: Callable[[Changes], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _write_loop(self, opened: Future[Store]) -> None:
        try:
            store = Store.open(self.path)
        except BaseException as exc:
            opened.set_exception(exc)
            return
        opened.set_result(store)
        while True:
            job = self._jobs.get()
            if job is _STOP:
                break
            op, changes, done = job
            if not done.set_running_or_notify_cancel():
                continue
            try:
                result = op(store)
            except apsw.FullError as exc:  # a write outside the store's transactions
                done.set_exception(disk_full(self.path, exc))
                continue
            except BaseException as exc:
                done.set_exception(exc)
                continue
            done.set_result(result)
            if changes:
                for listener in list(self._listeners):
                    try:
                        listener(changes)
                    except Exception:  # a view's failure must not stop the writer
                        log.exception("a listener of floor changes failed")
        store.close()

    def claim_source(self, what: str) -> None:
        """Make this floor the database's one source of new interactions until it
        closes (``what`` is told to a second one, which is refused with StoreError)."""
        if self._source is None:
            self._source = SourceLock(self.path, what).acquire()

    # -- reads ---------------------------------------------------------------------------

    @contextmanager
    def reader(self) -> Iterator[Store]:
        """A read-only store from the pool, for the length of the block: reads see
        what was committed when each statement (or the block's own transaction)
        began. Its writes fail."""
        if self._closed:  # a reader opened now would outlive the floor
            raise RuntimeError(f"{self.path}: the floor is closed")
        self._reader_slots.acquire()
        try:
            try:
                store = self._readers.get_nowait()
            except queue.Empty:
                store = Store.open_reader(self.path)
                with self._reader_lock:
                    self._open_readers.append(store)
            try:
                yield store
            finally:
                if store.connection.in_transaction:
                    store.connection.execute("ROLLBACK")
                self._readers.put(store)
        finally:
            self._reader_slots.release()

    def read(self, op: Callable[[Store], T]) -> T:
        """``op(reader)`` on the calling thread."""
        with self.reader() as store:
            return op(store)

    # -- the end -------------------------------------------------------------------------

    def close(self) -> None:
        """Let the writes already submitted finish, then close every connection."""
        if self._closed:
            return
        self._closed = True
        # Readers first: the last connection to close folds the WAL into the database
        # file and removes it, which a read-only one cannot do. Left behind, the data
        # sat in floor.sqlite-wal beside a 4 KB floor.sqlite, and a copy of the main
        # file alone (to a colleague, to a backup) held nothing.
        with self._reader_lock:
            for store in self._open_readers:
                store.close()
            self._open_readers.clear()
        self._jobs.put(_STOP)
        self._thread.join()
        if self._source is not None:
            self._source.release()

    def __enter__(self) -> Floor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
