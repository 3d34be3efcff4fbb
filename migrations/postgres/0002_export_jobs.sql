-- Export jobs in the database (see migrations/sqlite/0008_export_jobs.sql).
CREATE TABLE export_jobs (
    id         TEXT        PRIMARY KEY,
    service_id BIGINT      NOT NULL REFERENCES services(id),
    agent_id   BIGINT      NOT NULL REFERENCES agents(id),
    state      TEXT        NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    written    BIGINT      NOT NULL DEFAULT 0,
    total      BIGINT      NOT NULL,
    file_name  TEXT        NOT NULL,
    error      TEXT,
    file       BYTEA,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX export_jobs_by_agent ON export_jobs(agent_id, state);
