-- Issue 16: a chat's unread count for its agent (customer messages after
-- agent_read_seq), kept by every write that moves either side, so the agent's counters
-- are one indexed sum instead of a count over every unread message of every open chat.
ALTER TABLE chats ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;
UPDATE chats SET unread = (SELECT COUNT(*) FROM messages m
    WHERE m.chat_id = chats.id AND m.author = 'customer' AND m.seq > chats.agent_read_seq);
