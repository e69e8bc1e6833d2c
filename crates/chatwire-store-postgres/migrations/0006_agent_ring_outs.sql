-- 0006_agent_ring_outs: how many chats in a row each agent let ring out (ring timeout), by any
-- node, so that "Away after N ring-outs" counts every node's ring-outs.
--
-- The node whose sweeper moves a ring on adds one (one statement, so concurrent nodes never
-- lose a count); an accept, or going Away for it, deletes the row. A table of its own for the
-- same reason as `agent_seen`: a count must not rewrite the agent row or wake every node.
CREATE TABLE agent_ring_outs (
    agent_id  BIGINT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    count     INTEGER NOT NULL
);
