-- The Merkle tree over the action log (RFC 6962 hashing): the hash of every
-- complete subtree, leaves at level 0 (idx = event id - 1). Rows are written
-- in the same transaction as the event that completes them and never change.
CREATE TABLE log_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Signed tree heads (C2SP signed-note checkpoints) of this agency's log.
CREATE TABLE checkpoints (
    id            INTEGER PRIMARY KEY,
    size          INTEGER NOT NULL,
    root          BLOB NOT NULL,
    note          TEXT NOT NULL,
    created_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX checkpoints_size ON checkpoints(size);

-- Witness cosignatures uploaded for a checkpoint.
CREATE TABLE cosignatures (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id),
    witness       TEXT NOT NULL,
    line          TEXT NOT NULL,
    created_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX cosignatures_checkpoint_witness ON cosignatures(checkpoint_id, witness);

CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'log tree is append-only: UPDATE refused');
END;
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'log tree is append-only: DELETE refused');
END;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are append-only: UPDATE refused');
END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are append-only: DELETE refused');
END;
