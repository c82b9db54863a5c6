-- The staff-written text of each part of the annual rule-of-law report
-- (法治政府建设年度报告), kept with versions: a save adds a row with the next
-- version of its (agency, year, part) and never changes an older one, so any
-- earlier text can be read again. `part` is 1–5 in the statutory order.
CREATE TABLE report_narratives (
    id          INTEGER PRIMARY KEY,
    agency_id   INTEGER NOT NULL REFERENCES agencies(id),
    year        INTEGER NOT NULL,
    part        INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    saved_at_us INTEGER NOT NULL
);
CREATE UNIQUE INDEX report_narratives_version ON report_narratives(agency_id, year, part, version);
