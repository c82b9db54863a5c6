-- The Merkle tree over the action log (RFC 6962 hashing): the hash of every
-- complete subtree, leaves at level 0 (idx = event id - 1). Rows are written
-- in the same transaction as the event that completes them and never change.
CREATE TABLE log_nodes (
    level BIGINT NOT NULL,
    idx   BIGINT NOT NULL,
    hash  BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

-- Signed tree heads (C2SP signed-note checkpoints) of this agency's log.
CREATE TABLE checkpoints (
    id            BIGINT PRIMARY KEY,
    size          BIGINT NOT NULL,
    root          BYTEA NOT NULL,
    note          TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX checkpoints_size ON checkpoints(size);

-- Witness cosignatures uploaded for a checkpoint.
CREATE TABLE cosignatures (
    id            BIGINT PRIMARY KEY,
    checkpoint_id BIGINT NOT NULL REFERENCES checkpoints(id),
    witness       TEXT NOT NULL,
    line          TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX cosignatures_checkpoint_witness ON cosignatures(checkpoint_id, witness);

CREATE TRIGGER log_nodes_no_update BEFORE UPDATE OR DELETE ON log_nodes
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
