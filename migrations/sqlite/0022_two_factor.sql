-- Issue 21: two-factor login (TOTP, RFC 6238). The secret is sealed with the masking key
-- (AES-256-GCM), like masked originals; an enrolment in progress keeps its secret apart
-- until a first code confirms it. `totp_last_step` refuses a code used once already.
-- Recovery codes are kept only as SHA-256 hashes. A service may require it of everyone.
ALTER TABLE agents ADD COLUMN totp_nonce BLOB;
ALTER TABLE agents ADD COLUMN totp_secret BLOB;
ALTER TABLE agents ADD COLUMN totp_pending_nonce BLOB;
ALTER TABLE agents ADD COLUMN totp_pending BLOB;
ALTER TABLE agents ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE agents ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0;
CREATE TABLE agent_recovery_codes (
    id        INTEGER PRIMARY KEY,
    agent_id  INTEGER NOT NULL REFERENCES agents(id),
    code_hash BLOB    NOT NULL,
    used_at   TEXT
);
CREATE INDEX agent_recovery_codes_by_agent ON agent_recovery_codes(agent_id);
