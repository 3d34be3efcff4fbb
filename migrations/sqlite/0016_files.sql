-- Issue 19: files and images in chats. A file's bytes live in `attachment_chunks`
-- (256 KiB rows, so an upload is written and a download read a piece at a time),
-- never in `messages`; the message carrying a file points back from
-- `attachments.message_id` (NULL while the upload is still arriving: such rows are
-- deleted after an hour). A masked file's chunks and thumbnail are AES-256-GCM
-- ciphertext (`nonce` set), like a masked run.
CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    service_id  INTEGER NOT NULL REFERENCES services(id),
    chat_id     INTEGER NOT NULL REFERENCES chats(id),
    message_id  INTEGER REFERENCES messages(id),
    author      TEXT    NOT NULL CHECK (author IN ('customer', 'agent')),
    mime        TEXT    NOT NULL DEFAULT '',
    size        INTEGER NOT NULL DEFAULT 0,
    width       INTEGER,
    height      INTEGER,
    thumb       BLOB,
    thumb_nonce BLOB,
    masked      INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL
);
CREATE INDEX attachments_by_message ON attachments(message_id);
CREATE INDEX attachments_by_chat ON attachments(chat_id);

CREATE TABLE attachment_chunks (
    attachment_id INTEGER NOT NULL REFERENCES attachments(id),
    seq           INTEGER NOT NULL,
    nonce         BLOB,
    data          BLOB    NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);

-- Per service: the largest file (MB) and the kinds allowed (JSON array).
ALTER TABLE services ADD COLUMN file_max_mb INTEGER NOT NULL DEFAULT 10;
ALTER TABLE services ADD COLUMN file_types TEXT NOT NULL DEFAULT '["image","pdf","office","zip"]';
