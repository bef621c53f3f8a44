"""A real Kannel SMS gateway on 127.0.0.1 for tests: bearerbox, smsbox and the fake
SMS centre (fakesmsc from kannel-extras), on free ports, with a store file in a temp
folder; stopped by PID. What fakesmsc prints is the phone's side: the messages that
reached it. Replies from the phone are typed into fakesmsc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
USERNAME = "floorboard"
ADMIN_PASSWORD = "admin-secret"


def installed() -> bool:
    return all(os.access(p, os.X_OK) for p in (BEARERBOX, SMSBOX, FAKESMSC))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(what: str, ok, timeout_s: float = 15.0) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if ok():
            return
        time.sleep(0.05)
    raise TimeoutError(f"Kannel: {what} not ready within {timeout_s:g} s")


class Kannel:
    def __init__(self, folder: Path, password: str, mo_url: str | None = None) -> None:
        self.folder = folder
        self.password = password
        self.mo_url = mo_url
        self.admin, self.smsbox_port, self.fake, self.sendsms = (free_port() for _ in range(4))
        self.procs: dict[str, subprocess.Popen] = {}
        self.phone_log = folder / "phone.log"
        self.conf = folder / "kannel.conf"
        self.store = folder / "kannel.store"

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms}/cgi-bin/sendsms"

    def _write_conf(self) -> None:
        d = self.folder
        service = (f'group = sms-service\nkeyword = default\ncatch-all = true\n'
                   f'max-messages = 0\nget-url = "{self.mo_url}?from=%p&text=%a"\n'
                   if self.mo_url else
                   'group = sms-service\nkeyword = default\nmax-messages = 0\ntext = ""\n')
        self.conf.write_text(f"""group = core
admin-port = {self.admin}
admin-interface = 127.0.0.1
admin-password = {ADMIN_PASSWORD}
status-password = {ADMIN_PASSWORD}
admin-allow-ip = "127.0.0.1"
smsbox-port = {self.smsbox_port}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-file = "{d}/bearerbox.log"
log-level = 1
store-type = file
store-location = "{self.store}"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {self.fake}
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.smsbox_port}
sendsms-port = {self.sendsms}
sendsms-interface = 127.0.0.1
log-file = "{d}/smsbox.log"
log-level = 1

group = sendsms-user
username = {USERNAME}
password = {self.password}
user-allow-ip = "127.0.0.1"

{service}""")

    def _status(self) -> str:
        url = f"http://127.0.0.1:{self.admin}/status.txt?password={ADMIN_PASSWORD}"
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                return r.read().decode()
        except OSError:
            return ""

    def start(self) -> Kannel:
        self._write_conf()
        self.store.touch()
        self.start_bearerbox()
        self._start_phone()
        self.procs["smsbox"] = subprocess.Popen(
            [SMSBOX, str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait("smsbox", lambda: _listening(self.sendsms) and "online" in self._status())
        return self

    def start_bearerbox(self) -> None:
        self.procs["bearerbox"] = subprocess.Popen(
            [BEARERBOX, str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait("bearerbox", lambda: _listening(self.fake) and _listening(self.admin))

    def _start_phone(self) -> None:
        log = self.phone_log.open("ab")
        # Interactive: it prints what reaches the phone and sends what is typed.
        self.procs["fakesmsc"] = subprocess.Popen(
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.fake), "-v", "0"],
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        _wait("the fake SMS centre", lambda: "fake" in self._status()
              and "online" in self._status())

    def received(self) -> list[str]:
        """The messages that reached the phone: 'from to text ...' lines."""
        if not self.phone_log.exists():
            return []
        return [line.split("Got message", 1)[1].split(":", 1)[1].strip()
                for line in self.phone_log.read_text(errors="replace").splitlines()
                if "Got message" in line]

    def reply(self, sender: str, to: str, text: str) -> None:
        """The phone sends an SMS (as fakesmsc's interactive input: from to text ...)."""
        p = self.procs["fakesmsc"]
        p.stdin.write(f"{sender} {to} text {text}\n".encode())
        p.stdin.flush()

    def stop_box(self, name: str) -> None:
        p = self.procs.pop(name, None)
        if p is None:
            return
        if p.poll() is None:
            os.kill(p.pid, signal.SIGTERM)
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)

    def stop(self) -> None:
        for name in ("smsbox", "fakesmsc", "bearerbox"):
            self.stop_box(name)
