-- Registries (三库): enforcement officers and their credentials, regulated entities.
-- Natural keys make re-imports idempotent: officers by staff_no, credentials
-- by number, organisations by USCC.

CREATE TABLE officers (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    staff_no      TEXT NOT NULL,
    name          TEXT NOT NULL,
    posts         TEXT NOT NULL,
    domains       TEXT NOT NULL,
    created_at_us INTEGER NOT NULL,
    updated_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX officers_staff_no ON officers(staff_no);
CREATE INDEX officers_agency ON officers(agency_id);

CREATE TABLE credentials (
    id                 INTEGER PRIMARY KEY,
    officer_id         INTEGER NOT NULL REFERENCES officers(id),
    number             TEXT NOT NULL,
    issuing_body       TEXT NOT NULL,
    area               TEXT NOT NULL,
    valid_from         TEXT NOT NULL,
    valid_to           TEXT NOT NULL,
    last_review_year   INTEGER,
    training_hours     INTEGER NOT NULL,
    updated_at_us      INTEGER NOT NULL
);
CREATE UNIQUE INDEX credentials_number ON credentials(number);
CREATE INDEX credentials_officer ON credentials(officer_id);

CREATE TABLE entities (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    uscc           TEXT NOT NULL,
    name           TEXT NOT NULL,
    legal_rep      TEXT NOT NULL,
    address        TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    domains        TEXT NOT NULL,
    risk_level     TEXT NOT NULL,
    credit_grade   TEXT NOT NULL,
    status         TEXT NOT NULL,
    permits_json   TEXT NOT NULL,
    created_at_us  INTEGER NOT NULL,
    updated_at_us  INTEGER NOT NULL
);
CREATE UNIQUE INDEX entities_uscc ON entities(uscc);
CREATE INDEX entities_agency ON entities(agency_id);
CREATE INDEX entities_name ON entities(name);
