"""The wallboard's colours: agent states and service-level thresholds, chosen to be
told apart across a room (and not by red and green alone: every tile carries text)."""

from __future__ import annotations

from PySide6.QtGui import QColor

from core.model import AgentState, Channel
from core.wallboard.thresholds import Level

LEVEL_COLOUR = {Level.GREEN: QColor("#2e7d32"), Level.AMBER: QColor("#f9a825"),
                Level.RED: QColor("#c62828"), Level.NONE: QColor("#607d8b")}
#: Text on a level's colour.
LEVEL_TEXT = {Level.GREEN: QColor("white"), Level.AMBER: QColor("black"),
              Level.RED: QColor("white"), Level.NONE: QColor("white")}
STATE_COLOUR = {AgentState.AVAILABLE: QColor("#43a047"), AgentState.BUSY: QColor("#1e88e5"),
                AgentState.WRAP_UP: QColor("#8e24aa"), AgentState.AWAY: QColor("#ef6c00"),
                AgentState.BREAK: QColor("#fdd835"), AgentState.OFFLINE: QColor("#9e9e9e")}
STATE_TEXT = {s: QColor("black" if s in (AgentState.BREAK, AgentState.OFFLINE) else "white")
              for s in AgentState}
STATE_NAME = {AgentState.AVAILABLE: "available", AgentState.BUSY: "busy",
              AgentState.WRAP_UP: "wrap-up", AgentState.AWAY: "away",
              AgentState.BREAK: "break", AgentState.OFFLINE: "offline"}
CHANNEL_NAME = {Channel.PHONE: "Phone", Channel.CHAT: "Chat", Channel.TICKET: "Tickets",
                Channel.EMAIL: "E-mail", Channel.CALLBACK: "Callbacks",
                Channel.WEB_REQUEST: "Web requests", Channel.OUTBOUND_CALL: "Outbound"}
#: Short marks for an agent's tile.
CHANNEL_MARK = {Channel.PHONE: "PH", Channel.CHAT: "CH", Channel.TICKET: "TK",
                Channel.EMAIL: "EM", Channel.CALLBACK: "CB", Channel.WEB_REQUEST: "WR",
                Channel.OUTBOUND_CALL: "OUT"}


def target_text(seconds: int) -> str:
    """A service-level target as the floor says it: 20 s, 4 h, 1 h 30 min."""
    if seconds < 60:
        return f"{seconds} s"
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return " ".join(p for p in (f"{h} h" if h else "", f"{m} min" if m else "",
                                f"{s} s" if s else "") if p)


def duration(ms: int) -> str:
    """m:ss under an hour, else h:mm (a wait or a time in state)."""
    if ms < 0:
        return "–"
    s = ms // 1000
    if s < 3600:
        return f"{s // 60}:{s % 60:02d}"
    return f"{s // 3600}h{(s % 3600) // 60:02d}"


def percent(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"
