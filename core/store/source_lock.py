"""One source of interactions per database at a time.

A source (a simulated floor, an import) numbers its interactions from the largest id
stored when it starts, so two at once hand out the same ids and the second dies
mid-run. SQLite's own locks only serialise transactions; this lock spans the whole
run. It is an ``flock`` on a file beside the database (``floor.sqlite-source.lock``),
so the kernel lets it go when the process ends in any way, SIGKILL included. The file
stays when released: removing it would let two processes lock two different files.
It is not the database file itself: a second descriptor on that file, once closed,
would drop SQLite's own POSIX locks of this process.
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from core.errors import StoreError

SUFFIX = "-source.lock"


def lock_path(db: Path | str) -> Path:
    db = Path(db).expanduser().resolve()
    return db.with_name(db.name + SUFFIX)


class SourceLock:
    """Held from ``acquire`` to ``release`` (or the end of the process)."""

    def __init__(self, db: Path | str, what: str) -> None:
        self.db = Path(db).expanduser().resolve()
        self.what = what
        self._fd: int | None = None

    def acquire(self) -> SourceLock:
        """Take the lock, or raise StoreError saying who holds it."""
        path = lock_path(self.db)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{self.db}: cannot write beside the database "
                             f"({path.name}: {exc.strerror}); a floor or an import "
                             "needs a folder it may write in.") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 400, 0).decode("utf-8", "backslashreplace").strip()
            os.close(fd)
            raise StoreError(
                f"{self.db}: another Floorboard process is writing a floor into this "
                f"database ({holder or 'a process that has just started'}); two at once "
                "would give interactions the same numbers. Wait until it ends, or "
                "use another database (--db).") from None
        os.ftruncate(fd, 0)
        # A file name in the command line may not be UTF-8 (os.fsdecode keeps its
        # bytes as surrogates); the holder's note must still be written.
        note = f"pid {os.getpid()}: {self.what}\n"
        try:
            data = note.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            data = note.encode("utf-8", "backslashreplace")
        os.pwrite(fd, data, 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> SourceLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def command_line() -> str:
    """What to tell a user who finds the lock held: the holder's command line."""
    program = Path(sys.argv[0]).name
    # `python -m desktop.cli` (how tests and some desktops start it) names the module's
    # file; a user knows the command as floorboard.
    if program in ("cli.py", "__main__.py", "-m", "-c", ""):
        program = "floorboard"
    return " ".join([program, *sys.argv[1:]])[:200]
