-- Issue 21: retention and erasure (see migrations/sqlite/0020_privacy.sql).
ALTER TABLE services ADD COLUMN retention_days BIGINT;
ALTER TABLE services ADD COLUMN retention_ran_at TIMESTAMPTZ;
ALTER TABLE chats ADD COLUMN erased_at TIMESTAMPTZ;
CREATE INDEX chats_for_retention ON chats(service_id, ended_at) WHERE erased_at IS NULL;
CREATE INDEX chats_by_email ON chats(service_id, customer_email) WHERE customer_email IS NOT NULL;
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('mask', 'unmask', 'export', 'erase', 'retention'));
