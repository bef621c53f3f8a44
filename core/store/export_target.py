"""Where an export may be written: never over the database it reads, nor over any
part of a SQLite database that is open or was left mid-write.

Replacing a WAL database's main file while its ``-wal`` stays beside it leaves a
malformed database (the old log is replayed onto the new file), so a file with a
non-empty ``-wal`` or ``-journal`` beside it is taken as open (or left mid-write),
and those side files are never export targets themselves.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from core.errors import ExportError
from core.store import source_lock

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Files of a database that say nothing of it being open.
KEPT_SUFFIXES = (source_lock.SUFFIX,)


def _main_of(path: Path) -> Path | None:
    """The database ``path`` belongs to if it is one's side file, else None."""
    for suffix in SIDE_SUFFIXES + KEPT_SUFFIXES:
        if path.name.endswith(suffix) and len(path.name) > len(suffix):
            return path.with_name(path.name[: -len(suffix)])
    return None


def _non_empty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a == b


def check_export_target(out: Path, source: Path, force: bool) -> None:
    """Refuse ``out`` unless writing a new file there (or, with ``force``, replacing
    one) can damage no database. ``out`` is resolved; ``source`` is the database the
    export reads."""
    source = Path(source).expanduser().resolve()
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give the export a file name such as floor.sqlite.")
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: folder does not exist.")
    if _same_file(out, source):
        raise ExportError(f"{out}: is the database being exported; an export never "
                          "replaces it. Choose another file name.")
    main = _main_of(out)
    if main is not None and (main.exists() or _same_file(main, source)):
        raise ExportError(f"{out}: belongs to the SQLite database {main} (its "
                          f"{out.name[len(main.name):]} file); an export never replaces "
                          "it. Choose another file name.")
    if out.exists():
        if not force:
            raise ExportError(f"{out}: already exists. Choose another name or pass --force.")
        # An empty -wal or -shm is what a read-only reader leaves (it may not remove
        # them): nothing in them could be replayed onto the new file.
        open_sides = [s for s in ("-wal", "-journal") if _non_empty(Path(f"{out}{s}"))]
        if open_sides:
            raise ExportError(f"{out}: is a SQLite database that is open or was left "
                              f"mid-write ({', '.join(out.name + s for s in open_sides)} "
                              "beside it); replacing it would damage it. Close what uses "
                              "it, or choose another file name.")


def partial_path(out: Path) -> Path:
    """Where this process writes the export before renaming it to ``out``."""
    return out.with_name(f".{out.name}.partial-{os.getpid()}")


def remove_dead_partials(out: Path) -> list[Path]:
    """Remove what exports to ``out`` that were killed mid-way left (a SIGKILL skips
    their own clean-up); a live one's, another process exporting now, is kept."""
    removed = []
    prefix = f".{out.name}.partial-"
    for path in out.parent.glob(f"{glob.escape(prefix)}*"):
        pid_text = path.name[len(prefix):].removesuffix("-journal")
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process's own: a failed export of its own is over
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True
