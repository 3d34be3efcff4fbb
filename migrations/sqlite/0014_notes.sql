-- Issue 19: internal notes — agent-only messages in a conversation (never sent to the
-- customer, never in the customer's transcript or socket frames).
ALTER TABLE messages ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
