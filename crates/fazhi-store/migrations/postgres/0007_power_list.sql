-- 权责清单: the powers an agency holds, versioned. Every adjustment (added,
-- changed, delegated down, removed) raises the version and is recorded in the
-- action log with its reason and document number.
CREATE TABLE power_items (
    id             BIGINT PRIMARY KEY,
    agency_id      BIGINT NOT NULL REFERENCES agencies(id),
    code           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    legal_basis    TEXT NOT NULL,
    unit           TEXT NOT NULL,
    status         TEXT NOT NULL,
    version        BIGINT NOT NULL,
    last_reason    TEXT NOT NULL,
    last_document  TEXT NOT NULL,
    updated_at_us  BIGINT NOT NULL
);
CREATE UNIQUE INDEX power_items_agency_code ON power_items(agency_id, code);
