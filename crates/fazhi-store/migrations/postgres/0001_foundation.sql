-- Foundation: agencies, users, sessions, API tokens, the action log.
-- All ids are assigned by the application inside the serialised write
-- transaction. Keep table and column names identical to migrations/sqlite/0001_foundation.sql:
-- a test compares the two schemas.

CREATE TABLE agencies (
    id          BIGINT PRIMARY KEY,
    parent_id   BIGINT REFERENCES agencies(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    level       TEXT NOT NULL,
    region_code TEXT NOT NULL,
    path        TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX agencies_path ON agencies(path);
CREATE UNIQUE INDEX agencies_parent_name ON agencies(parent_id, name);

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    agency_id     BIGINT NOT NULL REFERENCES agencies(id),
    active        BIGINT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users(username);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    csrf_token    TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    expires_at_us BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            BIGINT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    created_at_us BIGINT NOT NULL,
    revoked_at_us BIGINT
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);

-- The action log (执法全过程记录). Append-only: the triggers below refuse
-- UPDATE, DELETE and TRUNCATE. id is the log position, assigned by the
-- application inside the write transaction (max + 1) so that positions are
-- gapless, which the Merkle tree requires. Every write transaction holds
-- advisory lock 6962 (see fazhi-store db.rs), so appends are serialised.
CREATE TABLE events (
    id            BIGINT PRIMARY KEY,
    at_us         BIGINT NOT NULL,
    actor_user_id BIGINT,
    agency_id     BIGINT,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    payload_json  TEXT NOT NULL,
    salt          BYTEA NOT NULL
);
CREATE INDEX events_subject ON events(subject);
CREATE INDEX events_agency_at ON events(agency_id, at_us);
CREATE INDEX events_at ON events(at_us);

CREATE FUNCTION events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'action log is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
