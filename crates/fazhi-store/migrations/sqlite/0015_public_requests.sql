-- The public's requests: complaints and reports (投诉举报) and government-
-- information disclosure requests (依申请公开). The request is kept as JSON
-- (`state_json`, the domain's `Request`) with a projection for lists and
-- counts, rewritten with it; `version` grows by one per step (optimistic
-- concurrency). The tracking number is the requester's bearer secret: only
-- its SHA-256 is stored (`tracking_hash`, unique) and a short hint for staff.
-- The requester's personal data lives in the `requester_*` columns, never in
-- the JSON, the action log or a public page.
CREATE TABLE public_requests (
    id                INTEGER PRIMARY KEY,
    agency_id         INTEGER NOT NULL REFERENCES agencies(id),
    kind              TEXT NOT NULL,
    state             TEXT NOT NULL,
    tracking_hash     TEXT NOT NULL,
    tracking_hint     TEXT NOT NULL,
    subject           TEXT NOT NULL,
    requester_name    TEXT NOT NULL,
    requester_phone   TEXT NOT NULL,
    requester_email   TEXT NOT NULL,
    requester_address TEXT NOT NULL,
    received_on       TEXT NOT NULL,
    due_on            TEXT NOT NULL,
    due_rule          TEXT NOT NULL,
    concluded_on      TEXT NOT NULL,
    result            TEXT NOT NULL,
    on_time           INTEGER NOT NULL,
    assignee          INTEGER NOT NULL,
    satisfaction      TEXT NOT NULL,
    version           INTEGER NOT NULL,
    state_json        TEXT NOT NULL,
    created_at_us     INTEGER NOT NULL,
    updated_at_us     INTEGER NOT NULL
);
CREATE UNIQUE INDEX public_requests_tracking ON public_requests(tracking_hash);
CREATE INDEX public_requests_agency_state ON public_requests(agency_id, state, due_on);
CREATE INDEX public_requests_received ON public_requests(received_on);
