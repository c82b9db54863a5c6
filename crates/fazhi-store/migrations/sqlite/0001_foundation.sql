-- Foundation: agencies, users, sessions, API tokens, the action log.
-- Keep table and column names identical to migrations/postgres/0001_foundation.sql:
-- a test compares the two schemas.

CREATE TABLE agencies (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES agencies(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    level       TEXT NOT NULL,
    region_code TEXT NOT NULL,
    path        TEXT NOT NULL,
    created_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX agencies_path ON agencies(path);
CREATE UNIQUE INDEX agencies_parent_name ON agencies(parent_id, name);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    active        INTEGER NOT NULL,
    created_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_username ON users(username);
CREATE INDEX users_agency ON users(agency_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    csrf_token    TEXT NOT NULL,
    created_at_us INTEGER NOT NULL,
    expires_at_us INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    created_at_us INTEGER NOT NULL,
    revoked_at_us INTEGER
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);

-- The action log (执法全过程记录). Append-only: the triggers below refuse
-- UPDATE and DELETE. id is the log position (0-based leaf index = id - 1).
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    at_us         INTEGER NOT NULL,
    actor_user_id INTEGER,
    agency_id     INTEGER,
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    payload_json  TEXT NOT NULL,
    salt          BLOB NOT NULL
);
CREATE INDEX events_subject ON events(subject);
CREATE INDEX events_agency_at ON events(agency_id, at_us);
CREATE INDEX events_at ON events(at_us);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'action log is append-only: UPDATE refused');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'action log is append-only: DELETE refused');
END;
