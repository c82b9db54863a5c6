-- Extra holidays set by a local government (e.g. ethnic-minority festivals),
-- layered on the national calendar for an agency and every agency below it.
CREATE TABLE regional_holidays (
    id            BIGINT PRIMARY KEY,
    agency_id     BIGINT NOT NULL REFERENCES agencies(id),
    holiday_date  TEXT NOT NULL,
    festival      TEXT NOT NULL,
    notice        TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX regional_holidays_agency_date ON regional_holidays(agency_id, holiday_date);

-- The agency whose calendar a tracked deadline follows (regional holidays).
ALTER TABLE tracked_deadlines ADD COLUMN agency_id BIGINT;
