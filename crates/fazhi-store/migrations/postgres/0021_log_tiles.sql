-- The Merkle tree stored as tiles (C2SP tlog-tiles geometry, height 8).
--
-- Before: one log_nodes row per complete subtree at every level, about two
-- rows per event. After: the hashes of levels 0, 8, 16, … only (the levels
-- between are recomputed from them, at most 255 hashes per tile), kept
-- 256 to a row in log_tiles once their tile is full. log_nodes keeps the
-- hashes of those levels whose tile is not full yet, one row each; when a
-- tile fills, its row is written and those rows are folded into it (deleted)
-- in the same transaction. Keep names identical to the SQLite migration.

-- Tile (level, idx): the 256 hashes of tree level 8·level with indices
-- [256·idx, 256·idx + 256), 32 bytes each, in order.
CREATE TABLE log_tiles (
    level  BIGINT NOT NULL,
    idx    BIGINT NOT NULL,
    hashes BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);
-- 8 KiB of hashes does not compress: store it out of line without trying.
ALTER TABLE log_tiles ALTER COLUMN hashes SET STORAGE EXTERNAL;

CREATE TRIGGER log_tiles_no_update BEFORE UPDATE OR DELETE ON log_tiles
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER log_tiles_no_truncate BEFORE TRUNCATE ON log_tiles
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Interior levels are no longer stored.
DROP TRIGGER log_nodes_no_update ON log_nodes;
DELETE FROM log_nodes WHERE level % 8 <> 0;

-- A log_nodes row may only leave by being folded into its tile: the tile
-- exists and holds the same hash at the row's place. Updates stay refused.
CREATE FUNCTION log_nodes_fold_only() RETURNS trigger AS $$
BEGIN
    IF OLD.level % 8 = 0 AND EXISTS (
        SELECT 1 FROM log_tiles t
        WHERE t.level = OLD.level / 8 AND t.idx = OLD.idx / 256
          AND substring(t.hashes FROM (OLD.idx % 256)::int * 32 + 1 FOR 32) = OLD.hash
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'log tree is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
    FOR EACH ROW EXECUTE FUNCTION log_nodes_fold_only();
