-- 随机抽查事项清单: what may be spot-checked, on what basis, by whom, how.
CREATE TABLE spot_check_items (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    domain        TEXT NOT NULL,
    basis         TEXT NOT NULL,
    object        TEXT NOT NULL,
    content       TEXT NOT NULL,
    method        TEXT NOT NULL,
    updated_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX spot_check_items_agency_code ON spot_check_items(agency_id, code);

-- 回避: an officer who must not handle or inspect an entity or person, and why.
CREATE TABLE recusals (
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER NOT NULL REFERENCES agencies(id),
    staff_no      TEXT NOT NULL,
    party_key     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    updated_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX recusals_staff_party ON recusals(staff_no, party_key);
