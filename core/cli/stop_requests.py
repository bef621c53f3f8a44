"""Ctrl+C and SIGTERM as a request to stop at the next safe point.

A writer stopped by an exception raised wherever the signal lands could be inside a
flush; asked instead, it stops between steps, stores what it has and closes the
database cleanly (a service manager's SIGTERM, as at shutdown, included).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_NAMES = {signal.SIGINT: "Ctrl+C", signal.SIGTERM: "SIGTERM"}


class StopRequests:
    #: What asked to stop ("Ctrl+C", "SIGTERM"), or "" while nothing has.
    requested: str = ""


@contextmanager
def stop_requests() -> Iterator[StopRequests]:
    """While the block runs, SIGINT and SIGTERM set ``requested`` instead of ending
    the process; a second one of them ends it as usual. Off the main thread (where
    Python cannot take signals) nothing is installed and nothing is ever requested."""
    stop = StopRequests()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.getsignal(sig) for sig in _NAMES}

    def ask(signum: int, frame: object) -> None:
        if stop.requested:  # asked twice: the user means it
            signal.signal(signum, previous[signum])
            signal.raise_signal(signum)
            return
        stop.requested = _NAMES[signum]

    for sig in _NAMES:
        signal.signal(sig, ask)
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
