-- Issue 21: the audit log takes imports too.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('mask', 'unmask', 'export', 'erase', 'retention', 'import'));
