-- Issue 16: PII hints of a customer message, computed once when it is stored (only
-- where the security service is on) instead of on every read. JSON array of
-- {start, end, kind} by character offsets; NULL for none.
ALTER TABLE messages ADD COLUMN pii TEXT;
