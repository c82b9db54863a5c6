-- 裁量基准: for a penalty power, the fine band of each circumstance (情节),
-- with the factors and citation; versioned like the power list.
CREATE TABLE discretion_rules (
    id              BIGINT PRIMARY KEY,
    agency_id       BIGINT NOT NULL REFERENCES agencies(id),
    power_code      TEXT NOT NULL,
    circumstance    TEXT NOT NULL,
    fine_min_fen    BIGINT NOT NULL,
    fine_max_fen    BIGINT NOT NULL,
    other_penalties TEXT NOT NULL,
    description     TEXT NOT NULL,
    citation        TEXT NOT NULL,
    version         BIGINT NOT NULL,
    updated_at_us   BIGINT NOT NULL
);
CREATE UNIQUE INDEX discretion_rules_key ON discretion_rules(agency_id, power_code, circumstance);
