-- Issue 20: reports (통계). Pre-aggregated rollups so a report over any period reads a
-- few rows per day, not every chat (see engine/src/reports). `report_facts` holds what
-- each ended chat added (so a late rating or a changed handling type is taken out and
-- put back exactly); `report_days` sums them per service × day (in the service's zone) ×
-- agent × handling type × channel, with duration histograms (16 buckets, bounds in
-- engine/src/reports/rules.rs); `report_hours` counts chat starts per day and hour for
-- the weekday × hour heatmap. Open chats are read live (the partial index below).

-- the first assignment and open, kept once (assigned_at / opened_at move on re-routes)
ALTER TABLE chats ADD COLUMN first_assigned_at TEXT;
ALTER TABLE chats ADD COLUMN first_opened_at TEXT;
UPDATE chats SET first_assigned_at = assigned_at, first_opened_at = opened_at;
CREATE INDEX chats_open_by_service ON chats(service_id, created_at) WHERE status != 'ended';

CREATE TABLE report_facts (
    chat_id            INTEGER PRIMARY KEY REFERENCES chats(id),
    service_id         INTEGER NOT NULL,
    day                TEXT    NOT NULL,
    hour               INTEGER NOT NULL,
    agent_id           INTEGER NOT NULL,
    category_id        INTEGER NOT NULL,
    channel_kind       TEXT    NOT NULL,
    facts              TEXT    NOT NULL
);

CREATE TABLE report_days (
    service_id         INTEGER NOT NULL,
    day                TEXT    NOT NULL,
    agent_id           INTEGER NOT NULL,
    category_id        INTEGER NOT NULL,
    channel_kind       TEXT    NOT NULL,
    chats              INTEGER NOT NULL DEFAULT 0,
    ended              INTEGER NOT NULL DEFAULT 0,
    handled            INTEGER NOT NULL DEFAULT 0,
    unhandled          INTEGER NOT NULL DEFAULT 0,
    abandoned          INTEGER NOT NULL DEFAULT 0,
    transfers          INTEGER NOT NULL DEFAULT 0,
    reroutes           INTEGER NOT NULL DEFAULT 0,
    rated              INTEGER NOT NULL DEFAULT 0,
    rating_sum         INTEGER NOT NULL DEFAULT 0,
    r1                 INTEGER NOT NULL DEFAULT 0,
    r2                 INTEGER NOT NULL DEFAULT 0,
    r3                 INTEGER NOT NULL DEFAULT 0,
    r4                 INTEGER NOT NULL DEFAULT 0,
    r5                 INTEGER NOT NULL DEFAULT 0,
    wait_assign_n      INTEGER NOT NULL DEFAULT 0,
    wait_assign_sum    INTEGER NOT NULL DEFAULT 0,
    wait_assign_b0     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b1     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b2     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b3     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b4     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b5     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b6     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b7     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b8     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b9     INTEGER NOT NULL DEFAULT 0,
    wait_assign_b10    INTEGER NOT NULL DEFAULT 0,
    wait_assign_b11    INTEGER NOT NULL DEFAULT 0,
    wait_assign_b12    INTEGER NOT NULL DEFAULT 0,
    wait_assign_b13    INTEGER NOT NULL DEFAULT 0,
    wait_assign_b14    INTEGER NOT NULL DEFAULT 0,
    wait_assign_b15    INTEGER NOT NULL DEFAULT 0,
    wait_open_n        INTEGER NOT NULL DEFAULT 0,
    wait_open_sum      INTEGER NOT NULL DEFAULT 0,
    wait_open_b0       INTEGER NOT NULL DEFAULT 0,
    wait_open_b1       INTEGER NOT NULL DEFAULT 0,
    wait_open_b2       INTEGER NOT NULL DEFAULT 0,
    wait_open_b3       INTEGER NOT NULL DEFAULT 0,
    wait_open_b4       INTEGER NOT NULL DEFAULT 0,
    wait_open_b5       INTEGER NOT NULL DEFAULT 0,
    wait_open_b6       INTEGER NOT NULL DEFAULT 0,
    wait_open_b7       INTEGER NOT NULL DEFAULT 0,
    wait_open_b8       INTEGER NOT NULL DEFAULT 0,
    wait_open_b9       INTEGER NOT NULL DEFAULT 0,
    wait_open_b10      INTEGER NOT NULL DEFAULT 0,
    wait_open_b11      INTEGER NOT NULL DEFAULT 0,
    wait_open_b12      INTEGER NOT NULL DEFAULT 0,
    wait_open_b13      INTEGER NOT NULL DEFAULT 0,
    wait_open_b14      INTEGER NOT NULL DEFAULT 0,
    wait_open_b15      INTEGER NOT NULL DEFAULT 0,
    first_response_n   INTEGER NOT NULL DEFAULT 0,
    first_response_sum INTEGER NOT NULL DEFAULT 0,
    first_response_b0  INTEGER NOT NULL DEFAULT 0,
    first_response_b1  INTEGER NOT NULL DEFAULT 0,
    first_response_b2  INTEGER NOT NULL DEFAULT 0,
    first_response_b3  INTEGER NOT NULL DEFAULT 0,
    first_response_b4  INTEGER NOT NULL DEFAULT 0,
    first_response_b5  INTEGER NOT NULL DEFAULT 0,
    first_response_b6  INTEGER NOT NULL DEFAULT 0,
    first_response_b7  INTEGER NOT NULL DEFAULT 0,
    first_response_b8  INTEGER NOT NULL DEFAULT 0,
    first_response_b9  INTEGER NOT NULL DEFAULT 0,
    first_response_b10 INTEGER NOT NULL DEFAULT 0,
    first_response_b11 INTEGER NOT NULL DEFAULT 0,
    first_response_b12 INTEGER NOT NULL DEFAULT 0,
    first_response_b13 INTEGER NOT NULL DEFAULT 0,
    first_response_b14 INTEGER NOT NULL DEFAULT 0,
    first_response_b15 INTEGER NOT NULL DEFAULT 0,
    handling_n         INTEGER NOT NULL DEFAULT 0,
    handling_sum       INTEGER NOT NULL DEFAULT 0,
    handling_b0        INTEGER NOT NULL DEFAULT 0,
    handling_b1        INTEGER NOT NULL DEFAULT 0,
    handling_b2        INTEGER NOT NULL DEFAULT 0,
    handling_b3        INTEGER NOT NULL DEFAULT 0,
    handling_b4        INTEGER NOT NULL DEFAULT 0,
    handling_b5        INTEGER NOT NULL DEFAULT 0,
    handling_b6        INTEGER NOT NULL DEFAULT 0,
    handling_b7        INTEGER NOT NULL DEFAULT 0,
    handling_b8        INTEGER NOT NULL DEFAULT 0,
    handling_b9        INTEGER NOT NULL DEFAULT 0,
    handling_b10       INTEGER NOT NULL DEFAULT 0,
    handling_b11       INTEGER NOT NULL DEFAULT 0,
    handling_b12       INTEGER NOT NULL DEFAULT 0,
    handling_b13       INTEGER NOT NULL DEFAULT 0,
    handling_b14       INTEGER NOT NULL DEFAULT 0,
    handling_b15       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, day, agent_id, category_id, channel_kind)
);

CREATE TABLE report_hours (
    service_id         INTEGER NOT NULL,
    day                TEXT   NOT NULL,
    hour               INTEGER NOT NULL,
    chats              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, day, hour)
);
-- the filtered heatmap (an agent, a handling type, a channel) counts the facts instead
CREATE INDEX report_facts_by_day ON report_facts(service_id, day);

-- services whose rollups were built from their chats (a service missing here — every
-- service at this upgrade — is rebuilt in the background when the server starts)
CREATE TABLE report_builds (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    built_at   TEXT    NOT NULL
);
-- a rebuild under way (one per service at a time, across processes and instances;
-- a claim older than ten minutes is a crashed one and may be taken over)
CREATE TABLE report_rebuilds (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    started_at TEXT    NOT NULL
);

-- agents' status changes from now on (time online / on a break per agent)
CREATE TABLE agent_status_log (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
    agent_id   INTEGER NOT NULL REFERENCES agents(id),
    status     TEXT    NOT NULL,
    at         TEXT    NOT NULL
);
CREATE INDEX agent_status_log_by_service ON agent_status_log(service_id, at);
