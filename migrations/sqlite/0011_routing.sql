-- Issue 18: routing that never strands a customer.
-- Capacity: the service's default (1–50) and an agent's own cap (NULL = the default).
ALTER TABLE services ADD COLUMN agent_capacity INTEGER NOT NULL DEFAULT 3;
ALTER TABLE agents ADD COLUMN capacity INTEGER;
-- Re-routing an unanswered chat after this many seconds (NULL = off).
ALTER TABLE services ADD COLUMN reroute_after_secs INTEGER;
-- A waiting chat is kept this long for the customer's full recent agent (C-SET-4).
ALTER TABLE services ADD COLUMN recent_agent_hold_secs INTEGER NOT NULL DEFAULT 120;
-- Business hours as JSON (shared::BusinessHours); NULL = off with the defaults.
ALTER TABLE services ADD COLUMN business_hours TEXT;
-- The customer's recent agent when the chat started (for the hold while it waits).
ALTER TABLE chats ADD COLUMN preferred_agent_id INTEGER REFERENCES agents(id);
-- Every time a chat changed hands, in order: transfers (with the note the receiver
-- reads), re-routes, hand-overs when an agent went offline, and returns to the queue.
CREATE TABLE chat_handovers (
    id            INTEGER PRIMARY KEY,
    chat_id       INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('transfer', 'reroute', 'offline', 'supervisor')),
    from_agent_id INTEGER REFERENCES agents(id),
    to_agent_id   INTEGER REFERENCES agents(id),
    note          TEXT,
    at            TEXT    NOT NULL
);
CREATE INDEX chat_handovers_by_chat ON chat_handovers(chat_id, id);
