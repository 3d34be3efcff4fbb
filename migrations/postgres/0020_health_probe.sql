-- Issue 30: one row the health check writes, so /healthz proves the writer can commit.
CREATE TABLE health_probe (
    id BIGINT PRIMARY KEY,
    checked_at TIMESTAMPTZ NOT NULL
);
INSERT INTO health_probe (id, checked_at) VALUES (1, '1970-01-01T00:00:00Z');

-- Issue 30: recovery codes are now 16 characters kept as HMAC-SHA-256 under a server
-- key; the old short, unkeyed ones stop working (README: set two-factor up again).
DELETE FROM agent_recovery_codes;
