-- Inspections (监督检查): one task per entity a draw hands out, ad hoc
-- inspections, and re-checks. A task belongs to the agency responsible for
-- the entity (plans of a city are carried out by its districts' bodies).
-- `plan_id`/`draw_id` are 0 for ad hoc inspections; `visit` is the id of
-- the lead task when tasks are merged into one joint visit (综合查一次),
-- else the task's own id. `code` is the public inspection code (亮码入企).
CREATE TABLE inspection_tasks (
    id            BIGINT PRIMARY KEY,
    agency_id     BIGINT NOT NULL REFERENCES agencies(id),
    plan_id       BIGINT NOT NULL,
    draw_id       BIGINT NOT NULL,
    entity_id     BIGINT NOT NULL REFERENCES entities(id),
    source        TEXT NOT NULL,
    basis         TEXT NOT NULL,
    officer_ids   TEXT NOT NULL,
    due_on        TEXT NOT NULL,
    visit         BIGINT NOT NULL,
    state         TEXT NOT NULL,
    done_on       TEXT NOT NULL,
    result        TEXT NOT NULL,
    findings      TEXT NOT NULL,
    opinion       TEXT NOT NULL,
    rectify_by    TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    publish_by    TEXT NOT NULL,
    recheck_of    BIGINT NOT NULL,
    case_id       BIGINT NOT NULL,
    code          TEXT NOT NULL,
    version       BIGINT NOT NULL,
    created_at_us BIGINT NOT NULL,
    updated_at_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX inspection_tasks_code ON inspection_tasks(code);
CREATE INDEX inspection_tasks_draw ON inspection_tasks(draw_id);
CREATE INDEX inspection_tasks_entity ON inspection_tasks(entity_id, due_on);
CREATE INDEX inspection_tasks_agency ON inspection_tasks(agency_id, state, due_on);

-- Anonymous ratings of a visit by the inspected entity (supervisors only).
CREATE TABLE inspection_ratings (
    task_id       BIGINT PRIMARY KEY REFERENCES inspection_tasks(id),
    stars         BIGINT NOT NULL,
    comment       TEXT NOT NULL,
    created_at_us BIGINT NOT NULL
);

-- Joint (cross-department) plans name their partners; a plan may set its own
-- yearly cap of visits per entity (0 = the rule's default).
ALTER TABLE inspection_plans ADD COLUMN partners TEXT NOT NULL DEFAULT '';
ALTER TABLE inspection_plans ADD COLUMN yearly_cap BIGINT NOT NULL DEFAULT 0;
