-- Issue 8: chat history (C-HIS-1..4).
--
-- Full-text search over message text that works for Korean: FTS5 with the trigram
-- tokenizer indexes every 3-character run, so "환불요청" is found by "환불요" and (through
-- LIKE, which the trigram index also serves) by 2-character words such as "환불".
-- It indexes `messages.text`, which holds masked text: a masked run is stars in the
-- index too, so masked personal data is never searchable. The index is kept in step by
-- triggers, and `secure-delete` makes FTS5 physically remove the tokens of a row it
-- deletes or updates, so a masked original does not linger in the index.
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'trigram'
);
INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1);
INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;

-- Keyset pagination walks (service, created_at, id) newest first; per-agent history
-- (agents who see only their own chats, and the agent filter) walks the same order.
CREATE INDEX chats_history ON chats(service_id, created_at DESC, id DESC);
CREATE INDEX chats_history_by_agent ON chats(service_id, agent_id, created_at DESC, id DESC);

-- Whether agents see every chat of the service in history or only their own
-- (admins always see all). Default: all.
ALTER TABLE services ADD COLUMN agents_see_all_history INTEGER NOT NULL DEFAULT 1;
