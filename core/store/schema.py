"""The database's tables, views and triggers, as SQL. Migrations apply them in order.

A table's DDL is never edited once released: changes go into a new migration.
"""

from __future__ import annotations

from core.model import EventKind as K

#: 'FLBD' — marks a SQLite file as Floorboard's, so a foreign database is refused.
APPLICATION_ID = 0x464C4244

# Lookup tables are filled from core.model.LOOKUP_ENUMS by the migrations.
LOOKUP_TABLE = "CREATE TABLE {name} (code INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"

MIGRATIONS_TABLE = """
CREATE TABLE schema_migrations (
    version       INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    applied_at_ms INTEGER NOT NULL
)
"""

V1_TABLES = [
    """
    CREATE TABLE queues (
        id           INTEGER PRIMARY KEY,
        name         TEXT NOT NULL UNIQUE,
        channel      INTEGER NOT NULL REFERENCES channels(code),
        skill        TEXT NOT NULL,
        language     TEXT NOT NULL,
        sla_target_s INTEGER NOT NULL CHECK (sla_target_s > 0),
        strategy     TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE agents (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        team          TEXT NOT NULL DEFAULT '',
        shift         TEXT NOT NULL,
        blend_profile INTEGER NOT NULL REFERENCES blend_profiles(code)
    )
    """,
    """
    CREATE TABLE agent_languages (
        agent_id INTEGER NOT NULL REFERENCES agents(id),
        language TEXT NOT NULL,
        rank     INTEGER NOT NULL,
        PRIMARY KEY (agent_id, language)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE agent_skills (
        agent_id    INTEGER NOT NULL REFERENCES agents(id),
        skill       TEXT NOT NULL,
        proficiency INTEGER NOT NULL CHECK (proficiency BETWEEN 1 AND 5),
        PRIMARY KEY (agent_id, skill)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE agent_capacity (
        agent_id INTEGER NOT NULL REFERENCES agents(id),
        channel  INTEGER NOT NULL REFERENCES channels(code),
        capacity INTEGER NOT NULL CHECK (capacity >= 1),
        PRIMARY KEY (agent_id, channel)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE interactions (
        id                   INTEGER PRIMARY KEY,
        channel              INTEGER NOT NULL REFERENCES channels(code),
        direction            INTEGER NOT NULL REFERENCES directions(code),
        language             TEXT NOT NULL,
        queue_id             INTEGER REFERENCES queues(id),
        priority             INTEGER NOT NULL DEFAULT 0,
        customer_number      TEXT,
        customer_number_type INTEGER NOT NULL DEFAULT 0 REFERENCES number_types(code),
        arrived_ms           INTEGER NOT NULL
    )
    """,
    # No foreign keys on events: a source may report an event before (or without)
    # the interaction's row, and the append path must not pay for lookups.
    """
    CREATE TABLE events (
        seq            INTEGER PRIMARY KEY,
        ts_ms          INTEGER NOT NULL,
        kind           INTEGER NOT NULL,
        interaction_id INTEGER,
        agent_id       INTEGER,
        queue_id       INTEGER,
        channel        INTEGER,
        value          INTEGER,
        detail         TEXT
    )
    """,
    "CREATE INDEX events_by_time ON events (ts_ms)",
    "CREATE INDEX events_by_interaction ON events (interaction_id) "
    "WHERE interaction_id IS NOT NULL",
    """
    CREATE TABLE audit (
        id      INTEGER PRIMARY KEY,
        ts_ms   INTEGER NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        detail  TEXT
    )
    """,
]

APPEND_ONLY_TABLES = ("events", "audit")


def _append_only_triggers(tables: tuple[str, ...]) -> list[str]:
    return [
        sql
        for table in tables
        for sql in (
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} are append-only'); END",
        )
    ]


APPEND_ONLY_TRIGGERS = _append_only_triggers(APPEND_ONLY_TABLES)

#: Events per block of the time map. Blocks are aligned: block k holds seq
#: k * EVENT_BLOCK + 1 .. (k + 1) * EVENT_BLOCK.
EVENT_BLOCK = 4096

# Schema 3: the time map replaces the per-row event indexes. With both indexes an
# append ran at about 0.8M rows/s, without them at about 2M/s; a floor of 10,000
# agents writes 6.6M events a day. Rows come in nearly time order, so the smallest
# and largest time of each 4,096 events are enough to find any time range
# (``Store.seq_range``). Exports build the per-row indexes for analysts.
V3_EVENT_BLOCKS = [
    """
    CREATE TABLE event_blocks (
        first_seq INTEGER PRIMARY KEY,
        last_seq  INTEGER NOT NULL,
        min_ts_ms INTEGER NOT NULL,
        max_ts_ms INTEGER NOT NULL,
        CHECK (last_seq >= first_seq)
    )
    """,
    f"""
    INSERT INTO event_blocks (first_seq, last_seq, min_ts_ms, max_ts_ms)
    SELECT min(seq), max(seq), min(ts_ms), max(ts_ms) FROM events
    GROUP BY (seq - 1) / {EVENT_BLOCK}
    """,
    "DROP INDEX events_by_time",
    "DROP INDEX events_by_interaction",
]

#: Built in exported files, where nothing appends any more and analysts query freely.
ANALYST_INDEXES = [
    "CREATE INDEX IF NOT EXISTS events_by_time ON events (ts_ms)",
    "CREATE INDEX IF NOT EXISTS events_by_interaction ON events (interaction_id) "
    "WHERE interaction_id IS NOT NULL",
]

# Schema 4: complaints as raised (ESC-1); triage and pages come with escalation.
V4_COMPLAINTS = [
    """
    CREATE TABLE complaints (
        id              INTEGER PRIMARY KEY,
        raised_ms       INTEGER NOT NULL,
        interaction_id  INTEGER REFERENCES interactions(id),
        agent_id        INTEGER REFERENCES agents(id),
        customer_number TEXT,
        category        INTEGER NOT NULL REFERENCES complaint_categories(code),
        source          TEXT NOT NULL CHECK (source IN ('agent', 'transcript')),
        note            TEXT NOT NULL DEFAULT ''
    )
    """,
    # Triage looks for an open complaint of the same customer within N days.
    "CREATE INDEX complaints_by_customer ON complaints (customer_number, raised_ms)",
    """
    CREATE VIEW v_complaints AS
    SELECT c.id AS complaint_id,
           c.raised_ms,
           strftime('%Y-%m-%dT%H:%M:%fZ', c.raised_ms / 1000.0, 'unixepoch') AS raised_utc,
           k.name AS category,
           c.source,
           c.interaction_id,
           c.agent_id,
           a.name AS agent,
           c.customer_number,
           c.note
    FROM complaints c
    LEFT JOIN complaint_categories k ON k.code = c.category
    LEFT JOIN agents a ON a.id = c.agent_id
    """,
]

_ISO = "strftime('%Y-%m-%dT%H:%M:%fZ', {col} / 1000.0, 'unixepoch')"

# Views for analysts (documented in docs/export.md): names instead of codes,
# UTC timestamps as ISO text, one row per interaction with its milestones.
V1_VIEWS = [
    f"""
    CREATE VIEW v_events AS
    SELECT e.seq,
           e.ts_ms,
           {_ISO.format(col="e.ts_ms")} AS ts_utc,
           k.name AS kind,
           e.interaction_id,
           e.agent_id,
           a.name AS agent,
           e.queue_id,
           q.name AS queue,
           c.name AS channel,
           e.value,
           CASE k.name
               WHEN 'AGENT_STATE' THEN (SELECT name FROM agent_states WHERE code = e.value)
               WHEN 'ENDED' THEN (SELECT name FROM outcomes WHERE code = e.value)
               WHEN 'AGENT_MODE' THEN (SELECT name FROM work_modes WHERE code = e.value)
           END AS value_name,
           e.detail
    FROM events e
    LEFT JOIN event_kinds k ON k.code = e.kind
    LEFT JOIN agents a ON a.id = e.agent_id
    LEFT JOIN queues q ON q.id = e.queue_id
    LEFT JOIN channels c ON c.code = e.channel
    """,
    f"""
    CREATE VIEW v_interactions AS
    WITH m AS (
        SELECT interaction_id,
               MIN(CASE WHEN kind = {K.ACCEPTED:d} THEN ts_ms END) AS answered_ms,
               MAX(CASE WHEN kind IN ({K.ENDED:d}, {K.ABANDONED:d}, {K.VOICEMAIL:d})
                        THEN ts_ms END) AS ended_ms,
               MAX(CASE WHEN kind = {K.ENDED:d} THEN value END) AS outcome_code,
               MAX(CASE WHEN kind = {K.ABANDONED:d} THEN 1 ELSE 0 END) AS abandoned,
               MAX(CASE WHEN kind = {K.VOICEMAIL:d} THEN 1 ELSE 0 END) AS voicemail,
               SUM(CASE WHEN kind = {K.NO_ANSWER:d} THEN 1 ELSE 0 END) AS no_answers,
               SUM(CASE WHEN kind = {K.TRANSFERRED:d} THEN 1 ELSE 0 END) AS transfers
        FROM events
        WHERE interaction_id IS NOT NULL
        GROUP BY interaction_id
    )
    SELECT i.id AS interaction_id,
           c.name AS channel,
           d.name AS direction,
           i.language,
           i.queue_id,
           q.name AS queue,
           i.priority,
           i.customer_number,
           nt.name AS customer_number_type,
           i.arrived_ms,
           {_ISO.format(col="i.arrived_ms")} AS arrived_utc,
           m.answered_ms,
           (m.answered_ms - i.arrived_ms) / 1000.0 AS wait_s,
           m.ended_ms,
           (m.ended_ms - i.arrived_ms) / 1000.0 AS total_s,
           CASE WHEN m.abandoned THEN 'ABANDONED'
                WHEN m.voicemail THEN 'VOICEMAIL'
                ELSE o.name END AS outcome,
           COALESCE(m.no_answers, 0) AS no_answers,
           COALESCE(m.transfers, 0) AS transfers
    FROM interactions i
    LEFT JOIN m ON m.interaction_id = i.id
    LEFT JOIN channels c ON c.code = i.channel
    LEFT JOIN directions d ON d.code = i.direction
    LEFT JOIN queues q ON q.id = i.queue_id
    LEFT JOIN number_types nt ON nt.code = i.customer_number_type
    LEFT JOIN outcomes o ON o.code = m.outcome_code
    """,
    f"""
    CREATE VIEW v_agent_states AS
    SELECT e.agent_id,
           a.name AS agent,
           s.name AS state,
           e.ts_ms AS from_ms,
           {_ISO.format(col="e.ts_ms")} AS from_utc,
           LEAD(e.ts_ms) OVER w AS to_ms,
           (LEAD(e.ts_ms) OVER w - e.ts_ms) / 1000.0 AS duration_s
    FROM events e
    LEFT JOIN agents a ON a.id = e.agent_id
    LEFT JOIN agent_states s ON s.code = e.value
    WHERE e.kind = {K.AGENT_STATE:d} AND e.agent_id IS NOT NULL
    WINDOW w AS (PARTITION BY e.agent_id ORDER BY e.seq)
    """,
    """
    CREATE VIEW v_agents AS
    SELECT a.id AS agent_id,
           a.name,
           a.team,
           a.shift,
           b.name AS blend_profile,
           (SELECT group_concat(language, ',') FROM
               (SELECT language FROM agent_languages l
                WHERE l.agent_id = a.id ORDER BY rank)) AS languages,
           (SELECT group_concat(skill || ':' || proficiency, ',') FROM
               (SELECT skill, proficiency FROM agent_skills s
                WHERE s.agent_id = a.id ORDER BY skill)) AS skills
    FROM agents a
    LEFT JOIN blend_profiles b ON b.code = a.blend_profile
    """,
]

#: Columns that hold customer phone numbers (pseudonymised on export).
CUSTOMER_NUMBER_COLUMNS = [("interactions", "customer_number"),
                           ("complaints", "customer_number")]

# Schema 4 names complaint categories in v_events too.
V4_COMPLAINTS += [
    "DROP VIEW v_events",
    V1_VIEWS[0].replace(
        "WHEN 'AGENT_MODE' THEN (SELECT name FROM work_modes WHERE code = e.value)",
        "WHEN 'AGENT_MODE' THEN (SELECT name FROM work_modes WHERE code = e.value)\n"
        "               WHEN 'COMPLAINT_RAISED' THEN"
        " (SELECT name FROM complaint_categories WHERE code = e.value)"),
]

# Schema 5: files imported into the store, and the lines of them that could not be
# read. An import is a record of what entered the store: like the events it wrote,
# it is never changed, and its sha256 keeps the same file from being imported twice.
V5_APPEND_ONLY_TABLES = ("imports", "rejected_lines")

V5_IMPORTS = [
    """
    CREATE TABLE imports (
        id                    INTEGER PRIMARY KEY,
        source                TEXT NOT NULL,
        file_name             TEXT NOT NULL,
        sha256                TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        imported_at_ms        INTEGER NOT NULL,
        lines                 INTEGER NOT NULL CHECK (lines >= 0),
        imported              INTEGER NOT NULL CHECK (imported >= 0),
        phantom               INTEGER NOT NULL CHECK (phantom >= 0),
        rejected              INTEGER NOT NULL CHECK (rejected >= 0),
        interaction_id_offset INTEGER NOT NULL CHECK (interaction_id_offset >= 0),
        first_arrival_ms      INTEGER,
        last_arrival_ms       INTEGER
    )
    """,
    # The file is named through the import; the raw text holds whatever the line
    # held (customer ids included), which is why exports treat it apart.
    """
    CREATE TABLE rejected_lines (
        import_id INTEGER NOT NULL REFERENCES imports(id),
        line      INTEGER NOT NULL CHECK (line >= 1),
        field     TEXT NOT NULL,
        reason    TEXT NOT NULL,
        text      TEXT,
        PRIMARY KEY (import_id, line)
    ) WITHOUT ROWID
    """,
    *_append_only_triggers(V5_APPEND_ONLY_TABLES),
    f"""
    CREATE VIEW v_imports AS
    SELECT i.id AS import_id,
           i.source,
           i.file_name,
           i.sha256,
           i.imported_at_ms,
           {_ISO.format(col="i.imported_at_ms")} AS imported_utc,
           i.lines,
           i.imported,
           i.phantom,
           i.rejected,
           i.interaction_id_offset,
           {_ISO.format(col="i.first_arrival_ms")} AS first_arrival_utc,
           {_ISO.format(col="i.last_arrival_ms")} AS last_arrival_utc
    FROM imports i
    """,
    """
    CREATE VIEW v_rejected_lines AS
    SELECT r.import_id,
           i.source,
           i.file_name,
           r.line,
           r.field,
           r.reason,
           r.text
    FROM rejected_lines r
    JOIN imports i ON i.id = r.import_id
    """,
]

#: Raw lines of input files: they may hold customer ids in any shape (a malformed
#: line's id is not in ``interactions`` to be recognised), so a pseudonymised
#: export leaves them out (NULL) instead of trying to scrub them.
RAW_LINE_COLUMNS = [("rejected_lines", "text")]

# Schema 6: what each sale was (KPI-3): one row per conversation that ended in a
# sale, with its amount in the currency's minor unit (integer cents: sums stay
# exact), and the featured partner whose service was sold (seed 000: partner sales
# are attributed by partner id; NULL: our own product).
V6_SALES = [
    """
    CREATE TABLE sales (
        id             INTEGER PRIMARY KEY,
        interaction_id INTEGER NOT NULL REFERENCES interactions(id),
        agent_id       INTEGER NOT NULL REFERENCES agents(id),
        sold_ms        INTEGER NOT NULL,
        amount_cents   INTEGER NOT NULL CHECK (amount_cents >= 0),
        currency       TEXT NOT NULL CHECK (length(currency) = 3),
        partner_id     TEXT CHECK (partner_id IS NULL OR partner_id != ''),
        product        TEXT NOT NULL
    )
    """,
    "CREATE INDEX sales_by_time ON sales (sold_ms)",
    f"""
    CREATE VIEW v_sales AS
    SELECT s.id AS sale_id,
           s.sold_ms,
           {_ISO.format(col="s.sold_ms")} AS sold_utc,
           s.interaction_id,
           c.name AS channel,
           i.language,
           i.queue_id,
           q.name AS queue,
           s.agent_id,
           a.name AS agent,
           a.team,
           a.shift,
           s.product,
           s.partner_id,
           s.amount_cents,
           s.amount_cents / 100.0 AS amount,
           s.currency
    FROM sales s
    LEFT JOIN interactions i ON i.id = s.interaction_id
    LEFT JOIN channels c ON c.code = i.channel
    LEFT JOIN queues q ON q.id = i.queue_id
    LEFT JOIN agents a ON a.id = s.agent_id
    """,
]

# Schema 8: escalation (ESC-1..4). Triage decisions and delivery attempts are records
# of what happened, never changed; a page's state moves on (pending, sent, delivered)
# and its attempts say how. The dedup key of a page (complaint, step) makes a page
# written twice (after a crash) refused by the database itself.
V8_APPEND_ONLY_TABLES = ("complaint_decisions", "page_attempts")

V8_ESCALATION = [
    """
    CREATE TABLE complaint_decisions (
        id           INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        decided_ms   INTEGER NOT NULL,
        verdict      TEXT NOT NULL CHECK (verdict IN ('valid', 'not_valid', 'needs_senior')),
        reason       TEXT NOT NULL,
        decided_by   TEXT NOT NULL
    )
    """,
    "CREATE INDEX complaint_decisions_by_complaint ON complaint_decisions (complaint_id, id)",
    """
    CREATE TABLE pages (
        id           INTEGER PRIMARY KEY,
        complaint_id INTEGER NOT NULL REFERENCES complaints(id),
        step         INTEGER NOT NULL CHECK (step >= 0),
        contact      TEXT NOT NULL,
        channel      TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'ntfy')),
        address      TEXT NOT NULL,
        dedup_key    TEXT NOT NULL UNIQUE,
        text         TEXT NOT NULL,
        ack_code     TEXT NOT NULL,
        urgency      TEXT NOT NULL CHECK (urgency IN ('urgent', 'info')),
        created_ms   INTEGER NOT NULL,
        due_ms       INTEGER NOT NULL,
        state        TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'sent', 'delivered', 'failed', 'cancelled')),
        tries        INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT NOT NULL DEFAULT '',
        gateway_ref  TEXT,
        sent_ms      INTEGER,
        delivered_ms INTEGER
    )
    """,
    "CREATE INDEX pages_by_state ON pages (state, due_ms)",
    # Triage asks whether a complaint's customer is an existing client.
    "CREATE INDEX interactions_by_number ON interactions (customer_number, arrived_ms)"
    " WHERE customer_number IS NOT NULL",
    "CREATE INDEX pages_by_complaint ON pages (complaint_id, step)",
    """
    CREATE TABLE page_attempts (
        id      INTEGER PRIMARY KEY,
        page_id INTEGER NOT NULL REFERENCES pages(id),
        at_ms   INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        detail  TEXT NOT NULL DEFAULT ''
    )
    """,
    """
    CREATE TABLE acknowledgements (
        complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
        at_ms        INTEGER NOT NULL,
        by           TEXT NOT NULL,
        via          TEXT NOT NULL
    )
    """,
    *_append_only_triggers(V8_APPEND_ONLY_TABLES),
]

# Schema 9: "is this complaint's customer an existing client?" no longer costs an index
# entry per stored interaction. `interactions_by_number` put every interaction at a
# random place of a B-tree keyed by number, which doubled the time to store a
# 10,000-agent day, for a question asked a few times a month. The same facts now go
# into `customer_contacts` only when triage asks, for the interactions stored since it
# last asked, sorted by number first (so each of its pages is written once a catch-up).
# It is a cache of `interactions`: the export leaves it empty, and it fills again.
V9_CUSTOMER_CONTACTS = [
    "DROP INDEX interactions_by_number",
    """
    CREATE TABLE customer_contacts (
        number         TEXT NOT NULL,
        arrived_ms     INTEGER NOT NULL,
        interaction_id INTEGER NOT NULL,
        PRIMARY KEY (number, arrived_ms, interaction_id)
    ) WITHOUT ROWID
    """,
    # Interactions up to this id are in customer_contacts (ids only grow: the store
    # refuses an interaction at or below the highest stored id).
    """
    CREATE TABLE customer_contacts_upto (
        one            INTEGER PRIMARY KEY CHECK (one = 1),
        interaction_id INTEGER NOT NULL
    )
    """,
    "INSERT INTO customer_contacts_upto VALUES (1, 0)",
]

# Schema 10: the floor a database was filled from, stored when the floor is saved (the
# simulator at start; an import with a floor file). The reports judge who could take
# which call, and which agents are comparable, from the routing policy itself: the
# queues and agents tables alone do not say which queues are sales work, what
# proficiency a queue asks for, or which groups it serves. `policy` is the JSON of the
# whole FloorPolicy (core/store/floor_policy_json.py); `source` says in words where it
# came from. A floor saved again adds a row if it changed: the newest row holds.
V10_FLOOR_POLICIES = [
    """
    CREATE TABLE floor_policies (
        id       INTEGER PRIMARY KEY,
        saved_ms INTEGER NOT NULL,
        source   TEXT NOT NULL,
        policy   TEXT NOT NULL
    )
    """,
]

#: Tables that are caches of others: emptied in an export (they refill when asked).
CACHE_TABLES = {"customer_contacts": "DELETE FROM customer_contacts",
                "customer_contacts_upto": "UPDATE customer_contacts_upto SET interaction_id = 0"}
