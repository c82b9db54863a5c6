-- Evidence attachments (photos, 执法记录仪 audio/video, scans). The bytes live
-- on disk, content-addressed by SHA-256; this row and the action-log event
-- that added it carry the hash, so a swapped file is detected by verify.
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    sha256         TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    media_type     TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    device_id      TEXT,
    captured_at_us INTEGER,
    subject        TEXT NOT NULL,
    agency_id      INTEGER NOT NULL REFERENCES agencies(id),
    added_by       INTEGER NOT NULL REFERENCES users(id),
    created_at_us  INTEGER NOT NULL
);
CREATE INDEX attachments_subject ON attachments(subject);
CREATE INDEX attachments_sha256 ON attachments(sha256);
