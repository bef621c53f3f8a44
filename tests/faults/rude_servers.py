"""Gateways that misbehave, on 127.0.0.1 (free ports, their own threads), for the
fault tests: down, silent, slow, dripping, endless, dropping the connection, rude
in status and body, echoing the secrets they were sent; and SMTP servers that refuse
a login, hang up after the greeting or never greet. Each is what a real gateway
does on a bad day (a proxy's error page, a crashed CGI, a half-open socket)."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
import urllib.parse
from collections.abc import Callable

from tests.gateways.kannel import free_port
from tests.gateways.loopback_http import LoopbackHttp, Reply, Request

#: The gateways' secrets in these tests: not ASCII, and with what URLs and JSON escape.
USERNAME = "floorboard"
PASSWORD = 'pa ss"w/&+x\\9 пароль'
TOKEN = "tk_push-token-2026"

TEN_MB = 10 * 1024 * 1024


def closed_port_url(path: str = "/cgi-bin/sendsms") -> str:
    """A gateway that is down: nothing listens there."""
    return f"http://127.0.0.1:{free_port()}{path}"


class RawServer:
    """Accepts connections and hands each socket to ``play`` on its own thread; the
    stop event tells a player that never ends on its own to give up."""

    def __init__(self, play: Callable[[socket.socket, threading.Event], None],
                 path: str = "/cgi-bin/sendsms") -> None:
        self.play = play
        self.stopping = threading.Event()
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.play(conn, self.stopping)
        except OSError:
            pass  # the client gave up first: what it is meant to do
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()

    def __enter__(self) -> RawServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _read_request(conn: socket.socket) -> bytes:
    """The whole request, body too: a socket closed with unread bytes sends a reset,
    which could throw away an answer the client was meant to read first."""
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


# -- HTTP players (for RawServer) ------------------------------------------------------

def never_answers(conn: socket.socket, stopping: threading.Event) -> None:
    """Takes the request and says nothing, holding the connection open."""
    _read_request(conn)
    stopping.wait(60)


def answers_after(seconds: float) -> Callable[[socket.socket, threading.Event], None]:
    """Answers 200 "0: Accepted", but only after ``seconds`` (past the client's timeout)."""

    def play(conn: socket.socket, stopping: threading.Event) -> None:
        _read_request(conn)
        if stopping.wait(seconds):
            return
        body = b"0: Accepted for delivery"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))

    return play


def drips(status: int = 200) -> Callable[[socket.socket, threading.Event], None]:
    """Answers at once, then a byte of body every 0.2 s for ever: no read ever waits
    long enough for a read timeout, so only an overall deadline ends it."""

    def play(conn: socket.socket, stopping: threading.Event) -> None:
        _read_request(conn)
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Length: 100000\r\n\r\n".encode())
        while not stopping.wait(0.2):
            conn.sendall(b"0")

    return play


def drips_headers(conn: socket.socket, stopping: threading.Event) -> None:
    """Sends the status line and then one header byte every 0.2 s, for ever."""
    _read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    while not stopping.wait(0.2):
        conn.sendall(b"a")


def endless(status: int) -> Callable[[socket.socket, threading.Event], None]:
    """A chunked body that never ends, as fast as the client reads it."""

    def play(conn: socket.socket, stopping: threading.Event) -> None:
        _read_request(conn)
        conn.sendall(f"HTTP/1.1 {status} X\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        chunk = b"garbage " * 8192
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while not stopping.is_set():
            conn.sendall(frame)

    return play


def drops_midway(status: int) -> Callable[[socket.socket, threading.Event], None]:
    """Promises 1000 bytes, sends 10 and hangs up."""

    def play(conn: socket.socket, stopping: threading.Event) -> None:
        _read_request(conn)
        conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Length: 1000\r\n\r\n0: Accepte".encode())
        conn.shutdown(socket.SHUT_RDWR)

    return play


def hangs_up(conn: socket.socket, stopping: threading.Event) -> None:
    """Takes the request and closes without a word."""
    _read_request(conn)
    conn.shutdown(socket.SHUT_RDWR)


# -- HTTP answers (for LoopbackHttp) ---------------------------------------------------

#: Bodies a rude gateway answers with.
BODIES: dict[str, Callable[[], bytes]] = {
    "garbage": lambda: b"<html><body><h1>502 Bad Gateway</h1>\n\n<p>nginx</p></body></html>",
    "huge": lambda: b"x" * TEN_MB,
    "binary": lambda: bytes(range(256)) * 8,
    "not-utf8": lambda: "Помилка: шлюз недоступний".encode("cp1251"),
    "empty": lambda: b"",
    "json, not an object": lambda: b'["id", 7]',
    "json nested 100,000 deep": lambda: b"[" * 100_000,
}


def answering(status: int, body: str) -> LoopbackHttp:
    data = BODIES[body]()
    return LoopbackHttp(lambda _req: Reply(status, data), "/cgi-bin/sendsms")


def _sent_secret(req: Request) -> tuple[str, str]:
    """(username, password) as the request carried them: Kannel's headers, or ntfy's
    bearer token."""
    if "x-kannel-password" in req.headers:
        return req.header_utf8("X-Kannel-Username"), req.header_utf8("X-Kannel-Password")
    auth = req.headers.get("authorization", "")
    return "", auth.removeprefix("Bearer ")


#: How an echoing gateway puts the secret it was sent into its answer.
ECHOES: dict[str, Callable[[str, str], str]] = {
    "raw": lambda user, pw: f"unknown user {user} with password {pw}",
    "url-encoded": lambda user, pw: (f"bad request: GET /cgi-bin/sendsms?username={user}"
                                     f"&password={urllib.parse.quote_plus(pw)}&to=..."),
    "json-escaped": lambda user, pw: json.dumps({"error": "auth", "user": user,
                                                 "password": pw}),
    "basic-base64": lambda user, pw: (
        "401 for Authorization: Basic "
        + base64.b64encode(f"{user}:{pw}".encode()).decode()),
}


def echoing(status: int, how: str, path: str = "/cgi-bin/sendsms") -> LoopbackHttp:
    """Answers ``status`` with the secret it was sent, encoded as ``how`` says."""

    def answer(req: Request) -> Reply:
        return Reply(status, ECHOES[how](*_sent_secret(req)).encode())

    return LoopbackHttp(answer, path)


# -- SMTP players (for RawServer) ------------------------------------------------------

def _lines(conn: socket.socket) -> Callable[[], bytes]:
    conn.settimeout(5)
    buf = bytearray()

    def line() -> bytes:
        while b"\n" not in buf:
            chunk = conn.recv(4096)
            if not chunk:
                return b""
            buf.extend(chunk)
        i = buf.index(b"\n") + 1
        out = bytes(buf[:i])
        del buf[:i]
        return out

    return line


def smtp_refusing_auth(offer_auth: bool) -> Callable[[socket.socket, threading.Event], None]:
    """Greets and takes EHLO; AUTH is either not offered at all, or offered and then
    refused with the client's own credentials echoed back (base64)."""

    def play(conn: socket.socket, stopping: threading.Event) -> None:
        line = _lines(conn)
        conn.sendall(b"220 mail.example ESMTP\r\n")
        while (cmd := line()):
            word = cmd.split()[0].upper() if cmd.split() else b""
            if word in (b"EHLO", b"HELO"):
                conn.sendall(b"250-mail.example\r\n" + (b"250-AUTH PLAIN LOGIN\r\n"
                                                        if offer_auth else b"")
                             + b"250 8BITMIME\r\n")
            elif word == b"AUTH":
                conn.sendall(b"535 5.7.8 rejected: " + cmd.strip()[:300] + b"\r\n")
            elif word == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"530 5.7.0 Authentication required\r\n")

    return play


def smtp_closing_after_greeting(conn: socket.socket, stopping: threading.Event) -> None:
    conn.sendall(b"220 mail.example ESMTP\r\n")
    conn.shutdown(socket.SHUT_RDWR)


def smtp_never_greeting(conn: socket.socket, stopping: threading.Event) -> None:
    stopping.wait(60)


def smtp_dripping_greeting(conn: socket.socket, stopping: threading.Event) -> None:
    """A greeting one byte every 0.2 s, never ending its line: no read times out."""
    conn.sendall(b"220 ")
    while not stopping.wait(0.2):
        conn.sendall(b"a")


def smtp_huge_greeting(conn: socket.socket, stopping: threading.Event) -> None:
    """A greeting line of 10 MB (smtplib refuses lines over 8 KB)."""
    conn.sendall(b"220 " + os.urandom(16).hex().encode() * (TEN_MB // 32) + b"\r\n")
