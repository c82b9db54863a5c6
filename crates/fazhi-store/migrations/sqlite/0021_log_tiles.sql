-- The Merkle tree stored as tiles (C2SP tlog-tiles geometry, height 8).
--
-- Before: one log_nodes row per complete subtree at every level, about two
-- rows per event. After: the hashes of levels 0, 8, 16, … only (the levels
-- between are recomputed from them, at most 255 hashes per tile), kept
-- 256 to a row in log_tiles once their tile is full. log_nodes keeps the
-- hashes of those levels whose tile is not full yet, one row each; when a
-- tile fills, its row is written and those rows are folded into it (deleted)
-- in the same transaction. Keep names identical to the PostgreSQL migration.

-- Tile (level, idx): the 256 hashes of tree level 8·level with indices
-- [256·idx, 256·idx + 256), 32 bytes each, in order.
CREATE TABLE log_tiles (
    level  INTEGER NOT NULL,
    idx    INTEGER NOT NULL,
    hashes BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TRIGGER log_tiles_no_update BEFORE UPDATE ON log_tiles
BEGIN
    SELECT RAISE(ABORT, 'log tree is append-only: UPDATE refused');
END;
CREATE TRIGGER log_tiles_no_delete BEFORE DELETE ON log_tiles
BEGIN
    SELECT RAISE(ABORT, 'log tree is append-only: DELETE refused');
END;

-- Interior levels are no longer stored.
DROP TRIGGER log_nodes_no_delete;
DELETE FROM log_nodes WHERE level % 8 <> 0;

-- A log_nodes row may only leave by being folded into its tile: the tile
-- exists and holds the same hash at the row's place. Updates stay refused.
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
WHEN OLD.level % 8 <> 0 OR NOT EXISTS (
    SELECT 1 FROM log_tiles t
    WHERE t.level = OLD.level / 8 AND t.idx = OLD.idx / 256
      AND substr(t.hashes, (OLD.idx % 256) * 32 + 1, 32) = OLD.hash
)
BEGIN
    SELECT RAISE(ABORT, 'log tree is append-only: DELETE refused');
END;
