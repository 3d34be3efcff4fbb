-- Issue 19: read receipts — how far the customer has read (the agent's side is
-- agent_read_seq) — and the optional typing preview (off by default).
ALTER TABLE chats ADD COLUMN customer_read_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN typing_preview INTEGER NOT NULL DEFAULT 0;
