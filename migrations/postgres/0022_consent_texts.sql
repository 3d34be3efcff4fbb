-- Issue 33: the privacy consent is told from each service's own settings (retention,
-- files), so its text changes with them; every version a customer accepted is kept
-- here once, and `chats.consent_version` names it.
CREATE TABLE consent_texts (
    service_id BIGINT      NOT NULL REFERENCES services(id),
    version    TEXT        NOT NULL,
    locale     TEXT        NOT NULL,
    body       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (service_id, version)
);
