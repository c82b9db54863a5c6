-- 双随机、一公开: yearly plans and their verifiable draws.
CREATE TABLE inspection_plans (
    id            BIGINT PRIMARY KEY,
    agency_id     BIGINT NOT NULL REFERENCES agencies(id),
    year          BIGINT NOT NULL,
    level         TEXT NOT NULL,
    name          TEXT NOT NULL,
    item_code     TEXT NOT NULL,
    domains       TEXT NOT NULL,
    params_json   TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE INDEX inspection_plans_agency ON inspection_plans(agency_id, year);

-- A draw is committed (pool frozen, hash logged), then drawn (randomness
-- entered, outcome computed). `record_json` is the published record once drawn.
CREATE TABLE draws (
    id                BIGINT PRIMARY KEY,
    plan_id           BIGINT NOT NULL REFERENCES inspection_plans(id),
    state             TEXT NOT NULL,
    commitment        TEXT NOT NULL,
    pool_json         TEXT NOT NULL,
    randomness        TEXT NOT NULL,
    randomness_source TEXT NOT NULL,
    record_json       TEXT NOT NULL,
    committed_event   BIGINT NOT NULL,
    drawn_event       BIGINT NOT NULL,
    created_at_us     BIGINT NOT NULL,
    updated_at_us     BIGINT NOT NULL
);
CREATE INDEX draws_plan ON draws(plan_id);
