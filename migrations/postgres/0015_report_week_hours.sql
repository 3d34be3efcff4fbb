-- Issue 20: the narrowed heatmap's monthly rollup (see migrations/sqlite/0019_report_week_hours.sql).
CREATE TABLE report_week_hours (
    service_id   BIGINT  NOT NULL,
    month        TEXT    NOT NULL,
    weekday      BIGINT  NOT NULL,
    hour         BIGINT  NOT NULL,
    agent_id     BIGINT  NOT NULL,
    category_id  BIGINT  NOT NULL,
    channel_kind TEXT    NOT NULL,
    chats        BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, month, weekday, hour, agent_id, category_id, channel_kind)
);
CREATE INDEX report_week_hours_by_agent ON report_week_hours(service_id, agent_id, month);
CREATE INDEX report_week_hours_by_category ON report_week_hours(service_id, category_id, month);
CREATE INDEX report_week_hours_by_channel ON report_week_hours(service_id, channel_kind, month);

DELETE FROM report_builds;
