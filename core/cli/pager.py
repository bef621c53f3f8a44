"""`floorboard pager`: triage complaints and page the manager, until stopped; for a
server without a screen (the app runs the same pager beside the floor)."""

from __future__ import annotations

import argparse
import sys

from core.cli.command import Command
from core.cli.context import Context
from core.cli.stop_requests import stop_requests
from core.errors import FloorboardError
from core.floor.pager import Pager


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port}: a port is 1-65535 (0: any free one)")
    return port


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--listen-port", type=_port, metavar="PORT",
                        help="port on 127.0.0.1 for delivery reports and replies "
                        "(default: [escalation.listener] port)")
    parser.add_argument("--loopback-only", action="store_true",
                        help="refuse gateways that are not on this machine (drills, tests)")


def _run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.floor() as floor:
        try:
            pager = Pager(floor, ctx.config, args.listen_port, args.loopback_only)
        except OSError as exc:
            port = (ctx.config.get("escalation.listener.port") if args.listen_port is None
                    else args.listen_port)
            raise FloorboardError(
                f"cannot listen for delivery reports on 127.0.0.1:{port} ({exc.strerror}): "
                "another program has the port. Give another one with --listen-port or "
                "[escalation.listener] port.") from exc
        for warning in pager.warnings():
            print(f"floorboard pager: {warning}", file=sys.stderr, flush=True)
        print(f"floorboard pager: listening on {pager.listener.base_url}; "
              f"gateways: {', '.join(c.value for c in pager.gateways) or 'none'}", flush=True)
        # SIGTERM or Ctrl+C: the page in flight is finished and recorded, then the pager
        # stops and the floor closes (exit 0). Raised mid-send instead, a stop would
        # leave a page the gateway took recorded as not sent, and send it again.
        try:
            with stop_requests() as stop:
                pager.run(stop_requested=lambda: bool(stop.requested))
        except KeyboardInterrupt:  # Ctrl+C twice: the user means it, now
            print("floorboard pager: stopped at once (Ctrl+C twice); the page in flight "
                  "is sent again at the next start", file=sys.stderr, flush=True)
            return 130
        print(f"floorboard pager: stopped ({stop.requested}) after {pager.rounds} rounds",
              flush=True)
    return 0


COMMAND = Command(
    "pager", "triage complaints and page the manager by SMS, e-mail or push, until stopped "
    "(docs/escalation.md)", ("pager", "pager --config /etc/floorboard.toml --listen-port 8099"),
    _arguments, _run)
