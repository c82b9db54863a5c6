-- The action log keeps each event as its canonical encoding, `entry`: the
-- exact bytes its Merkle leaf hashes (fazhi-domain action_log, version 1).
-- Kind, actor, payload and salt live only there. Time, agency and subject are
-- kept beside it as well, for the indexes the pages and statistics use; every
-- read checks them against the entry, and `fazhi log verify` checks every row.
--
-- Why: verification read eight columns per event, and producing them cost
-- the server about twice what hashing the event costs. It now hashes `entry`
-- as stored.
--
-- The entries of existing events are built here from their columns, by the
-- documented layout: "fazhi.event.v1" ‖ id:i64be ‖ at_us:i64be ‖ opt(actor)
-- ‖ opt(agency) ‖ lp(kind) ‖ lp(subject) ‖ lp(payload_json) ‖ lp(salt). A
-- test checks that they equal the encoding the application writes.
CREATE TABLE events_entry (
    id        BIGINT PRIMARY KEY,
    at_us     BIGINT NOT NULL,
    agency_id BIGINT,
    subject   TEXT NOT NULL,
    entry     BYTEA NOT NULL
);
INSERT INTO events_entry (id, at_us, agency_id, subject, entry)
SELECT id, at_us, agency_id, subject,
    convert_to('fazhi.event.v1', 'UTF8')
    || int8send(id)
    || int8send(at_us)
    || CASE WHEN actor_user_id IS NULL THEN '\x00'::bytea ELSE '\x01'::bytea || int8send(actor_user_id) END
    || CASE WHEN agency_id IS NULL THEN '\x00'::bytea ELSE '\x01'::bytea || int8send(agency_id) END
    || int4send(octet_length(convert_to(kind, 'UTF8'))) || convert_to(kind, 'UTF8')
    || int4send(octet_length(convert_to(subject, 'UTF8'))) || convert_to(subject, 'UTF8')
    || int4send(octet_length(convert_to(payload_json, 'UTF8'))) || convert_to(payload_json, 'UTF8')
    || int4send(length(salt)) || salt
FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_entry RENAME TO events;
ALTER INDEX events_entry_pkey RENAME TO events_pkey;

CREATE INDEX events_subject ON events(subject);
CREATE INDEX events_agency_at ON events(agency_id, at_us);
CREATE INDEX events_at ON events(at_us);

CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
