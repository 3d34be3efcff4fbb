-- Issue 21: the audit log takes imports too (SQLite changes a CHECK by rebuilding).
CREATE TABLE audit_log_next (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES services(id),
    agent_id    INTEGER REFERENCES agents(id),
    action      TEXT    NOT NULL CHECK (action IN ('mask', 'unmask', 'export', 'erase', 'retention', 'import')),
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
