-- SuperOffice topic settings and skill deletes.
--
-- topic_settings: the SuperOffice-only settings of a skill (opening hours, widget, bot, alert
-- and ticket options) as one JSON document, read and written whole; deleted with its skill.
CREATE TABLE topic_settings (
    skill_id   INTEGER PRIMARY KEY REFERENCES skills (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    json       TEXT NOT NULL
) STRICT;

-- skill_tombstones: ids of deleted skills. Chats keep their skill id after the skill is
-- deleted, so a new skill must never get an old id; `skills.id` is a plain rowid (no
-- AUTOINCREMENT), so new ids are numbered past both tables.
CREATE TABLE skill_tombstones (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id)
) STRICT;
