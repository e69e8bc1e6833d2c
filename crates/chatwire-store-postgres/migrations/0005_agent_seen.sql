-- 0005_agent_seen: when each agent last made a request, by any node (agent liveness).
--
-- A node only sees the requests that reach it, so one node's sweeper would set Offline an agent
-- who polls another. Nodes write a heartbeat here (at most every quarter of the idle timeout
-- per agent, not per request) and the sweeper reads it before setting an agent Offline. A table
-- of its own rather than a column of `agents`: a heartbeat must not rewrite the agent row,
-- wake every node's directory (agent writes are NOTIFYed) or wait for an agent update.
CREATE TABLE agent_seen (
    agent_id  BIGINT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    at        BIGINT NOT NULL                     -- ms since the epoch; only moves forward
);
