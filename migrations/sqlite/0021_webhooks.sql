-- Issue 21: webhooks. A service's subscriptions (`events`: a JSON array of event names)
-- and the outbox: one row per event and subscriber, written in the transaction of the
-- change it reports, delivered afterwards by a background task (never on the chat's
-- path), retried with back-off; the row is also the delivery log.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES services(id),
    url         TEXT    NOT NULL,
    secret      TEXT    NOT NULL,
    events      TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT    NOT NULL
);
CREATE INDEX webhooks_by_service ON webhooks(service_id);

CREATE TABLE webhook_outbox (
    id            INTEGER PRIMARY KEY,
    service_id    INTEGER NOT NULL REFERENCES services(id),
    webhook_id    INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event         TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    state         TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       TEXT    NOT NULL,
    claimed_until TEXT,
    last_status   INTEGER,
    last_error    TEXT,
    last_at       TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox(next_at) WHERE state = 'pending';
CREATE INDEX webhook_outbox_by_service ON webhook_outbox(service_id, id);
