-- 裁量基准: for a penalty power, the fine band of each circumstance (情节),
-- with the factors and citation; versioned like the power list.
CREATE TABLE discretion_rules (
    id              INTEGER PRIMARY KEY,
    agency_id       INTEGER NOT NULL REFERENCES agencies(id),
    power_code      TEXT NOT NULL,
    circumstance    TEXT NOT NULL,
    fine_min_fen    INTEGER NOT NULL,
    fine_max_fen    INTEGER NOT NULL,
    other_penalties TEXT NOT NULL,
    description     TEXT NOT NULL,
    citation        TEXT NOT NULL,
    version         INTEGER NOT NULL,
    updated_at_us   INTEGER NOT NULL
);
CREATE UNIQUE INDEX discretion_rules_key ON discretion_rules(agency_id, power_code, circumstance);
