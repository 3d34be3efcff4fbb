-- Issue 19: canned replies (상용구). agent_id NULL = the service's, else that agent's
-- own; texts is a JSON object of language code → text.
CREATE TABLE canned_replies (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
    agent_id   INTEGER REFERENCES agents(id),
    title      TEXT    NOT NULL,
    shortcut   TEXT,
    texts      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
CREATE INDEX canned_by_owner ON canned_replies(service_id, agent_id);
