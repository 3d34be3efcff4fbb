-- Issue 10: failed logins shared by every instance, so N instances do not allow N times
-- the attempts (engine::throttle's rules; SQLite, one process, keeps them in memory).
CREATE TABLE login_failures (
    key TEXT        NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures(key, at);
