-- Which action-log events changed which registry record: the index behind each
-- record's history page. An import logs one event for many rows; each row it
-- inserted or updated gets one line here, written in the event's transaction.
-- No foreign key to events: the log is append-only (triggers), and a key
-- would make TRUNCATE fail with the wrong message.
CREATE TABLE record_events (
    record_kind TEXT NOT NULL,
    record_key  TEXT NOT NULL,
    event_id    BIGINT NOT NULL,
    change      TEXT NOT NULL
);
CREATE INDEX record_events_record ON record_events(record_kind, record_key, event_id);

-- 不予处罚清单 (首违不罚 / 轻微不罚 / 无过错不罚): when a penalty power's
-- violation is not to be penalised, on what conditions and legal basis.
CREATE TABLE no_penalty_items (
    id             BIGINT PRIMARY KEY,
    agency_id      BIGINT NOT NULL REFERENCES agencies(id),
    power_code     TEXT NOT NULL,
    kind           TEXT NOT NULL,
    conduct        TEXT NOT NULL,
    conditions     TEXT NOT NULL,
    basis          TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    updated_at_us  BIGINT NOT NULL
);
CREATE UNIQUE INDEX no_penalty_items_key ON no_penalty_items(agency_id, power_code, kind, effective_from);
