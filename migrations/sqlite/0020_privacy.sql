-- Issue 21: retention and erasure of customers' personal data. A service may anonymise
-- chats older than `retention_days` (NULL: off); an erased chat keeps its row, times,
-- handling type and rating (reports keep working) and records when it was erased.
ALTER TABLE services ADD COLUMN retention_days INTEGER;
ALTER TABLE services ADD COLUMN retention_ran_at TEXT;
ALTER TABLE chats ADD COLUMN erased_at TEXT;
CREATE INDEX chats_for_retention ON chats(service_id, ended_at) WHERE erased_at IS NULL;
CREATE INDEX chats_by_email ON chats(service_id, customer_email) WHERE customer_email IS NOT NULL;

-- the audit log takes the two new actions (SQLite changes a CHECK by rebuilding)
CREATE TABLE audit_log_next (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES services(id),
    agent_id    INTEGER REFERENCES agents(id),
    action      TEXT    NOT NULL CHECK (action IN ('mask', 'unmask', 'export', 'erase', 'retention')),
    chat_id     INTEGER,
    message_id  INTEGER,
    detail      TEXT,
    created_at  TEXT    NOT NULL
);
INSERT INTO audit_log_next (id, service_id, agent_id, action, chat_id, message_id, detail, created_at)
    SELECT id, service_id, agent_id, action, chat_id, message_id, detail, created_at FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_next RENAME TO audit_log;
CREATE INDEX audit_by_service ON audit_log(service_id, created_at);
