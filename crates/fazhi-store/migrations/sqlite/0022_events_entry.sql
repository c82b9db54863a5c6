-- The action log keeps each event as its canonical encoding, `entry`: the
-- exact bytes its Merkle leaf hashes (fazhi-domain action_log, version 1).
-- Kind, actor, payload and salt live only there. Time, agency and subject are
-- kept beside it as well, for the indexes the pages and statistics use; every
-- read checks them against the entry, and `fazhi log verify` checks every row.
--
-- Why: verification read eight columns per event, and reading them cost the
-- database about twice what hashing the event costs. It now hashes `entry`
-- as stored.
--
-- The entries of existing events are built here from their columns, by the
-- documented layout: "fazhi.event.v1" ‖ id:i64be ‖ at_us:i64be ‖ opt(actor)
-- ‖ opt(agency) ‖ lp(kind) ‖ lp(subject) ‖ lp(payload_json) ‖ lp(salt). A
-- test checks that they equal the encoding the application writes.
CREATE TABLE events_entry (
    id        INTEGER PRIMARY KEY,
    at_us     INTEGER NOT NULL,
    agency_id INTEGER,
    subject   TEXT NOT NULL,
    entry     BLOB NOT NULL
);
INSERT INTO events_entry (id, at_us, agency_id, subject, entry)
SELECT id, at_us, agency_id, subject, unhex(
    hex('fazhi.event.v1')
    || printf('%016llx', id)
    || printf('%016llx', at_us)
    || CASE WHEN actor_user_id IS NULL THEN '00' ELSE '01' || printf('%016llx', actor_user_id) END
    || CASE WHEN agency_id IS NULL THEN '00' ELSE '01' || printf('%016llx', agency_id) END
    || printf('%08x', length(CAST(kind AS BLOB))) || hex(kind)
    || printf('%08x', length(CAST(subject AS BLOB))) || hex(subject)
    || printf('%08x', length(CAST(payload_json AS BLOB))) || hex(payload_json)
    || printf('%08x', length(salt)) || hex(salt))
FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_entry RENAME TO events;

CREATE INDEX events_subject ON events(subject);
CREATE INDEX events_agency_at ON events(agency_id, at_us);
CREATE INDEX events_at ON events(at_us);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'action log is append-only: UPDATE refused');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'action log is append-only: DELETE refused');
END;
