-- Issue 6: the embeddable widget — where it may run and who may use it.
-- JSON array of host names ("shop.example.com", "*.example.com"); empty = anywhere.
ALTER TABLE services ADD COLUMN allowed_domains TEXT NOT NULL DEFAULT '[]';
-- Only customers signed in on the host site (valid data-user-hash) may chat.
ALTER TABLE services ADD COLUMN require_signed_user INTEGER NOT NULL DEFAULT 0;
-- HMAC-SHA256 key for data-user-hash; created on first use.
ALTER TABLE services ADD COLUMN identity_secret TEXT;
UPDATE services SET identity_secret = lower(hex(randomblob(32))) WHERE identity_secret IS NULL;
