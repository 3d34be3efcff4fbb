-- Issue 19: how each agent wants to hear of new chats and messages (remembered per
-- agent, on every browser they sign in from).
ALTER TABLE agents ADD COLUMN notify_desktop INTEGER NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN notify_sound INTEGER NOT NULL DEFAULT 1;
