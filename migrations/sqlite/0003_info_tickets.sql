-- Issue 4: the device string derived from the User-Agent at chat start (C-AG-5), and
-- ticket bookkeeping.
ALTER TABLE chats ADD COLUMN customer_device TEXT;
ALTER TABLE tickets ADD COLUMN updated_at TEXT;
CREATE UNIQUE INDEX tickets_by_chat ON tickets(chat_id) WHERE chat_id IS NOT NULL;
