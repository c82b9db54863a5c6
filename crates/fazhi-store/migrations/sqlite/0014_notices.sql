-- Public notices of decisions (双公示). A penalty notice mirrors its case's
-- publication (case_id > 0); a permit notice is registered on its own
-- (case_id = 0). Content columns hold what the public may read (the party's
-- name is masked when the party is a natural person, at the one redaction
-- point in the app); lifecycle columns are the domain's `notice::Notice`.
-- `search_tokens` is the segmented, folded text the full-text index reads.
-- Dates are YYYY-MM-DD or '' when unset.
CREATE TABLE notices (
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    kind           TEXT NOT NULL,
    case_id        INTEGER NOT NULL,
    number         TEXT NOT NULL,
    decided_on     TEXT NOT NULL,
    year           INTEGER NOT NULL,
    domain         TEXT NOT NULL,
    party_name     TEXT NOT NULL,
    party_kind     TEXT NOT NULL,
    party_code     TEXT NOT NULL,
    title          TEXT NOT NULL,
    facts          TEXT NOT NULL,
    basis          TEXT NOT NULL,
    content        TEXT NOT NULL,
    state          TEXT NOT NULL,
    due_on         TEXT NOT NULL,
    published_on   TEXT NOT NULL,
    shortest_until TEXT NOT NULL,
    until_on       TEXT NOT NULL,
    withdrawal_due TEXT NOT NULL,
    taken_down_on  TEXT NOT NULL,
    reason         TEXT NOT NULL,
    reply          TEXT NOT NULL,
    search_tokens  TEXT NOT NULL,
    version        INTEGER NOT NULL,
    created_at_us  INTEGER NOT NULL,
    updated_at_us  INTEGER NOT NULL
);
CREATE INDEX notices_public ON notices(state, id);
CREATE INDEX notices_agency ON notices(agency_id, state, due_on);
CREATE INDEX notices_case ON notices(case_id);
CREATE INDEX notices_year ON notices(year, state, id);

-- Full-text index over search_tokens. The structures differ by backend by
-- design (FTS5 here, a GIN expression index on PostgreSQL) and are named
-- `*_fts`, which the schema-parity test leaves out.
CREATE VIRTUAL TABLE notices_fts USING fts5(search_tokens, content='notices', content_rowid='id');
CREATE TRIGGER notices_fts_insert AFTER INSERT ON notices BEGIN
    INSERT INTO notices_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
END;
CREATE TRIGGER notices_fts_update AFTER UPDATE OF search_tokens ON notices BEGIN
    INSERT INTO notices_fts(notices_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
    INSERT INTO notices_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
END;
