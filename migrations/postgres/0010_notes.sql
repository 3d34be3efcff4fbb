-- Issue 19: internal notes (see migrations/sqlite/0014_notes.sql).
ALTER TABLE messages ADD COLUMN internal BIGINT NOT NULL DEFAULT 0;
