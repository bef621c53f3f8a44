"""The KPI kernels' shared layout: the core.model codes they read, how a wait ended,
the quarter hour and wait bins they count in, and the columns of the measures and of
the agents' state-time records that the facts pass, the batch aggregation and the
incremental engine all write (core.kpi reads them by these names).

numba's cache does not notice a change to another module: a kernel compiled with an
older value of these keeps it. After editing here, delete core_ext/__pycache__."""

from __future__ import annotations

import numpy as np

# core.model codes (tests/core_ext/test_kpi_layout.py checks them against the enums).
ARRIVED, ENQUEUED, ACCEPTED, TRANSFERRED, ENDED, ABANDONED, VOICEMAIL, BLOCKED = (
    1, 2, 4, 7, 9, 10, 11, 16)
AGENT_STATE, AGENT_LOGIN, AGENT_LOGOUT = 12, 14, 15
#: core.model.Channel.OUTBOUND_CALL: an agent's dial, not a contact that waited for one.
OUTBOUND_CALL = 7
ST_AVAILABLE, ST_BUSY, ST_WRAP_UP, ST_AWAY, ST_BREAK, ST_OFFLINE = 1, 2, 3, 4, 5, 6
OUT_RESOLVED, OUT_SALE, OUT_NO_SALE, OUT_MEETING_SET, OUT_PRANK = 1, 2, 3, 8, 10

# How a wait ended (ContactFacts.how); 0: it has not.
HOW_ANSWERED, HOW_ABANDONED, HOW_VOICEMAIL = 1, 2, 3
#: By event kind: how the wait ends with it (0: it does not end the wait).
HOW_OF = np.zeros(32, np.int8)
HOW_OF[ACCEPTED], HOW_OF[ABANDONED], HOW_OF[VOICEMAIL] = (HOW_ANSWERED, HOW_ABANDONED,
                                                           HOW_VOICEMAIL)

#: Interval tables are per UTC quarter hour: every zone's offset is a whole number of
#: quarter hours, so a quarter hour lies in exactly one local 15 min, hour, day, month.
SLOT_MS = 900_000

#: Upper edges (ms) of the fixed wait-histogram bins; the last bin is open. The
#: channel targets (15 s, 20 s, 4 h) are edges, so "within target" is exact.
WAIT_EDGES_MS = np.array([s * 1000 for s in (
    1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 18, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180,
    240, 300, 420, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600,
    28800, 43200, 86400)], dtype=np.int64)
N_WAIT_BINS = len(WAIT_EDGES_MS) + 1

# Measures of a cell (columns of the accumulators, in both engines).
(A_OFFERED, A_ANSWERED, A_IN_TARGET, A_ABANDONED, A_SHORT, A_VOICEMAIL, A_WAIT, A_LONGEST,
 A_TALKED, A_TALK, A_ACW, A_TRANSFERRED, A_TRANSFERS, A_FIRST_CONTACT, A_INBOUND_TALKED,
 A_AVAILABLE, A_BUSY, A_WRAP_UP, A_AWAY, A_BREAK) = range(20)
N_MEASURES = 20
#: Agent state -> its time column (0: not counted; OFFLINE is not logged-in time).
STATE_COLUMN = np.array([0, A_AVAILABLE, A_BUSY, A_WRAP_UP, A_AWAY, A_BREAK, 0, 0],
                        dtype=np.int64)

#: Columns of a state-time record (contact_facts): an agent's time per state in one
#: UTC quarter hour, the states' columns in STATE_COLUMN's order from A_AVAILABLE.
R_AGENT, R_SLOT, R_TIME = 0, 1, 2
N_STATE_TIMES = 5
R_WIDTH = R_TIME + N_STATE_TIMES

#: Outcomes that need no follow-up, by outcome code & 255 (-1, none: 255, False).
FIRST_CONTACT_OUTCOME = np.zeros(256, np.bool_)
FIRST_CONTACT_OUTCOME[[OUT_RESOLVED, OUT_SALE, OUT_NO_SALE, OUT_MEETING_SET, OUT_PRANK]] = True
