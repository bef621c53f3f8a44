"""An SMTP session with one deadline for all of it. smtplib's timeout is per read, so a
server that drips its greeting a byte at a time never trips it and would hold the
pager for as long as it likes; here a timer shuts the socket at the deadline, the
blocked read returns, and smtplib raises as for a server that hung up."""

from __future__ import annotations

import smtplib
import socket
import threading


class DeadlineSMTP(smtplib.SMTP):
    """Not connected yet: ``connect`` starts the session that ends by ``timeout_s``."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(timeout=timeout_s)
        #: The deadline cut the session (what went wrong is its slowness, not a hang-up).
        self.timed_out = False
        self._timer = threading.Timer(timeout_s, self._cut)
        self._timer.daemon = True
        self._timer.start()

    def _cut(self) -> None:
        self.timed_out = True
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # closed already

    def _get_socket(self, host, port, timeout):  # smtplib's hook
        sock = super()._get_socket(host, port, timeout)
        if self.timed_out:  # the connect itself took the time up
            sock.shutdown(socket.SHUT_RDWR)
        return sock

    def open(self, host: str, port: int) -> None:
        """Connect and take the greeting, as ``smtplib.SMTP(host, port)`` does."""
        self._host = host  # what STARTTLS checks the certificate against
        code, msg = self.connect(host, port)
        if code != 220:
            self.close()
            raise smtplib.SMTPConnectError(code, msg)

    def close(self) -> None:
        self._timer.cancel()
        super().close()
