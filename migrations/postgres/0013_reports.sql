-- Issue 20: reports (see migrations/sqlite/0017_reports.sql).
ALTER TABLE chats ADD COLUMN first_assigned_at TIMESTAMPTZ;
ALTER TABLE chats ADD COLUMN first_opened_at TIMESTAMPTZ;
UPDATE chats SET first_assigned_at = assigned_at, first_opened_at = opened_at;
CREATE INDEX chats_open_by_service ON chats(service_id, created_at) WHERE status != 'ended';

CREATE TABLE report_facts (
    chat_id            BIGINT PRIMARY KEY REFERENCES chats(id),
    service_id         BIGINT NOT NULL,
    day                TEXT   NOT NULL,
    hour               BIGINT NOT NULL,
    agent_id           BIGINT NOT NULL,
    category_id        BIGINT NOT NULL,
    channel_kind       TEXT   NOT NULL,
    facts              TEXT   NOT NULL
);

CREATE TABLE report_days (
    service_id         BIGINT NOT NULL,
    day                TEXT   NOT NULL,
    agent_id           BIGINT NOT NULL,
    category_id        BIGINT NOT NULL,
    channel_kind       TEXT   NOT NULL,
    chats              BIGINT NOT NULL DEFAULT 0,
    ended              BIGINT NOT NULL DEFAULT 0,
    handled            BIGINT NOT NULL DEFAULT 0,
    unhandled          BIGINT NOT NULL DEFAULT 0,
    abandoned          BIGINT NOT NULL DEFAULT 0,
    transfers          BIGINT NOT NULL DEFAULT 0,
    reroutes           BIGINT NOT NULL DEFAULT 0,
    rated              BIGINT NOT NULL DEFAULT 0,
    rating_sum         BIGINT NOT NULL DEFAULT 0,
    r1                 BIGINT NOT NULL DEFAULT 0,
    r2                 BIGINT NOT NULL DEFAULT 0,
    r3                 BIGINT NOT NULL DEFAULT 0,
    r4                 BIGINT NOT NULL DEFAULT 0,
    r5                 BIGINT NOT NULL DEFAULT 0,
    wait_assign_n      BIGINT NOT NULL DEFAULT 0,
    wait_assign_sum    BIGINT NOT NULL DEFAULT 0,
    wait_assign_b0     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b1     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b2     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b3     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b4     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b5     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b6     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b7     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b8     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b9     BIGINT NOT NULL DEFAULT 0,
    wait_assign_b10    BIGINT NOT NULL DEFAULT 0,
    wait_assign_b11    BIGINT NOT NULL DEFAULT 0,
    wait_assign_b12    BIGINT NOT NULL DEFAULT 0,
    wait_assign_b13    BIGINT NOT NULL DEFAULT 0,
    wait_assign_b14    BIGINT NOT NULL DEFAULT 0,
    wait_assign_b15    BIGINT NOT NULL DEFAULT 0,
    wait_open_n        BIGINT NOT NULL DEFAULT 0,
    wait_open_sum      BIGINT NOT NULL DEFAULT 0,
    wait_open_b0       BIGINT NOT NULL DEFAULT 0,
    wait_open_b1       BIGINT NOT NULL DEFAULT 0,
    wait_open_b2       BIGINT NOT NULL DEFAULT 0,
    wait_open_b3       BIGINT NOT NULL DEFAULT 0,
    wait_open_b4       BIGINT NOT NULL DEFAULT 0,
    wait_open_b5       BIGINT NOT NULL DEFAULT 0,
    wait_open_b6       BIGINT NOT NULL DEFAULT 0,
    wait_open_b7       BIGINT NOT NULL DEFAULT 0,
    wait_open_b8       BIGINT NOT NULL DEFAULT 0,
    wait_open_b9       BIGINT NOT NULL DEFAULT 0,
    wait_open_b10      BIGINT NOT NULL DEFAULT 0,
    wait_open_b11      BIGINT NOT NULL DEFAULT 0,
    wait_open_b12      BIGINT NOT NULL DEFAULT 0,
    wait_open_b13      BIGINT NOT NULL DEFAULT 0,
    wait_open_b14      BIGINT NOT NULL DEFAULT 0,
    wait_open_b15      BIGINT NOT NULL DEFAULT 0,
    first_response_n   BIGINT NOT NULL DEFAULT 0,
    first_response_sum BIGINT NOT NULL DEFAULT 0,
    first_response_b0  BIGINT NOT NULL DEFAULT 0,
    first_response_b1  BIGINT NOT NULL DEFAULT 0,
    first_response_b2  BIGINT NOT NULL DEFAULT 0,
    first_response_b3  BIGINT NOT NULL DEFAULT 0,
    first_response_b4  BIGINT NOT NULL DEFAULT 0,
    first_response_b5  BIGINT NOT NULL DEFAULT 0,
    first_response_b6  BIGINT NOT NULL DEFAULT 0,
    first_response_b7  BIGINT NOT NULL DEFAULT 0,
    first_response_b8  BIGINT NOT NULL DEFAULT 0,
    first_response_b9  BIGINT NOT NULL DEFAULT 0,
    first_response_b10 BIGINT NOT NULL DEFAULT 0,
    first_response_b11 BIGINT NOT NULL DEFAULT 0,
    first_response_b12 BIGINT NOT NULL DEFAULT 0,
    first_response_b13 BIGINT NOT NULL DEFAULT 0,
    first_response_b14 BIGINT NOT NULL DEFAULT 0,
    first_response_b15 BIGINT NOT NULL DEFAULT 0,
    handling_n         BIGINT NOT NULL DEFAULT 0,
    handling_sum       BIGINT NOT NULL DEFAULT 0,
    handling_b0        BIGINT NOT NULL DEFAULT 0,
    handling_b1        BIGINT NOT NULL DEFAULT 0,
    handling_b2        BIGINT NOT NULL DEFAULT 0,
    handling_b3        BIGINT NOT NULL DEFAULT 0,
    handling_b4        BIGINT NOT NULL DEFAULT 0,
    handling_b5        BIGINT NOT NULL DEFAULT 0,
    handling_b6        BIGINT NOT NULL DEFAULT 0,
    handling_b7        BIGINT NOT NULL DEFAULT 0,
    handling_b8        BIGINT NOT NULL DEFAULT 0,
    handling_b9        BIGINT NOT NULL DEFAULT 0,
    handling_b10       BIGINT NOT NULL DEFAULT 0,
    handling_b11       BIGINT NOT NULL DEFAULT 0,
    handling_b12       BIGINT NOT NULL DEFAULT 0,
    handling_b13       BIGINT NOT NULL DEFAULT 0,
    handling_b14       BIGINT NOT NULL DEFAULT 0,
    handling_b15       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, day, agent_id, category_id, channel_kind)
);

CREATE TABLE report_hours (
    service_id         BIGINT NOT NULL,
    day                TEXT   NOT NULL,
    hour               BIGINT NOT NULL,
    chats              BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, day, hour)
);
-- the filtered heatmap (an agent, a handling type, a channel) counts the facts instead
CREATE INDEX report_facts_by_day ON report_facts(service_id, day);

CREATE TABLE report_builds (
    service_id BIGINT PRIMARY KEY REFERENCES services(id),
    built_at   TIMESTAMPTZ NOT NULL
);
CREATE TABLE report_rebuilds (
    service_id BIGINT PRIMARY KEY REFERENCES services(id),
    started_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE agent_status_log (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    service_id BIGINT      NOT NULL REFERENCES services(id),
    agent_id   BIGINT      NOT NULL REFERENCES agents(id),
    status     TEXT        NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX agent_status_log_by_service ON agent_status_log(service_id, at);
