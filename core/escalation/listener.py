"""The loopback HTTP listener for what gateways tell us: delivery reports
(``/dlr?page=ID&type=N``) and replies from phones (``/mo?from=NUMBER&text=TEXT``,
Kannel's sms-service get-url). It only takes them in; the sender loop, on its own
thread and database connection, acts on them."""

from __future__ import annotations

import queue
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_KINDS = {"/dlr": ("page", "type"), "/mo": ("from", "text")}


class Listener:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._heard: queue.Queue[tuple[str, dict[str, str]]] = queue.Queue()
        heard = self._heard

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name
                url = urllib.parse.urlsplit(self.path)
                need = _KINDS.get(url.path)
                params = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
                if need is None or any(k not in params for k in need):
                    self.send_response(400 if need else 404)
                    self.end_headers()
                    return
                heard.put((url.path[1:], params))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                # An empty reply: Kannel would send any text back to the phone.
                self.wfile.write(b"")

            def log_message(self, *args: object) -> None:
                pass  # numbers and codes stay out of the logs

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.host, self.port = self.server.server_address[:2]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def drain(self) -> list[tuple[str, dict[str, str]]]:
        out = []
        while True:
            try:
                out.append(self._heard.get_nowait())
            except queue.Empty:
                return out
