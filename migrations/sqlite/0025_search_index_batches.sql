-- Issue 32: the history's trigram index (0007) is kept up in batches, not per insert.
--
-- Indexing a message in the transaction that stores it made every small commit of the
-- message writer write (and soon merge) a new FTS5 segment: measured on the bare writer
-- at 2,000 rows/s, the per-insert trigger took its CPU from 6–7 % to 10–14 % of a core
-- and its ceiling from 43,000 to 25,000–28,000 rows/s. Now an insert only queues its id
-- in `messages_fts_pending` (a plain B-tree insert); `store::search_index` moves the queue
-- into the index a few times a second in one statement, and the history search reads the
-- queued rows directly (`store::history`), so a message is found the moment it is stored.
--
-- A row is in exactly one of the two places, which the triggers below keep true: a
-- queued row has nothing in the index to delete (an FTS5 'delete' of tokens that are not
-- there would corrupt it), and a masked text of a queued row is indexed as it is when
-- its turn comes. `secure-delete` (0007) still removes an indexed original's tokens.
-- The queue is keyed by id rather than a high-water mark because `messages.id` is a
-- plain rowid: deleting the newest row lets SQLite give its id again.
CREATE TABLE messages_fts_pending (id INTEGER PRIMARY KEY);

DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

CREATE TRIGGER messages_fts_queue AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts_pending(id) VALUES (new.id);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text)
        SELECT 'delete', old.id, old.text
        WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE id = old.id);
    DELETE FROM messages_fts_pending WHERE id = old.id;
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE id = old.id) BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
