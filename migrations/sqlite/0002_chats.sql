-- Live chat: chats, their messages, and the tickets that 1:1 inquiries (and later chats)
-- become.

ALTER TABLE agents ADD COLUMN last_assigned_at TEXT;

CREATE TABLE chats (
    id                  INTEGER PRIMARY KEY,
    service_id          INTEGER NOT NULL REFERENCES services(id),
    status              TEXT    NOT NULL CHECK (status IN ('waiting', 'active', 'customer_ended', 'ended')),
    agent_id            INTEGER REFERENCES agents(id),
    -- the customer's stable identity (C-SET-4 matches on it)
    visitor_id          TEXT,
    customer_name       TEXT,
    customer_email      TEXT,
    customer_memo       TEXT,
    customer_ip         TEXT,
    user_agent          TEXT,
    locale              TEXT    NOT NULL,
    -- 'helpcenter' or the embedding page's URL (C-IN-4)
    channel             TEXT    NOT NULL,
    category_id         INTEGER REFERENCES categories(id),
    customer_token_hash BLOB    NOT NULL UNIQUE,
    -- C-IN-3: when and which consent text was accepted
    consent_at          TEXT    NOT NULL,
    consent_version     TEXT    NOT NULL,
    handled             INTEGER NOT NULL DEFAULT 0,
    opened_at           TEXT,
    opened_by           INTEGER REFERENCES agents(id),
    first_response_at   TEXT,
    rating              INTEGER,
    last_seq            INTEGER NOT NULL DEFAULT 0,
    agent_read_seq      INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT    NOT NULL,
    assigned_at         TEXT,
    customer_ended_at   TEXT,
    ended_at            TEXT
);
CREATE INDEX chats_by_agent ON chats(agent_id, status);
CREATE INDEX chats_by_service ON chats(service_id, created_at);
CREATE INDEX chats_by_visitor ON chats(service_id, visitor_id, created_at);
CREATE INDEX chats_waiting ON chats(service_id, status, created_at);

CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    chat_id    INTEGER NOT NULL REFERENCES chats(id),
    seq        INTEGER NOT NULL,
    author     TEXT    NOT NULL CHECK (author IN ('customer', 'agent', 'system')),
    agent_id   INTEGER REFERENCES agents(id),
    client_id  TEXT,
    text       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (chat_id, seq)
);
-- a resend with the same client_id finds the stored message instead of adding one
CREATE UNIQUE INDEX messages_by_client_id ON messages(chat_id, author, client_id) WHERE client_id IS NOT NULL;

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    service_id      INTEGER NOT NULL REFERENCES services(id),
    channel         TEXT    NOT NULL CHECK (channel IN ('chat', 'inquiry')),
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL DEFAULT '',
    requester_name  TEXT,
    requester_email TEXT,
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'closed')),
    assignee_id     INTEGER REFERENCES agents(id),
    chat_id         INTEGER REFERENCES chats(id),
    created_at      TEXT    NOT NULL
);
CREATE INDEX tickets_by_service ON tickets(service_id, created_at);
