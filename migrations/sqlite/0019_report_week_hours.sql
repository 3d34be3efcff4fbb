-- Issue 20: the heatmap of a narrowed report (an agent, a handling type, a channel)
-- without counting every fact of the period: chat starts per service × calendar month ×
-- weekday × hour × agent × handling type × channel. A period reads its whole months here
-- and counts only its edge days' facts. Rebuilt at the next start (report_builds
-- emptied), like 0018.
CREATE TABLE report_week_hours (
    service_id   INTEGER NOT NULL,
    month        TEXT    NOT NULL,
    weekday      INTEGER NOT NULL,
    hour         INTEGER NOT NULL,
    agent_id     INTEGER NOT NULL,
    category_id  INTEGER NOT NULL,
    channel_kind TEXT    NOT NULL,
    chats        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, month, weekday, hour, agent_id, category_id, channel_kind)
);
CREATE INDEX report_week_hours_by_agent ON report_week_hours(service_id, agent_id, month);
CREATE INDEX report_week_hours_by_category ON report_week_hours(service_id, category_id, month);
CREATE INDEX report_week_hours_by_channel ON report_week_hours(service_id, channel_kind, month);

DELETE FROM report_builds;
