-- Issue 19: read receipts and the typing preview (see migrations/sqlite/0012_signals.sql).
ALTER TABLE chats ADD COLUMN customer_read_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN typing_preview BIGINT NOT NULL DEFAULT 0;
