-- An officer's current credential is the latest (MAX(id)) of theirs; every
-- officer list and statistic reads it per officer. With (officer_id, id) that
-- is one index probe whatever the planner's statistics say: with stale ones,
-- PostgreSQL walked the primary key backwards and filtered by officer
-- (12.7 s for 10,000 officers instead of 65 ms).
DROP INDEX credentials_officer;
CREATE INDEX credentials_officer ON credentials(officer_id, id);
