"""The agents grid: one tile per agent, coloured by state, with the agent's name,
time in state, the contacts in hand (chats counted) and languages. Painted in one
pass, so a thousand tiles cost one repaint, not a thousand widgets."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QSizePolicy

from core.model import AgentState, Channel
from core.wallboard.snapshot import AgentTile
from desktop.cached_paint import CachedPaintWidget
from desktop.palette import CHANNEL_MARK, STATE_COLOUR, STATE_NAME, STATE_TEXT, duration

#: Tiles are at least this wide (pixels, before the scale), and 5:3.
MIN_TILE_W = 120


class AgentGrid(CachedPaintWidget):
    def __init__(self, scale: float = 1.0) -> None:
        super().__init__()
        self.scale = scale
        self.tiles: list[AgentTile] = []
        self.at_ms = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(200, 120))

    def show_agents(self, tiles: list[AgentTile], at_ms: int) -> None:
        # Offline agents last: the floor's people first.
        self.tiles = sorted(tiles, key=lambda t: (t.state == AgentState.OFFLINE, t.name))
        self.at_ms = at_ms
        self.invalidate()

    def layout_for(self, n: int) -> tuple[int, int, float, float]:
        """Columns, rows and tile size that fit n tiles in the widget."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        best = (1, n, float(w), float(h) / max(n, 1))
        for cols in range(1, max(n, 1) + 1):
            rows = -(-n // cols)
            tw = w / cols
            th = min(h / rows, tw * 0.6)
            if tw < MIN_TILE_W * self.scale * 0.5:
                break
            if th * min(tw, th / 0.6) > best[3] * min(best[2], best[3] / 0.6):
                best = (cols, rows, tw, th)
        return best

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        n = len(self.tiles)
        if not n:
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No agents on this floor yet")
            return
        cols, _, tw, th = self.layout_for(n)
        big = QFont(self.font())
        big.setBold(True)
        small = QFont(self.font())
        # Text only where a tile can hold it legibly; a 1,000-agent floor is colour.
        text = th >= 34
        if text:
            big.setPixelSize(max(9, int(min(th * 0.22, tw * 0.11))))
            small.setPixelSize(max(8, int(min(th * 0.17, tw * 0.085))))
        pad = max(1.0, min(tw, th) * 0.04)
        for i, t in enumerate(self.tiles):
            r = QRectF((i % cols) * tw + pad, (i // cols) * th + pad, tw - 2 * pad, th - 2 * pad)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(STATE_COLOUR[t.state])
            p.drawRoundedRect(r, pad * 2, pad * 2)
            if not text:
                continue
            p.setPen(STATE_TEXT[t.state])
            inner = r.adjusted(pad * 2, pad, -pad * 2, -pad)
            line = inner.height() / 3
            p.setFont(big)
            p.drawText(QRectF(inner.x(), inner.y(), inner.width(), line),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       _fit(p, t.name, inner.width()))
            p.setFont(small)
            since = self.at_ms - t.since_ms if t.since_ms >= 0 else -1
            state = f"{STATE_NAME[t.state]} {duration(since)}"
            p.drawText(QRectF(inner.x(), inner.y() + line, inner.width(), line),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       _fit(p, state, inner.width()))
            p.drawText(QRectF(inner.x(), inner.y() + 2 * line, inner.width(), line),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       _fit(p, _work(t), inner.width()))


def _work(t: AgentTile) -> str:
    """Contacts in hand, then languages: 'CH×2 PH · EN UK'."""
    marks = []
    for ch in sorted(set(t.channels)):
        n = t.channels.count(ch)
        marks.append(CHANNEL_MARK[Channel(ch)] + (f"×{n}" if n > 1 else ""))
    langs = " ".join(x.upper() for x in t.languages)
    return " ".join(marks) + (" · " if marks else "") + langs


def _fit(p: QPainter, text: str, width: float) -> str:
    return p.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(width))
