-- Issue 5: satisfaction ratings (C-END-1/2); `chats.rating` holds the score.
ALTER TABLE chats ADD COLUMN rating_comment TEXT;
ALTER TABLE chats ADD COLUMN rated_at TEXT;
ALTER TABLE chats ADD COLUMN rating_requested_at TEXT;
