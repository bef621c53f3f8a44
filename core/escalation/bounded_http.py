"""An HTTP POST to a gateway that cannot hold the pager: one deadline for the whole
exchange (httpx's timeouts are per read, so a gateway that drips a byte a second
never trips them), and at most ``max_bytes`` of the body kept (a 10 MB error page or
an endless stream is cut, not read into memory). Asyncio only for the deadline: a
cancelled task is the one way to stop httpx mid-read; each call runs its own loop,
so callers stay synchronous."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import httpx

#: What is kept of an answer's body; the start is what says what went wrong.
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str
    #: False when the body was cut: at ``max_bytes``, at the deadline, or by a
    #: connection dropped midway. The status still stands (the gateway decided).
    complete: bool


@cache
def _tls() -> ssl.SSLContext:
    # Made once: loading the CA bundle is most of a client's cost (~40 ms a send, so
    # a burst of 300 pages spent 12 s on it). A context is safe to share.
    return httpx.create_ssl_context()


def post(url: str, content: bytes, headers: Mapping[str, str | bytes], timeout_s: float,
         max_bytes: int = MAX_BODY) -> Answer:
    """The gateway's answer within ``timeout_s`` in all. No status line and headers in
    time raise httpx.TimeoutException; a connection that fails before them raises
    httpx.TransportError, as httpx.post does."""
    return asyncio.run(_post(url, content, dict(headers), timeout_s, max_bytes))


async def _post(url: str, content: bytes, headers: dict[str, str | bytes],
                timeout_s: float, max_bytes: int) -> Answer:
    deadline = asyncio.get_running_loop().time() + timeout_s
    # Identity: a compressed body is not decompressed into memory past the cap.
    headers.setdefault("Accept-Encoding", "identity")
    async with httpx.AsyncClient(timeout=timeout_s, verify=_tls()) as client:
        request = client.build_request("POST", url, content=content, headers=headers)
        try:
            async with asyncio.timeout_at(deadline):
                response = await client.send(request, stream=True)
        except TimeoutError:
            raise httpx.TimeoutException(f"no answer within {timeout_s:g} s",
                                         request=request) from None
        try:
            body, complete = await _read(response, deadline, max_bytes)
        finally:
            await response.aclose()
    return Answer(response.status_code, body, response.headers.get("content-type", ""),
                  complete)


async def _read(response: httpx.Response, deadline: float, max_bytes: int
                ) -> tuple[bytes, bool]:
    body = bytearray()
    try:
        async with asyncio.timeout_at(deadline):
            async for chunk in response.aiter_raw():
                body += chunk[:max_bytes - len(body)]
                if len(body) >= max_bytes:
                    return bytes(body), False
    except (TimeoutError, httpx.TransportError):
        return bytes(body), False
    return bytes(body), True
