"""The simulation engine: a discrete-event simulation of the floor.

One clock in milliseconds; events (arrivals, conversations ending, customers giving
up, wrap-up ending, shifts starting and ending, the router's own timers) are handled
in time order, ties in the order they were scheduled, so a seed gives the same run
every time. The loop itself is compiled (core_ext._sim_loop) and drives the real
compiled router; tests keep a plain-Python loop that must make the same run.
Everything that happens is written through the store's batch API, as live data is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.clock import HOUR_MS, MINUTE_MS, local_midnight_ms
from core.model import (
    EVENT_DTYPE,
    INTERACTION_DTYPE,
    NONE,
    SERIOUS_COMPLAINTS,
    Channel,
    Complaint,
    ComplaintCategory,
    ComplaintSource,
    Direction,
    EventKind,
    NumberType,
    Outcome,
    Sale,
)
from core.model.scenario import Scenario
from core.routing import Router
from core.simulation.arrivals import Arrivals, customer_numbers, generate
from core.simulation.breaks import Pauses, ShiftWindow, plan_pauses
from core.simulation.complaints import NOTES, draw_complaints
from core.simulation.sabotage import draw_hangups
from core.simulation.sales import PARTNER_PRODUCT, draw_sales
from core.store import Store
from core_ext.event_merge import merge_by_time
from core_ext.sim_loop import LOGIN, PAUSE, SHIFT_END, SHIFT_START, SimLoop

#: Runs a write with the store and returns its result: ``op(store)`` for a run of
#: its own, or the Floor's writer in the app. The flag is True for the write that
#: saves the floor (its agents and queues); the others store what happened.
Writes = Callable[[Callable[[Store], object], bool], object]

log = logging.getLogger(__name__)

_VOICE = [int(Channel.PHONE), int(Channel.CALLBACK), int(Channel.OUTBOUND_CALL)]
#: Contacts that carry the customer's number: calls, and chats, whose clients leave
#: it in the pre-chat form (so that a sale on chat knows a new client from a known one).
_NUMBERED = [*_VOICE, int(Channel.CHAT)]
_SERIOUS = [int(c) for c in SERIOUS_COMPLAINTS]

#: Columns of the loop's per-channel counters.
_ARRIVED, _ANSWERED, _IN_TARGET, _AFTER_WAIT, _ABANDONED, _BLOCKED, _WAIT_MS = range(7)

#: A break held back (the agent was the last at work in a language, or still on
#: another pause) is tried again this much later, up to this many times (1.5 hours);
#: then the agent goes without it.
PAUSE_RETRY_MS = 5 * MINUTE_MS
PAUSE_TRIES = 18

#: Streams of their own, so that adding one leaves the draws of the others as they
#: were (the main stream: arrivals, then sick days; complaints: 17).
_PAUSE_STREAM = 23
_HANGUP_STREAM = 29
_SALES_STREAM = 31


@dataclass
class ChannelSummary:
    arrived: int = 0
    answered: int = 0
    answered_in_target: int = 0
    answered_after_wait: int = 0  # not answered the moment they arrived
    abandoned: int = 0
    blocked: int = 0
    voicemail: int = 0
    wait_ms_total: int = 0

    @property
    def missed(self) -> int:
        return self.abandoned + self.blocked + self.voicemail

    @property
    def service_level(self) -> float | None:
        """Answered within the queue's target, of those answered or missed."""
        handled = self.answered + self.missed
        return self.answered_in_target / handled if handled else None

    @property
    def asa_s(self) -> float | None:
        return self.wait_ms_total / self.answered / 1000 if self.answered else None


@dataclass
class Summary:
    by_channel: dict[Channel, ChannelSummary] = field(default_factory=dict)
    still_waiting: int = 0
    events: int = 0
    complaints: int = 0
    serious_complaints: int = 0  # in the serious categories, pranksters' included
    sales: int = 0
    revenue_cents: int = 0  # in the scenario's currency

    def channel(self, ch: Channel) -> ChannelSummary:
        return self.by_channel.setdefault(ch, ChannelSummary())


class Simulation:
    """A scenario run. ``run()`` goes to the end as fast as it can; ``run_until(t)``
    advances to t, for a paced run beside a clock."""

    #: The event loop; tests put the plain-Python reference loop here.
    loop_class: type = SimLoop

    def __init__(self, scenario: Scenario, store: Store | None = None,
                 flush_events: int = 50_000, begin_ms: int | None = None,
                 writes: Writes | None = None, floor_source: str | None = None) -> None:
        """``begin_ms``: start the floor at this moment of the scenario's first day
        instead of at midnight (contacts before it never come; agents on shift then
        are there from it), e.g. to carry on after a run already in the database.
        ``writes``: how the run's writes reach the database instead of ``store``: a
        function that runs an operation with the store (the Floor's writer).
        ``floor_source``: where the scenario came from, in words, stored with its
        floor for the reports (default: the scenario's name)."""
        self.scenario = scenario
        self.floor_source = (f"the floor of scenario '{scenario.name}'" if floor_source is None
                             else floor_source)
        self.floor = scenario.floor
        self.store = store
        if writes is None and store is not None:
            def writes(op: Callable[[Store], object], saves_floor: bool) -> object:
                return op(store)
        self._writes = writes
        self.flush_events = flush_events
        self.start_ms = local_midnight_ms(scenario.start, scenario.timezone)
        self.end_ms = local_midnight_ms(scenario.start + dt.timedelta(days=scenario.days),
                                        scenario.timezone)
        self.begin_ms = self.start_ms if begin_ms is None else max(begin_ms, self.start_ms)
        rng = np.random.default_rng(scenario.seed)
        arrivals = generate(scenario, rng)
        # Per arrival, the category of the complaint it raises once served (0: none).
        # Own stream: complaints leave every other draw of a seed as it was.
        complaints = draw_complaints(scenario, arrivals.outcome,
                                     np.random.default_rng([scenario.seed, 17]))
        agent_ids = [a.id for a in self.floor.agents]
        hangup_share, hangup_u, hangup_ms = draw_hangups(
            scenario.sabotage, agent_ids, len(arrivals),
            np.random.default_rng([scenario.seed, _HANGUP_STREAM]))
        keep = arrivals.arrived_ms >= self.begin_ms
        self.arrivals: Arrivals = Arrivals(**{f.name: getattr(arrivals, f.name)[keep]
                                              for f in dataclasses.fields(Arrivals)})
        self.complaint_category = complaints[keep]
        if len(hangup_u):
            hangup_u, hangup_ms = hangup_u[keep], hangup_ms[keep]
        sales = draw_sales(scenario.sales, arrivals.outcome,
                           np.random.default_rng([scenario.seed, _SALES_STREAM]))
        # Drawn over every contact of the scenario, like the complaints, so that a
        # floor resumed mid-day sells the same; then indexed like the kept ones.
        sales = sales.take(sales.contact[keep[sales.contact]])
        sales.contact = np.searchsorted(np.flatnonzero(keep), sales.contact)
        self.sale_draws = sales
        self._sales = 0
        self._revenue = 0
        self._complaints = 0
        self._serious = 0
        n = len(self.arrivals)
        self.router = Router(self.floor, capacity=max(1024, min(n, 1 << 16)))
        queues = self.floor.queues
        self._q_channel = np.array([int(q.queue.channel) for q in queues], dtype=np.int16)
        self._q_id = np.array([q.queue.id for q in queues], dtype=np.int64)
        language = {name: i for i, name in enumerate(self.floor.languages)}
        self._q_language = np.array([language[q.queue.language] for q in queues],
                                    dtype=np.int16)
        wrap_ms = np.zeros(int(max(Channel)) + 1, dtype=np.int64)
        for ch, m in scenario.channels.items():
            wrap_ms[int(ch)] = int(m.wrap_up_s * 1000)
        # Interaction ids continue after those already in the database.
        self.id_offset = 0
        if self._writes is not None:
            def save(s: Store) -> int:
                s.save_floor(self.floor, self.floor_source)
                return s.max_interaction_id()
            self.id_offset = self._writes(save, True)
        arr = self.arrivals
        self.loop = self.loop_class(
            self.router.compiled_core, arr.arrived_ms, arr.queue_index, arr.handle_ms,
            arr.patience_ms, arr.outcome,
            self._q_language.astype(np.int32),
            wrap_ms, scenario.phone_lines, self.id_offset, self.begin_ms)
        self._agent_ids = np.array(agent_ids, dtype=np.int64)
        self.pauses = self._plan_shifts(rng)
        langs = np.array([sum(1 << language[x] for x in set(a.languages))
                          for a in self.floor.agents], dtype=np.uint64)
        breaks = scenario.breaks
        self.loop.set_agents(
            langs, scenario.logins, self.pauses.state, self.pauses.length_ms,
            breaks is not None and breaks.keep_languages_covered, PAUSE_RETRY_MS,
            PAUSE_TRIES, hangup_share, hangup_u, hangup_ms)
        for p, (t, a) in enumerate(zip(self.pauses.start_ms.tolist(),
                                       self.pauses.agent.tolist(), strict=True)):
            self.loop.schedule(t, PAUSE, a, p)
        self._flushed = 0  # arrivals written to the store so far
        self._voicemail = np.zeros(len(wrap_ms), dtype=np.int64)
        self._events = 0
        self._still_waiting = 0

    @property
    def now(self) -> int:
        return self.loop.now

    @property
    def status(self) -> np.ndarray:
        """What became of each arrival so far (the loop's status codes)."""
        return self.loop.status_arr

    def _plan_shifts(self, rng: np.random.Generator) -> Pauses:
        """Schedule the shifts (``rng``: the main stream, for sick days) and plan the
        pauses in them; the pauses are scheduled once the loop knows them."""
        sc = self.scenario
        windows = []
        # From the day before: a night shift that began yesterday is still on at 00:00.
        for d in range(-1, sc.days):
            day = sc.start + dt.timedelta(days=d)
            midnight = local_midnight_ms(day, sc.timezone)
            sick = rng.random(len(self.floor.agents)) < sc.sick_rate
            for i, agent in enumerate(self.floor.agents):
                h0, h1 = sc.shifts[agent.shift]
                start = midnight + int(h0 * HOUR_MS)
                end = midnight + int(h1 * HOUR_MS)
                windows.append(ShiftWindow(i, start, end, not sick[i]))
                if sick[i] or end <= self.begin_ms or start >= self.end_ms:
                    continue
                self.loop.schedule(max(start, self.begin_ms), SHIFT_START, i)
                if end < self.end_ms:
                    self.loop.schedule(end, SHIFT_END, i)
        pauses = plan_pauses(sc.breaks, sc.absence, [a.id for a in self.floor.agents],
                             windows, np.random.default_rng([sc.seed, _PAUSE_STREAM]))
        inside = (pauses.start_ms >= self.begin_ms) & (pauses.start_ms < self.end_ms)
        return Pauses(pauses.start_ms[inside], pauses.agent[inside], pauses.state[inside],
                      pauses.length_ms[inside])

    # -- running -------------------------------------------------------------------

    def run(self, progress: Callable[[float], None] | None = None,
            stop: Callable[[], bool] | None = None) -> Summary:
        """Run to the end, or until ``stop()`` says so (asked each simulated hour);
        either way everything run so far is flushed."""
        step = HOUR_MS
        t = self.begin_ms
        while t < self.end_ms and not (stop and stop()):
            t = min(t + step, self.end_ms)
            self.run_until(t)
            if progress:
                progress((t - self.begin_ms) / max(1, self.end_ms - self.begin_ms))
        self.finish()
        return self.summary

    def run_until(self, until_ms: int) -> None:
        """Handle every event up to and including ``until_ms`` (capped at the end)."""
        until_ms = min(until_ms, self.end_ms)
        self.loop.run_until(until_ms)
        if self.router.pending_events >= self.flush_events or until_ms >= self.end_ms:
            self.flush()

    @property
    def summary(self) -> Summary:
        """Counts so far, by channel (voicemail as of the last flush)."""
        out = Summary(still_waiting=self._still_waiting, events=self._events,
                      complaints=self._complaints, serious_complaints=self._serious,
                      sales=self._sales, revenue_cents=self._revenue)
        counters = self.loop.counters_arr
        for ch in Channel:
            row = counters[int(ch)]
            if not row[_ARRIVED]:
                continue
            out.by_channel[ch] = ChannelSummary(
                arrived=int(row[_ARRIVED]), answered=int(row[_ANSWERED]),
                answered_in_target=int(row[_IN_TARGET]),
                answered_after_wait=int(row[_AFTER_WAIT]), abandoned=int(row[_ABANDONED]),
                blocked=int(row[_BLOCKED]), voicemail=int(self._voicemail[int(ch)]),
                wait_ms_total=int(row[_WAIT_MS]))
        return out

    # -- writing -------------------------------------------------------------------

    def _source_events(self, index: np.ndarray, kind: EventKind) -> np.ndarray:
        """Events the floor's source reports itself (arrivals, busy signals)."""
        arr = self.arrivals
        qi = arr.queue_index[index]
        out = np.zeros(len(index), dtype=EVENT_DTYPE)
        out["ts_ms"] = arr.arrived_ms[index]
        out["kind"] = int(kind)
        out["interaction_id"] = self.id_offset + index + 1
        out["agent_id"] = NONE
        out["queue_id"] = self._q_id[qi]
        out["channel"] = self._q_channel[qi]
        out["value"] = NONE
        return out

    def flush(self) -> None:
        """Hand the events so far to the store (and count what the router decided alone)."""
        routed = self.router.take_events()
        voicemail = routed["channel"][routed["kind"] == int(EventKind.VOICEMAIL)]
        np.add.at(self._voicemail, voicemail.astype(np.int64), 1)
        lo, hi = self._flushed, self.loop.next_arrival
        raised = self._complaint_events(routed)
        logins, logouts = self._login_events()
        # Each part is in time order; at one instant the arrival comes first, a login
        # before the state it brings and a logout after the last state of the shift,
        # and a complaint after the end of the conversation it is raised on.
        events = merge_by_time([
            self._source_events(np.arange(lo, hi), EventKind.ARRIVED),
            self._source_events(self.loop.take_blocked(), EventKind.BLOCKED),
            logins,
            routed,
            logouts,
            raised,
        ])
        self._events += len(events)
        self._complaints += len(raised)
        self._serious += int(np.isin(raised["value"], _SERIOUS).sum())
        sold = self._sales_made(routed)
        self._sales += len(sold)
        self._revenue += sum(x.amount_cents for x in sold)
        if self._writes is not None and len(events):
            items, numbers = self._interaction_rows(lo, hi)
            complaints = self._complaint_rows(raised)

            def store_flush(s: Store) -> None:
                # One transaction: a flush's events, interactions, complaints and sales
                # are stored together or not at all (a crash between them left
                # interactions without their events).
                with s.transaction():
                    s.add_interaction_array(items, self.floor.languages, numbers)
                    if complaints:
                        s.add_complaints(complaints)
                    s.add_sales(sold)
                    s.append(events)

            self._writes(store_flush, False)
        self._flushed = hi

    def _login_events(self) -> tuple[np.ndarray, np.ndarray]:
        """The loop's logins and logouts since the last flush, as events (two parts)."""
        t, kind, agent = self.loop.take_agent_events()
        out = np.zeros(len(t), dtype=EVENT_DTYPE)
        out["ts_ms"] = t
        login = kind == LOGIN
        out["kind"] = np.where(login, int(EventKind.AGENT_LOGIN), int(EventKind.AGENT_LOGOUT))
        out["agent_id"] = self._agent_ids[agent]
        for col in ("interaction_id", "queue_id", "channel", "value"):
            out[col] = NONE
        return out[login], out[~login]

    def _complaint_events(self, routed: np.ndarray) -> np.ndarray:
        """The complaints raised by the agents on the conversations that just ended
        (a dial cut short reached nobody to complain)."""
        ended = routed[(routed["kind"] == int(EventKind.ENDED))
                       & (routed["value"] != int(Outcome.NOT_REACHED))]
        category = self.complaint_category[ended["interaction_id"] - self.id_offset - 1]
        raised = ended[category > 0].copy()
        raised["kind"] = int(EventKind.COMPLAINT_RAISED)
        raised["value"] = category[category > 0]
        return raised

    def _sales_made(self, routed: np.ndarray) -> list[Sale]:
        """What the conversations that just ended in a sale sold."""
        ended = routed[(routed["kind"] == int(EventKind.ENDED))
                       & (routed["value"] == int(Outcome.SALE))]
        draws = self.sale_draws.take(ended["interaction_id"] - self.id_offset - 1)
        model = self.scenario.sales
        return [Sale(int(e["interaction_id"]), int(e["agent_id"]), int(e["ts_ms"]), cents,
                     model.currency,
                     model.products[p].name if p >= 0 else PARTNER_PRODUCT,
                     model.partners[k] if k >= 0 else None)
                for e, p, k, cents in zip(ended, draws.product.tolist(), draws.partner.tolist(),
                                          draws.amount_cents.tolist(), strict=True)]

    def _complaint_rows(self, raised: np.ndarray) -> list[Complaint]:
        if not len(raised):
            return []
        i = raised["interaction_id"] - self.id_offset - 1
        arr = self.arrivals
        langs = self.floor.languages
        numbers = customer_numbers(arr.customer[i], arr.mobile[i],
                                   [langs[x] for x in self._q_language[arr.queue_index[i]]])
        voice = np.isin(raised["channel"], _VOICE).tolist()
        return [
            Complaint(int(r["ts_ms"]), ComplaintCategory(int(r["value"])),
                      ComplaintSource.AGENT, int(r["interaction_id"]), int(r["agent_id"]),
                      number if is_call else None, NOTES[ComplaintCategory(int(r["value"]))])
            for r, number, is_call in zip(raised, numbers, voice, strict=True)]

    def _interaction_rows(self, lo: int, hi: int) -> tuple[np.ndarray, list[str | None]]:
        """Arrivals lo..hi as interaction rows (INTERACTION_DTYPE) and their customer
        numbers: calls and chats carry one."""
        arr = self.arrivals
        qi = arr.queue_index[lo:hi]
        items = np.zeros(hi - lo, dtype=INTERACTION_DTYPE)
        items["id"] = self.id_offset + np.arange(lo + 1, hi + 1)
        items["channel"] = self._q_channel[qi]
        items["direction"] = np.where(items["channel"] == int(Channel.OUTBOUND_CALL),
                                      int(Direction.OUTBOUND), int(Direction.INBOUND))
        items["language"] = self._q_language[qi]
        items["queue_id"] = self._q_id[qi]
        items["arrived_ms"] = arr.arrived_ms[lo:hi]
        numbers: list[str | None] = [None] * (hi - lo)
        numbered = np.flatnonzero(np.isin(items["channel"], _NUMBERED))
        if len(numbered):
            mobile = arr.mobile[lo:hi][numbered]
            items["number_type"][numbered] = np.where(mobile, int(NumberType.MOBILE),
                                                      int(NumberType.LANDLINE))
            langs = self.floor.languages
            made = customer_numbers(arr.customer[lo:hi][numbered], mobile,
                                    [langs[x] for x in items["language"][numbered].tolist()])
            for k, number in zip(numbered.tolist(), made, strict=True):
                numbers[k] = number
        return items, numbers

    def finish(self) -> None:
        self.flush()
        self._still_waiting = self.router.waiting
