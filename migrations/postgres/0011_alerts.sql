-- Issue 19: each agent's alert preferences (see migrations/sqlite/0015_alerts.sql).
ALTER TABLE agents ADD COLUMN notify_desktop BIGINT NOT NULL DEFAULT 0;
ALTER TABLE agents ADD COLUMN notify_sound BIGINT NOT NULL DEFAULT 1;
