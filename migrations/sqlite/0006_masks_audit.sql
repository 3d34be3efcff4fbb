-- Issue 7: reversible PII masking. `messages.text` holds the masked text; the original
-- run lives only here, AES-256-GCM encrypted.
CREATE TABLE masks (
    id          INTEGER PRIMARY KEY,
    message_id  INTEGER NOT NULL REFERENCES messages(id),
    start_char  INTEGER NOT NULL,
    end_char    INTEGER NOT NULL,
    nonce       BLOB    NOT NULL,
    ciphertext  BLOB    NOT NULL,
    agent_id    INTEGER REFERENCES agents(id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX masks_by_message ON masks(message_id);

-- Who masked, unmasked or exported what, when.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES services(id),
    agent_id    INTEGER REFERENCES agents(id),
    action      TEXT    NOT NULL CHECK (action IN ('mask', 'unmask', 'export')),
    chat_id     INTEGER,
    message_id  INTEGER,
    detail      TEXT,
    created_at  TEXT    NOT NULL
);
CREATE INDEX audit_by_service ON audit_log(service_id, created_at);

-- Mask detected PII automatically on arrival (a service setting).
ALTER TABLE services ADD COLUMN auto_mask_pii INTEGER NOT NULL DEFAULT 0;
