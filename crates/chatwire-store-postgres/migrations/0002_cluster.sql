-- 0002_cluster: state that several nodes must share.
--
-- When each chat's visitor was last seen, by any node. A node only sees the polls that reach
-- it, so the sweeper of one node would time out a chat whose visitor polls another; nodes
-- record sightings here (throttled) and the sweeper reads it before ending a chat. A table of
-- its own rather than a column of `chats`: writing it must not wait for (or block) the chat
-- row lock every chat write takes.
CREATE TABLE visitor_seen (
    chat_key  TEXT   PRIMARY KEY REFERENCES chats (key) ON DELETE CASCADE,
    at        BIGINT NOT NULL                     -- ms since the epoch; only moves forward
);
