"""One HTTP server on 127.0.0.1 (a free port, its own thread) for the gateway tests:
each test says how it answers a POST, and every request is kept for the test to
read. Shared so that the echoing, ntfy-checking, counting and rude gateways all
speak HTTP the same way (and are stopped the same way)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Request:
    path: str
    #: Header names in lower case; values as the server read them (latin-1).
    headers: dict[str, str]
    body: bytes

    def header_utf8(self, name: str) -> str:
        """A header sent as UTF-8 bytes (Kannel's credentials), as text."""
        return self.headers.get(name.lower(), "").encode("latin-1").decode("utf-8")


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Answer = Callable[[Request], Reply]


class LoopbackHttp:
    """Answers every POST with ``answer(request)``; ``url`` ends with ``path``."""

    def __init__(self, answer: Answer, path: str = "") -> None:
        self.requests: list[Request] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                n = int(self.headers.get("Content-Length") or 0)
                req = Request(self.path, {k.lower(): v for k, v in self.headers.items()},
                              self.rfile.read(n))
                outer.requests.append(req)
                reply = answer(req)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                except OSError:
                    pass  # the client stopped reading (a capped read of a huge body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> LoopbackHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
