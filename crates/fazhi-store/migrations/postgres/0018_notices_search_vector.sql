-- The search vector of a notice, stored (PostgreSQL only: SQLite searches
-- its FTS5 table). Public search walks the newest notices first, and
-- computing `to_tsvector` for each walked row cost about 25 µs, reading the
-- stored vector about 1 µs (measured on 1,000,000 notices). Named `*_fts`,
-- which the schema-parity test leaves out, like the FTS5 table.
ALTER TABLE notices ADD COLUMN search_fts tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_tokens)) STORED;
DROP INDEX notices_fts;
CREATE INDEX notices_fts ON notices USING gin (search_fts);
