-- Services (tenants), their accounts, browser/API sessions and handling-type categories.
-- Times are RFC 3339 UTC text; booleans are 0/1.

CREATE TABLE services (
    id                      INTEGER PRIMARY KEY,
    slug                    TEXT    NOT NULL UNIQUE,
    name                    TEXT    NOT NULL,
    -- C-SET-1 contract flags
    contract_chat           INTEGER NOT NULL DEFAULT 0,
    contract_security       INTEGER NOT NULL DEFAULT 0,
    -- C-SET-2: may be 1 only while contract_chat is 1 (enforced by the engine)
    helpcenter_chat_enabled INTEGER NOT NULL DEFAULT 0,
    -- C-SET-4
    prefer_recent_agent     INTEGER NOT NULL DEFAULT 0,
    -- JSON array of help-center language codes, default first
    locales                 TEXT    NOT NULL DEFAULT '["ko","en"]',
    -- C-SET-3, JSON objects keyed by language code
    greetings               TEXT    NOT NULL DEFAULT '{}',
    satisfaction_messages   TEXT    NOT NULL DEFAULT '{}',
    created_at              TEXT    NOT NULL
);

CREATE TABLE agents (
    id                INTEGER PRIMARY KEY,
    service_id        INTEGER NOT NULL REFERENCES services(id),
    name              TEXT    NOT NULL,
    -- lower-cased; unique across the installation because login is by email alone
    email             TEXT    NOT NULL UNIQUE,
    -- argon2id PHC string
    password_hash     TEXT    NOT NULL,
    role              TEXT    NOT NULL CHECK (role IN ('admin', 'agent')),
    chat_permission   INTEGER NOT NULL DEFAULT 1,
    active            INTEGER NOT NULL DEFAULT 1,
    status            TEXT    NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'break', 'offline')),
    status_changed_at TEXT    NOT NULL,
    created_at        TEXT    NOT NULL
);
CREATE INDEX agents_by_service ON agents(service_id);

-- Only the SHA-256 of a token is stored: a copy of the database opens no session.
CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    agent_id   INTEGER NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
CREATE INDEX sessions_by_agent ON sessions(agent_id);

-- C-SET-6 handling types: a tree of at most 3 levels (depth enforced by the engine).
CREATE TABLE categories (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL REFERENCES services(id),
    parent_id  INTEGER REFERENCES categories(id),
    name       TEXT    NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT    NOT NULL
);
CREATE INDEX categories_by_service ON categories(service_id, parent_id, position);
