-- Holiday schedules imported after release (the next year is announced each
-- November), applied on top of the embedded national table at start, in order.
CREATE TABLE calendar_imports (
    id            BIGINT PRIMARY KEY,
    years         TEXT NOT NULL,
    toml_text     TEXT NOT NULL,
    replaced      BIGINT NOT NULL,
    imported_at_us BIGINT NOT NULL
);

-- Deadlines the platform watches. Open ones are recomputed when the calendar changes.
CREATE TABLE tracked_deadlines (
    id              BIGINT PRIMARY KEY,
    subject         TEXT NOT NULL,
    rule_id         TEXT NOT NULL,
    jurisdiction    TEXT NOT NULL,
    start_date      TEXT NOT NULL,
    pauses_json     TEXT NOT NULL,
    extensions_json TEXT NOT NULL,
    due_date        TEXT NOT NULL,
    open            BIGINT NOT NULL,
    updated_at_us   BIGINT NOT NULL
);
CREATE INDEX tracked_deadlines_subject ON tracked_deadlines(subject);
CREATE INDEX tracked_deadlines_open_due ON tracked_deadlines(open, due_date);
