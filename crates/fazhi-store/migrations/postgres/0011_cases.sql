-- Penalty cases. The whole case is kept as JSON (`state_json`, the domain's
-- `Case`); the other columns are a projection for lists, queues and counts,
-- rewritten with it. `version` grows by one per step: an update names the
-- version it read, so two people acting at once cannot both win.
CREATE TABLE cases (
    id              BIGINT PRIMARY KEY,
    agency_id       BIGINT NOT NULL REFERENCES agencies(id),
    procedure       TEXT NOT NULL,
    stage           TEXT NOT NULL,
    party_name      TEXT NOT NULL,
    party_kind      TEXT NOT NULL,
    party_key       TEXT NOT NULL,
    power_code      TEXT NOT NULL,
    domain          TEXT NOT NULL,
    summary         TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    fine_fen        BIGINT NOT NULL,
    opened_on       TEXT NOT NULL,
    filed_on        TEXT NOT NULL,
    decided_on      TEXT NOT NULL,
    closed_on       TEXT NOT NULL,
    next_due        TEXT NOT NULL,
    next_due_rule   TEXT NOT NULL,
    handlers        TEXT NOT NULL,
    flag_count      BIGINT NOT NULL,
    version         BIGINT NOT NULL,
    state_json      TEXT NOT NULL,
    created_at_us   BIGINT NOT NULL,
    updated_at_us   BIGINT NOT NULL
);
CREATE INDEX cases_agency_stage ON cases(agency_id, stage);
CREATE INDEX cases_party_key ON cases(party_key);

-- Document numbers (文号) per agency, year and kind (罚, 当罚 …): the last one issued.
CREATE TABLE case_numbers (
    agency_id BIGINT NOT NULL REFERENCES agencies(id),
    year      BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    last      BIGINT NOT NULL,
    PRIMARY KEY (agency_id, year, kind)
);

-- Which officer (registry staff number) an account is: handlers are accounts,
-- and their credentials and recusals live in the officer registry.
CREATE TABLE user_officers (
    user_id  BIGINT PRIMARY KEY REFERENCES users(id),
    staff_no TEXT NOT NULL
);
