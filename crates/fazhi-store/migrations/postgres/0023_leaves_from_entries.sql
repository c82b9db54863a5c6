-- The leaves of the leaf tile still filling are no longer stored.
--
-- A leaf is H(0x00 ‖ entry) of its event, and since migration 0022 the entry
-- is stored as it is hashed: a log_nodes row per leaf repeated it. An append
-- now writes its event row only; the event that fills a leaf tile writes the
-- tile from the entries of its 256 events. Full tiles and the levels above
-- are unchanged. Keep names identical to the SQLite migration.

-- Leaves of the last, partial group of 256 go (those of full groups stay for
-- fold_rows_into_tiles, on a database whose tree is not folded yet). The
-- trigger refuses any delete not into a tile: it is off for this one.
ALTER TABLE log_nodes DISABLE TRIGGER log_nodes_no_delete;
DELETE FROM log_nodes WHERE level = 0 AND idx >= (
    (SELECT COUNT(*) FROM log_tiles WHERE level = 0) * 256
    + (SELECT COUNT(*) FROM log_nodes WHERE level = 0)
) / 256 * 256;
ALTER TABLE log_nodes ENABLE TRIGGER log_nodes_no_delete;

-- No statement looks events up by time alone (the statistics go by agency,
-- then time: events_agency_at); the index cost every append a page.
DROP INDEX events_at;
