-- Issue 10: open console sockets per agent and instance, so an instance whose last
-- socket of an agent closed does not set the agent offline while another instance still
-- holds one. Rows of an instance that stopped refreshing `seen_at` are ignored.
CREATE TABLE agent_sockets (
    instance   TEXT        NOT NULL,
    agent_id   BIGINT      NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    sockets    BIGINT      NOT NULL,
    seen_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agent_id, instance)
);
