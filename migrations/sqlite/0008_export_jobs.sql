-- Issue 10: export jobs live in the database, so with several instances the console's
-- progress polls and the download may reach any of them. The finished workbook (masked
-- text only) is kept here until it expires (engine::EXPORT_TTL).
CREATE TABLE export_jobs (
    id         TEXT    PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
    agent_id   INTEGER NOT NULL REFERENCES agents(id),
    state      TEXT    NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    written    INTEGER NOT NULL DEFAULT 0,
    total      INTEGER NOT NULL,
    file_name  TEXT    NOT NULL,
    error      TEXT,
    file       BLOB,
    created_at TEXT    NOT NULL
);
CREATE INDEX export_jobs_by_agent ON export_jobs(agent_id, state);
