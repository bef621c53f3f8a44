"""SIGTERM (a service manager, a logout, `kill`) and Ctrl+C close the window as its
close button does: the floor's last events are stored and the database is closed
cleanly, instead of the process ending wherever the signal lands.

Python runs a signal handler only between bytecodes of the main thread, which sits
in Qt's event loop; a light timer gives it those moments.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

#: How soon after the signal the window starts to close.
WAKE_MS = 200


def close_on_stop_signals(parent: QObject, close: Callable[[], object]) -> QTimer:
    """On SIGTERM or SIGINT, call ``close`` once (on the GUI thread); a second signal
    ends the process as it would have without this. Returns the wake-up timer."""
    asked = []

    def ask(signum: int, frame: object) -> None:
        if asked:
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
            return
        asked.append(signum)
        # From the handler straight to Qt: it runs on the main thread already.
        QTimer.singleShot(0, close)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, ask)
    timer = QTimer(parent)
    timer.timeout.connect(lambda: None)
    timer.start(WAKE_MS)
    return timer
