-- The supervision domain(s) a task inspects, kept on the task when it is
-- created: its plan's domains, or for a task without a plan the entity's.
-- Statistics by domain then read the task row alone. Joining the entities
-- for it was most of the server's time in the province-scale indicators
-- on PostgreSQL (a hash join of 1,000,000 tasks with 500,000 entities).
-- It is also the right figure: the domain the inspection was made for,
-- not whatever the entity's registration says later.
ALTER TABLE inspection_tasks ADD COLUMN item_domain TEXT NOT NULL DEFAULT '';
UPDATE inspection_tasks SET item_domain = COALESCE(
    (SELECT p.domains FROM inspection_plans p WHERE p.id = inspection_tasks.plan_id),
    (SELECT e.domains FROM entities e WHERE e.id = inspection_tasks.entity_id),
    '');
